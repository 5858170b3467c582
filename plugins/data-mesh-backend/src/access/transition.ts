/*
 * What every user-driven transition of an access request does, written
 * once: load the request, check who the caller is (nobody decides what they
 * asked for; extensions are asked by the requester or a member of the
 * consumer, whose access it is), authorise on the product through
 * the permission framework, check the state, make the conditional store
 * change with its history entry (another change that came first is a 409),
 * do the warehouse side, then notify — a notification that fails never
 * undoes the change it reports. Each use case (decide.ts, revoke.ts,
 * extend.ts) only says which permission, which check and which write.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  type AccessRequest,
  dataMeshAccessRequestCreatePermission,
} from '@datamesh/plugin-data-mesh-common';
import type {
  AccessGrantExecutor,
  PlatformConfig,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import { authorizeOnDataProduct } from '../permissions';
import { isAmong } from './approvers';
import type {
  AccessRequestRecord,
  AccessRequestStore,
} from './AccessRequestStore';
import type { AccessConfig } from './config';
import type { AccessNotifier } from './notifications';
import { consumersOf, lower, requireUser } from './parties';
import { accessRequestView } from './views';
import type { WarehouseSync } from './warehouseSync';

/** @public */
export interface AccessServiceOptions {
  store: AccessRequestStore;
  settings: AccessConfig;
  platform: PlatformConfig;
  catalog: CatalogService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  logger: LoggerService;
  clock: { now(): number };
  executor?: AccessGrantExecutor;
  notifier?: AccessNotifier;
  /** The configured warehouse, whose dialect spells how a consumer reads a grant; without it, connections answer 409. */
  getAdapter?: () => Promise<WarehouseAdapter>;
  /**
   * Called once a request is approved (its consumer reads the product from
   * now on), e.g. to tell it of the product's SLO breaches that began
   * before: other readers were told when they began. A failure is logged;
   * the approval stands.
   */
  onApproved?(request: AccessRequestRecord): Promise<void>;
}

/** What the use cases share: the service's options and its warehouse side. */
export interface AccessContext extends AccessServiceOptions {
  warehouse: WarehouseSync;
}

/**
 * Who may start a transition, before any permission is asked:
 * `not-requester` — anyone but the requester and the asker of a pending
 * extension; `consumer` — the requester or a member of the consumer (one of
 * its groups, or of the groups owning the consumer product): a team's access
 * outlives the person who asked for it. The consumer's side acts as a
 * requester does, so it needs the permission to request access too.
 */
export type CallerRule = 'not-requester' | 'consumer' | 'anyone';

/** One transition of a loaded request, as a use case describes it. */
export interface TransitionStep {
  /** Asked on the request's product. */
  permission?: ResourcePermission<'data-product'>;
  /**
   * The port's approvers (ODCS `roles[]` approvers naming users or groups,
   * as full refs) who may take the step too, when the permission says no
   * — or, without a permission, who alone may.
   */
  approvers?: string[];
  /** The verb its refusal names; the transition's own by default. */
  permissionVerb?: string;
  /** Who may take it, said when the caller may not; owners and admins (and approvers) by default. */
  mayTakeIt?: string;
  /** Throws (409, or 403 for `by`) when the request's state does not allow the step. */
  check?(request: AccessRequestRecord, by: string): void;
  /** The conditional store change; false when another change came first. */
  write(
    request: AccessRequestRecord,
    by: string,
    now: number,
  ): Promise<boolean>;
  /** The warehouse side, after the change is stored. */
  after?(id: string): Promise<unknown>;
  /** Whom to tell, with the request as it is now. */
  notify?(
    notifier: AccessNotifier,
    request: AccessRequestRecord,
  ): Promise<void>;
}

const REQUEST_ID = /^[0-9a-f]{16}$/;

/** The stored request, or a 404 (an id of the wrong shape never reaches the database). */
export async function getRequest(
  ctx: Pick<AccessContext, 'store'>,
  id: string,
): Promise<AccessRequestRecord> {
  const request = REQUEST_ID.test(id) ? await ctx.store.get(id) : undefined;
  if (!request) throw new NotFoundError(`no access request ${id}`);
  return request;
}

export function raced(id: string) {
  return new ConflictError(`access request ${id} changed meanwhile; reload it`);
}

/** Requesting access, and the consumer's side of a request: the (basic) create permission. */
export async function authorizeRequesting(
  ctx: Pick<AccessContext, 'permissions'>,
  credentials: BackstageCredentials,
  what: string,
): Promise<void> {
  const [decision] = await ctx.permissions.authorize(
    [{ permission: dataMeshAccessRequestCreatePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${
        requireUser(credentials, what).principal.userEntityRef
      } may not ${what}`,
    );
  }
}

/** A notification that cannot be sent never undoes the state change it reports. */
export async function notify(
  ctx: Pick<AccessContext, 'notifier' | 'logger'>,
  send: (notifier: AccessNotifier) => Promise<void>,
) {
  if (!ctx.notifier) return;
  try {
    await send(ctx.notifier);
  } catch (e) {
    ctx.logger.warn(`access request notification not sent: ${e}`);
  }
}

/** Load, check the caller, authorise, check, write, warehouse, notify; the request as it is after. */
export async function runTransition(
  ctx: AccessContext,
  id: string,
  credentials: BackstageCredentials,
  what: string,
  caller: CallerRule,
  stepOf: (
    request: AccessRequestRecord,
  ) => TransitionStep | Promise<TransitionStep>,
): Promise<AccessRequest> {
  const request = await getRequest(ctx, id);
  const user = requireUser(credentials, what);
  const by = lower(user.principal.userEntityRef);
  if (caller === 'not-requester' && by === request.requester) {
    throw new NotAllowedError(`${by} may not ${what} their own access request`);
  }
  if (
    caller === 'not-requester' &&
    by === lower(request.extension?.requestedBy ?? '')
  ) {
    throw new NotAllowedError(
      `${by} may not ${what} the extension they asked for`,
    );
  }
  if (caller === 'consumer') {
    if (
      by !== request.requester &&
      !(await consumersOf(ctx, user)).includes(request.consumer)
    ) {
      throw new NotAllowedError(
        `only the requester (${request.requester}) or a member of ${request.consumer} may ${what} access request ${id}`,
      );
    }
    await authorizeRequesting(ctx, credentials, `${what} access request ${id}`);
  }
  const step = await stepOf(request);
  const approvers = step.approvers ?? [];
  const refusal = () =>
    `you may not ${step.permissionVerb ?? what} access to ${
      request.product
    }: only ${
      step.mayTakeIt ??
      `its owners${
        approvers.length > 0
          ? `, the approvers of port ${request.outputPort}`
          : ''
      } or an admin`
    } may`;
  if (step.permission) {
    try {
      await authorizeOnDataProduct(
        ctx.permissions,
        step.permission,
        request.product,
        credentials,
        refusal,
      );
    } catch (e) {
      if (
        !(e instanceof NotAllowedError) ||
        !(await isAmong(ctx, approvers, user))
      ) {
        throw e;
      }
    }
  } else if (step.approvers && !(await isAmong(ctx, approvers, user))) {
    throw new NotAllowedError(refusal());
  }
  step.check?.(request, by);
  if (!(await step.write(request, by, ctx.clock.now()))) throw raced(id);
  await step.after?.(id);
  const updated = await getRequest(ctx, id);
  if (step.notify) await notify(ctx, n => step.notify!(n, updated));
  return accessRequestView(updated);
}
