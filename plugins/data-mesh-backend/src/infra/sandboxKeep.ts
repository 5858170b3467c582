/*
 * Keeping a branch's sandbox past its expiry
 * (POST /products/:namespace/:name/sandboxes/:branch/keep): where the
 * platform deletes sandboxes `dataMesh.sandboxes.expireAfter` after they
 * were made, a long-lived branch would otherwise lose its sandbox, or have
 * to make it again (copying the product's data anew, and losing what the
 * branch's pipeline wrote there). Its owners keep it instead: its schemas
 * are marked again with when they were kept, from which its time runs
 * anew. The sandbox create permission decides (making it again is the
 * other way to keep one); each keeping is in the product's audit trail.
 */
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  type SandboxKeepAuditDetail,
  type SandboxKeepResponse,
  SANDBOX_KEEP_AUDIT_ACTION,
  sandboxBusyWords,
} from '@datamesh/plugin-data-mesh-common';
import {
  SandboxError,
  findSandboxes,
  keepSandbox,
} from '@datamesh/plugin-data-mesh-node';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import type { InfrastructureService } from './InfrastructureService';
import { type SandboxClaims, authorizeSandboxChange } from './sandboxClaims';

/** @public */
export interface SandboxKeepingOptions {
  infrastructure: Pick<
    InfrastructureService,
    'namedProduct' | 'ask' | 'listedSandboxes'
  >;
  permissions: PermissionsService;
  audit: Pick<LifecycleStore, 'addAudit'>;
  /** A sandbox being made or deleted is not kept meanwhile. */
  claims: Pick<SandboxClaims, 'inProgress'>;
  /** `dataMesh.sandboxes.expireAfter`; without it sandboxes do not expire. */
  expireAfterMs?: number;
  logger: LoggerService;
  clock: { now(): number };
}

/** Keeping a branch's sandbox past its expiry, behind the REST API. @public */
export class SandboxKeeping {
  constructor(private readonly options: SandboxKeepingOptions) {}

  /** `branch`: the branch, or its suffix as the sandboxes list it. */
  async keep(
    ref: { namespace: string; name: string },
    branch: string,
    credentials: BackstageCredentials,
  ): Promise<SandboxKeepResponse> {
    const { infrastructure, claims, expireAfterMs, audit, logger, clock } =
      this.options;
    // making it again is the other way to keep it: the same permission
    const { suffix, entityRef, actor } = await authorizeSandboxChange(
      this.options.permissions,
      'create',
      ref,
      branch,
      credentials,
    );
    if (expireAfterMs === undefined) {
      throw new ConflictError(
        'sandboxes do not expire here (dataMesh.sandboxes.expireAfter is not set): there is nothing to keep',
      );
    }
    const busy = (await claims.inProgress(entityRef)).find(
      c => c.branch === suffix,
    );
    if (busy) throw new ConflictError(sandboxBusyWords(entityRef, busy));
    const { product, adapter } = await infrastructure.namedProduct(
      ref,
      credentials,
    );
    const found = await infrastructure.ask(adapter, () =>
      findSandboxes(adapter, product),
    );
    const branchOf = found.filter(s => s.suffix === suffix);
    if (branchOf.length === 0) {
      throw new NotFoundError(
        `${entityRef} has no sandbox of branch ${suffix}`,
      );
    }
    const keptAt = new Date(clock.now());
    // the engine's refusal (its marker has no time: it never expires) is
    // the caller's conflict; anything else, the warehouse's failure
    const kept = await infrastructure.ask(adapter, () =>
      keepSandbox(adapter, product, branchOf, keptAt).catch(e =>
        e instanceof SandboxError ? e : Promise.reject(e),
      ),
    );
    if (kept instanceof SandboxError) throw new ConflictError(kept.message);
    const keptBySchema = new Map(kept.map(k => [k.schema, k]));
    const sandboxes = infrastructure.listedSandboxes(
      found.map(s => keptBySchema.get(s.schema) ?? s),
      adapter,
    );
    // as listed: from the time its marker records (whole seconds)
    const expiresAt =
      sandboxes.find(s => s.branch === suffix)?.expiresAt ??
      new Date(keptAt.getTime() + expireAfterMs).toISOString();
    logger.info(
      `Sandbox ${suffix} of ${entityRef} kept by ${actor} until ${expiresAt}`,
    );
    await audit.addAudit({
      product: entityRef,
      at: keptAt.getTime(),
      actor,
      action: SANDBOX_KEEP_AUDIT_ACTION,
      detail: {
        branch: suffix,
        keptAt: keptAt.toISOString(),
        expiresAt,
      } satisfies SandboxKeepAuditDetail,
    });
    return { entityRef, branch: suffix, expiresAt, sandboxes };
  }
}
