/*
 * A change of a product's warehouse objects made outside the portal — an
 * apply, a sandbox made or deleted, by a template's step or the CLI in a
 * pipeline — told to the portal's data-mesh backend (POST
 * /products/{namespace}/{name}/infrastructure/reports), so that the
 * product's audit trail holds every change, not only the portal's. The
 * scaffolder actions and the CLI build and send their reports here, the
 * same way.
 */
import {
  type InfrastructureApplyReport,
  type InfrastructureChangeReport,
  type InfrastructureChangeReportResponse,
  type ReportedChange,
  type SandboxCreateReport,
  type SandboxDeleteReport,
  INFRASTRUCTURE_APPLY_AUDIT_ACTION,
  SANDBOX_CREATE_AUDIT_ACTION,
  SANDBOX_DELETE_AUDIT_ACTION,
  dataMeshApiUrl,
} from '@datamesh/plugin-data-mesh-common';
import type { ApplyResult } from './apply';
import {
  type CreateSandboxResult,
  type FoundSandbox,
  SandboxError,
  nameSandbox,
} from './sandbox';
import type {
  ProductLayer,
  ProvisionedProduct,
  WarehouseDialect,
} from './types';

/**
 * The portal's data-mesh backend (e.g.
 * `https://portal.example.com/api/data-mesh`) and the Backstage token a
 * pipeline or a template step calls it with.
 * @public
 */
export interface PortalTarget {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

/** `path` of the portal's API at `target`. @public */
export function portalUrl(target: PortalTarget, path: string): string {
  return `${target.baseUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * A request to the portal's API at `target`, with its token: what it
 * answered, with its own message when it refused.
 */
export async function sendToPortal(
  target: PortalTarget,
  path: string,
  method: 'POST' | 'PUT' | 'DELETE',
  body?: object,
): Promise<{ status: number; payload: any; message: string }> {
  const response = await (target.fetch ?? fetch)(portalUrl(target, path), {
    method,
    headers: {
      authorization: `Bearer ${target.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const payload = (await response.json().catch(() => undefined)) as any;
  return {
    status: response.status,
    payload,
    message: payload?.error?.message ?? response.statusText,
  };
}

/** POST a report the portal keeps (201); throws with the portal's message otherwise. */
export async function postReport<T>(
  target: PortalTarget,
  path: string,
  body: object,
): Promise<T> {
  const { status, payload, message } = await sendToPortal(
    target,
    path,
    'POST',
    body,
  );
  if (status !== 201) {
    throw new Error(`the portal did not record it (${status}): ${message}`);
  }
  return payload as T;
}

/** The product a spec describes, as the report routes name it. @public */
export function reportedProduct(entity: {
  metadata: { namespace?: string; name: string };
}): { namespace: string; name: string } {
  return {
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
}

/** Every statement an apply sent, in order. @public */
export function appliedStatements(result: ApplyResult): string[] {
  return result.applied.flatMap(step => step.statements.map(s => s.sql));
}

/**
 * What to report of an apply, or `undefined` when there is nothing to keep:
 * it sent nothing and did not fail (the portal keeps the same).
 * @public
 */
export function applyReportOf(
  result: ApplyResult,
  change: ReportedChange & { allowDestructive: boolean },
): InfrastructureApplyReport | undefined {
  const statements = appliedStatements(result);
  if (statements.length === 0 && !result.error) return undefined;
  return {
    action: INFRASTRUCTURE_APPLY_AUDIT_ACTION,
    ...change,
    statements,
    ...(result.error ? { error: result.error.message } : {}),
  };
}

/** What to report of a sandbox made for the branch `suffix`. @public */
export function sandboxCreateReportOf(
  suffix: string,
  made: CreateSandboxResult,
  dialect: Pick<WarehouseDialect, 'qualifiedSchema'>,
  change: ReportedChange,
): SandboxCreateReport {
  return {
    action: SANDBOX_CREATE_AUDIT_ACTION,
    ...change,
    branch: suffix,
    schemas: made.layers.map(l => l.qualified),
    method: made.method,
    ...(made.replaced.length > 0
      ? { replaced: made.replaced.map(s => dialect.qualifiedSchema(s)) }
      : {}),
  };
}

/**
 * What to report of a sandbox the warehouse failed to make for the branch
 * `suffix`: the schemas it was to make, and the warehouse's error (part of
 * them may have been made). `undefined` for the sandbox engine's refusal
 * (not provisioned, the branch's sandbox exists, a schema of another's),
 * which sent nothing — the portal does not keep those either.
 * @public
 */
export function sandboxCreateFailureReportOf(
  error: unknown,
  sandbox: {
    dialect: WarehouseDialect;
    product: ProvisionedProduct;
    suffix: string;
    layers?: readonly ProductLayer[];
  },
  change: ReportedChange,
): SandboxCreateReport | undefined {
  if (error instanceof SandboxError) return undefined;
  const { dialect, product, suffix, layers } = sandbox;
  return {
    action: SANDBOX_CREATE_AUDIT_ACTION,
    ...change,
    branch: suffix,
    schemas: nameSandbox(dialect, product, suffix, layers).map(
      s => s.qualified,
    ),
    error: error instanceof Error ? error.message : String(error),
  };
}

/**
 * What to report of sandbox schemas dropped (or, with `error`, that the
 * warehouse refused to drop): one report per branch.
 * @public
 */
export function sandboxDeleteReportsOf(
  dropped: FoundSandbox[],
  dialect: Pick<WarehouseDialect, 'qualifiedSchema'>,
  change: ReportedChange,
  error?: string,
): SandboxDeleteReport[] {
  const byBranch = new Map<string, string[]>();
  for (const s of dropped) {
    byBranch.set(s.suffix, [
      ...(byBranch.get(s.suffix) ?? []),
      dialect.qualifiedSchema(s),
    ]);
  }
  return [...byBranch].map(([branch, schemas]) => ({
    action: SANDBOX_DELETE_AUDIT_ACTION,
    ...change,
    branch,
    dropped: schemas,
    ...(error ? { error } : {}),
  }));
}

// the document's limits: a long warehouse message or CI address is cut, not refused
const cut = (
  report: InfrastructureChangeReport,
): InfrastructureChangeReport => ({
  ...report,
  ...(report.error ? { error: report.error.slice(0, 4_000) } : {}),
  ...(report.reference ? { reference: report.reference.slice(0, 500) } : {}),
});

/**
 * Sends `report` for the product to the data-mesh backend at
 * `baseUrl` (e.g. `https://portal.example.com/api/data-mesh`) with a
 * Backstage token. Throws with the backend's own message when it refuses
 * (403: not an owner, 400: a bad report) or cannot be reached.
 * @public
 */
export async function sendChangeReport(
  target: PortalTarget,
  product: { namespace: string; name: string },
  report: InfrastructureChangeReport,
): Promise<InfrastructureChangeReportResponse> {
  return postReport(
    target,
    dataMeshApiUrl(
      '/products/{namespace}/{name}/infrastructure/reports',
      product,
    ),
    cut(report),
  );
}
