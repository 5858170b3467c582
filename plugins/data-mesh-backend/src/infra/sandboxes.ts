/*
 * A product's feature-branch sandboxes in the API, and deleting one from the
 * portal (DELETE /products/:namespace/:name/sandboxes/:branch). Sandboxes
 * hold copies of the product's data, PII included, so the product's owners
 * (the sandbox delete permission) drop a merged branch's instead of asking
 * the platform team. The sandbox engine in data-mesh-node finds them by
 * their marker, as the CLI, the scaffolder action and retirement do: a schema
 * that only has a sandbox's name is never dropped. Each deletion that dropped
 * something, or failed, is kept in the product's audit trail.
 */
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  type InfrastructureDriftItem,
  type InfrastructureSandbox,
  type SandboxDeleteAuditDetail,
  type SandboxDeleteResponse,
  SANDBOX_DELETE_AUDIT_ACTION,
} from '@datamesh/plugin-data-mesh-common';
import {
  type FoundSandbox,
  type ProvisionedProduct,
  type WarehouseAdapter,
  dropSandboxes,
  findSandboxes,
} from '@datamesh/plugin-data-mesh-node';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import type { InfrastructureService } from './InfrastructureService';
import { type SandboxClaims, authorizeSandboxChange } from './sandboxClaims';

/**
 * Sandbox schemas as the API lists them: by branch, in the order found,
 * made when its first schema was.
 */
export function toInfrastructureSandboxes(
  found: FoundSandbox[],
  adapter: Pick<WarehouseAdapter, 'dialect'>,
  /** `dataMesh.sandboxes.expireAfter`: each with its `expiresAt`. */
  expireAfterMs?: number,
): InfrastructureSandbox[] {
  const byBranch = new Map<string, InfrastructureSandbox>();
  for (const s of found) {
    const entry = byBranch.get(s.suffix) ?? { branch: s.suffix, schemas: [] };
    entry.schemas.push({
      name: s.schema,
      qualified: adapter.dialect.qualifiedSchema(s),
    });
    if (s.createdAt && !(entry.createdAt && entry.createdAt <= s.createdAt)) {
      entry.createdAt = s.createdAt;
    }
    if (s.keptAt && !(entry.keptAt && entry.keptAt >= s.keptAt)) {
      entry.keptAt = s.keptAt;
    }
    byBranch.set(s.suffix, entry);
  }
  const listed = [...byBranch.values()];
  if (expireAfterMs === undefined) return listed;
  // its time runs from when it was made, or last kept
  return listed.map(entry =>
    entry.createdAt
      ? {
          ...entry,
          expiresAt: new Date(
            Date.parse(entry.keptAt ?? entry.createdAt) + expireAfterMs,
          ).toISOString(),
        }
      : entry,
  );
}

/** A drift summary item's sandboxes: how many branches, the oldest; nothing without any. */
export function sandboxSummary(
  sandboxes: InfrastructureSandbox[],
): Pick<InfrastructureDriftItem, 'sandboxes'> {
  if (sandboxes.length === 0) return {};
  const made = sandboxes.flatMap(s => s.createdAt ?? []).sort();
  return {
    sandboxes: {
      branches: sandboxes.length,
      ...(made.length ? { oldestCreatedAt: made[0] } : {}),
    },
  };
}

/** Who deletes the sandboxes that expired, in the audit trail and the claims. */
export const EXPIRY_ACTOR = 'system';

/** @public */
export interface SandboxDeletionOptions {
  infrastructure: Pick<
    InfrastructureService,
    'namedProduct' | 'ask' | 'redactMessage' | 'listedSandboxes'
  >;
  permissions: PermissionsService;
  /** The product's audit trail, where each deletion is kept. */
  audit: Pick<LifecycleStore, 'addAudit'>;
  logger: LoggerService;
  clock: { now(): number };
  /**
   * Who changes which branch's sandbox, shared by the replicas and the
   * pipelines: a branch being made is not dropped under its copy.
   */
  claims: Pick<SandboxClaims, 'hold'>;
}

/** Deleting a feature branch's sandbox, behind the REST API. @public */
export class SandboxDeletion {
  constructor(private readonly options: SandboxDeletionOptions) {}

  /** `branch`: the branch, or its suffix as the sandboxes list it. */
  async delete(
    ref: { namespace: string; name: string },
    branch: string,
    credentials: BackstageCredentials,
  ): Promise<SandboxDeleteResponse> {
    const { infrastructure } = this.options;
    const { suffix, entityRef, actor } = await authorizeSandboxChange(
      this.options.permissions,
      'delete',
      ref,
      branch,
      credentials,
    );
    const { product, adapter } = await infrastructure.namedProduct(
      ref,
      credentials,
    );
    const release = await this.options.claims.hold(
      entityRef,
      suffix,
      actor,
      'delete',
    );
    try {
      return await this.drop(entityRef, actor, suffix, product, adapter);
    } finally {
      await release();
    }
  }

  /**
   * Drops a branch's sandbox that expired, as the platform (`system`):
   * held as any deletion, kept in the audit trail with when it was made and
   * expired. A branch another is changing is refused (ConflictError): the
   * next round tries again.
   */
  async expire(
    product: ProvisionedProduct,
    adapter: WarehouseAdapter,
    sandbox: { branch: string; createdAt: string; expiresAt: string },
  ): Promise<SandboxDeleteResponse> {
    const release = await this.options.claims.hold(
      product.entityRef,
      sandbox.branch,
      EXPIRY_ACTOR,
      'delete',
    );
    try {
      return await this.drop(
        product.entityRef,
        EXPIRY_ACTOR,
        sandbox.branch,
        product,
        adapter,
        {
          expired: {
            createdAt: sandbox.createdAt,
            expiresAt: sandbox.expiresAt,
          },
        },
      );
    } finally {
      await release();
    }
  }

  private async drop(
    entityRef: string,
    actor: string,
    suffix: string,
    product: ProvisionedProduct,
    adapter: WarehouseAdapter,
    why: Pick<SandboxDeleteAuditDetail, 'expired'> = {},
  ): Promise<SandboxDeleteResponse> {
    const { infrastructure, audit, logger, clock } = this.options;
    const found = await infrastructure.ask(adapter, () =>
      findSandboxes(adapter, product),
    );
    const doomed = found.filter(s => s.suffix === suffix);
    const dropped = doomed.map(s => ({
      name: s.schema,
      qualified: adapter.dialect.qualifiedSchema(s),
    }));
    if (doomed.length === 0) {
      // already gone (another tab, the CLI): nothing to do, nothing to audit
      return {
        entityRef,
        branch: suffix,
        dropped: [],
        sandboxes: infrastructure.listedSandboxes(found, adapter),
      };
    }
    let failure: unknown;
    try {
      await infrastructure.ask(adapter, () => dropSandboxes(adapter, doomed));
    } catch (e) {
      failure = e;
    }
    const error = failure
      ? infrastructure.redactMessage((failure as Error).message)
      : undefined;
    const names = dropped.map(d => d.qualified);
    logger.info(
      `Sandbox ${suffix} of ${entityRef} deleted by ${actor}: ${names.join(
        ', ',
      )}${error ? ` (failed: ${error})` : ''}`,
    );
    try {
      await audit.addAudit({
        product: entityRef,
        at: clock.now(),
        actor,
        action: SANDBOX_DELETE_AUDIT_ACTION,
        detail: {
          branch: suffix,
          dropped: names,
          ...(error ? { error } : {}),
          ...why,
        } satisfies SandboxDeleteAuditDetail,
      });
    } catch (e) {
      // the schemas are gone already: the line above keeps them in the log
      logger.error(
        `Deletion of sandbox ${suffix} of ${entityRef} by ${actor} is missing from its audit trail: ${stringifyError(
          e,
        )}`,
      );
    }
    if (failure) throw failure;
    return {
      entityRef,
      branch: suffix,
      dropped,
      sandboxes: infrastructure.listedSandboxes(
        found.filter(s => s.suffix !== suffix),
        adapter,
      ),
    };
  }
}
