/*
 * An apply that ran outside the portal — the template's apply step, `datamesh
 * apply` in a pipeline — told to the portal's data-mesh backend (POST
 * /products/{namespace}/{name}/infrastructure/applies), so that the
 * product's audit trail holds every change of its warehouse objects. The
 * scaffolder action and the CLI build and send the report here, the same
 * way.
 */
import {
  type InfrastructureApplyReport,
  type InfrastructureApplyReportResponse,
  type InfrastructureApplySource,
  dataMeshApiUrl,
} from '@datamesh/plugin-data-mesh-common';
import type { ApplyResult } from './apply';

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
  options: {
    source: InfrastructureApplySource;
    allowDestructive: boolean;
    stage?: string;
    reference?: string;
    /** The owner the product's spec declares. */
    owner?: string;
  },
): InfrastructureApplyReport | undefined {
  const statements = appliedStatements(result);
  if (statements.length === 0 && !result.error) return undefined;
  return {
    source: options.source,
    statements,
    allowDestructive: options.allowDestructive,
    ...(result.error ? { error: result.error.message.slice(0, 4_000) } : {}),
    ...(options.stage ? { stage: options.stage } : {}),
    ...(options.reference
      ? { reference: options.reference.slice(0, 500) }
      : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  };
}

/**
 * Sends `report` for the product to the data-mesh backend at
 * `baseUrl` (e.g. `https://portal.example.com/api/data-mesh`) with a
 * Backstage token. Throws with the backend's own message when it refuses
 * (403: not an owner, 400: a bad report) or cannot be reached.
 * @public
 */
export async function sendApplyReport(
  target: { baseUrl: string; token: string; fetch?: typeof fetch },
  product: { namespace: string; name: string },
  report: InfrastructureApplyReport,
): Promise<InfrastructureApplyReportResponse> {
  const url = `${target.baseUrl.replace(/\/+$/, '')}${dataMeshApiUrl(
    '/products/{namespace}/{name}/infrastructure/applies',
    product,
  )}`;
  const response = await (target.fetch ?? fetch)(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${target.token}`,
    },
    body: JSON.stringify(report),
  });
  const payload = (await response.json().catch(() => undefined)) as any;
  if (response.status !== 201) {
    throw new Error(
      `the portal did not record it (${response.status}): ${
        payload?.error?.message ?? response.statusText
      }`,
    );
  }
  return payload as InfrastructureApplyReportResponse;
}
