/*
 * One hand at a time on a branch's sandbox. The portal claims the branch
 * while it makes or deletes the sandbox (SandboxCreation, SandboxDeletion);
 * a pipeline's `datamesh sandbox create|delete --report-to` and the
 * template's sandbox steps claim it through the API (POST
 * /products/:namespace/:name/sandbox-claims, refreshed by PUT …/:id, ended
 * by DELETE …/:id) — so a person's New sandbox… of a branch a pipeline is
 * copying is refused, and the other way round, on every replica. A claim is
 * authorised as the change it is for (the sandbox create or delete
 * permission); only its holder refreshes or ends it.
 */
import { randomUUID } from 'node:crypto';
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  stringifyError,
} from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  type InfrastructureSandboxInProgress,
  type SandboxChange,
  type SandboxClaim,
  type SandboxClaimBody,
  dataMeshSandboxCreatePermission,
  dataMeshSandboxDeletePermission,
  sandboxBusyWords,
} from '@datamesh/plugin-data-mesh-common';
import { sandboxSuffix } from '@datamesh/plugin-data-mesh-node';
import { authorizeOwnersAction } from './ownersAction';
import {
  SANDBOX_CLAIM_REFRESH_MS,
  SANDBOX_CLAIM_STALE_MS,
  type SandboxClaimRow,
  type SandboxClaimStore,
} from './SandboxClaimStore';

/** Why `actor` may not make sandboxes of a product (403). */
export const sandboxCreateRefusal = (actor: string, entityRef: string) =>
  `${actor} may not make sandboxes of ${entityRef}: only its owners or an admin may`;

/** Why `actor` may not delete sandboxes of a product (403). */
export const sandboxDeleteRefusal = (actor: string, entityRef: string) =>
  `${actor} may not delete sandboxes of ${entityRef}: only its owners or an admin may`;

/** The permission a change of a branch's sandbox needs, and the words of its refusal. */
export const SANDBOX_CHANGE_RULES: Record<
  SandboxChange,
  {
    permission: ResourcePermission<'data-product'>;
    refusal: (actor: string, entityRef: string) => string;
  }
> = {
  create: {
    permission: dataMeshSandboxCreatePermission,
    refusal: sandboxCreateRefusal,
  },
  delete: {
    permission: dataMeshSandboxDeletePermission,
    refusal: sandboxDeleteRefusal,
  },
};

/**
 * A change of a branch's sandbox asked through the API, before anything is
 * asked of the warehouse: the branch's suffix (400 when it is no branch;
 * `field` names where it was given) and the change's permission on the
 * product (403, in its words).
 */
export async function authorizeSandboxChange(
  permissions: PermissionsService,
  change: SandboxChange,
  ref: { namespace: string; name: string },
  branch: string,
  credentials: BackstageCredentials,
  field?: string,
): Promise<{ suffix: string; entityRef: string; actor: string }> {
  let suffix: string;
  try {
    suffix = sandboxSuffix(branch);
  } catch (e) {
    throw new InputError(`${field ? `${field}: ` : ''}${(e as Error).message}`);
  }
  const { permission, refusal } = SANDBOX_CHANGE_RULES[change];
  const { entityRef, actor } = await authorizeOwnersAction(
    permissions,
    permission,
    ref,
    credentials,
    refusal,
  );
  return { suffix, entityRef, actor };
}

/** A claim as the product's infrastructure lists it. */
export function inProgressOf(
  row: SandboxClaimRow,
): InfrastructureSandboxInProgress {
  return {
    branch: row.branch,
    change: row.change,
    requestedBy: row.by,
    startedAt: new Date(row.since).toISOString(),
    ...(row.source ? { source: row.source } : {}),
    ...(row.reference ? { reference: row.reference } : {}),
  };
}

const toClaim = (row: SandboxClaimRow): SandboxClaim => ({
  id: row.id,
  entityRef: row.product,
  branch: row.branch,
  change: row.change,
  by: row.by,
  since: new Date(row.since).toISOString(),
  refreshWithinSeconds: SANDBOX_CLAIM_REFRESH_MS / 1000,
});

/** @public */
export interface SandboxClaimsOptions {
  store: Pick<
    SandboxClaimStore,
    'claim' | 'refresh' | 'get' | 'ofProduct' | 'release'
  >;
  permissions: PermissionsService;
  logger: LoggerService;
  clock: { now(): number };
}

/** Claims of branches' sandboxes: the portal's own, and the API's. @public */
export class SandboxClaims {
  constructor(private readonly options: SandboxClaimsOptions) {}

  /**
   * The branch's claim for the portal's own change by `actor` (409 when
   * another holds it), kept fresh until the returned release.
   */
  async hold(
    entityRef: string,
    suffix: string,
    actor: string,
    change: SandboxChange,
  ): Promise<() => Promise<void>> {
    const { store, clock, logger } = this.options;
    const claim = await this.take({
      id: randomUUID(),
      product: entityRef,
      branch: suffix,
      by: actor,
      since: clock.now(),
      change,
    });
    const warn = (what: string) => (e: unknown) =>
      logger.warn(
        `Could not ${what} the claim of sandbox ${suffix} of ${entityRef}: ${stringifyError(
          e,
        )}`,
      );
    const keepFresh = setInterval(() => {
      store.refresh(entityRef, claim.id, clock.now()).catch(warn('refresh'));
    }, SANDBOX_CLAIM_REFRESH_MS);
    keepFresh.unref?.();
    return async () => {
      clearInterval(keepFresh);
      // not released, it goes stale in a few minutes
      await store.release(entityRef, claim.id).catch(warn('release'));
    };
  }

  /** `POST …/sandbox-claims`: a pipeline's or a template's claim. */
  async claim(
    ref: { namespace: string; name: string },
    body: SandboxClaimBody,
    credentials: BackstageCredentials,
  ): Promise<SandboxClaim> {
    const { suffix, entityRef, actor } = await authorizeSandboxChange(
      this.options.permissions,
      body.change,
      ref,
      body.branch,
      credentials,
      'branch',
    );
    const claim = await this.take({
      id: randomUUID(),
      product: entityRef,
      branch: suffix,
      by: actor,
      since: this.options.clock.now(),
      change: body.change,
      source: body.source,
      ...(body.reference ? { reference: body.reference } : {}),
    });
    this.options.logger.info(
      `Sandbox ${suffix} of ${entityRef} claimed by ${actor} (${body.change}, ${body.source})`,
    );
    return claim;
  }

  /** `PUT …/sandbox-claims/:id`: its holder still works on the branch. */
  async refresh(
    ref: { namespace: string; name: string },
    id: string,
    credentials: BackstageCredentials,
  ): Promise<SandboxClaim> {
    const { store, clock } = this.options;
    const now = clock.now();
    const row = await this.held(
      ref,
      id,
      credentials,
      now - SANDBOX_CLAIM_STALE_MS,
    );
    if (!row || !(await store.refresh(row.product, id, now))) {
      throw new NotFoundError(
        `no sandbox claim ${id}: it was ended, or went stale and was taken`,
      );
    }
    return toClaim(row);
  }

  /** `DELETE …/sandbox-claims/:id`: its holder is done; a claim gone ends nothing. */
  async release(
    ref: { namespace: string; name: string },
    id: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const row = await this.held(ref, id, credentials, 0);
    if (row) await this.options.store.release(row.product, id);
  }

  /** The product's sandboxes being changed now, oldest first. */
  async inProgress(
    entityRef: string,
  ): Promise<InfrastructureSandboxInProgress[]> {
    const { store, clock } = this.options;
    const held = await store.ofProduct(
      entityRef,
      clock.now() - SANDBOX_CLAIM_STALE_MS,
    );
    return held.map(inProgressOf);
  }

  /** Takes the branch for `claim`, or says who holds it (409). */
  private async take(claim: SandboxClaimRow): Promise<SandboxClaim> {
    const holder = await this.options.store.claim({
      ...claim,
      staleBefore: claim.since - SANDBOX_CLAIM_STALE_MS,
    });
    if (holder) {
      throw new ConflictError(
        sandboxBusyWords(claim.product, inProgressOf(holder)),
      );
    }
    return toClaim(claim);
  }

  /**
   * The claim `id` of the product when held since `staleBefore`, once the
   * caller is its holder and still may make the change it was taken for.
   */
  private async held(
    ref: { namespace: string; name: string },
    id: string,
    credentials: BackstageCredentials,
    staleBefore: number,
  ): Promise<SandboxClaimRow | undefined> {
    const product = `dataproduct:${ref.namespace}/${ref.name}`.toLowerCase();
    const row = await this.options.store.get(product, id, staleBefore);
    if (!row) return undefined;
    const { permission, refusal } = SANDBOX_CHANGE_RULES[row.change];
    const { actor } = await authorizeOwnersAction(
      this.options.permissions,
      permission,
      ref,
      credentials,
      refusal,
    );
    if (row.by !== actor) {
      throw new NotAllowedError(
        `${actor} does not hold sandbox claim ${id} of ${product} (${row.by} does)`,
      );
    }
    return row;
  }
}
