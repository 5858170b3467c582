/*
 * The access-request use cases behind the REST API: request, list, approve,
 * reject, revoke, extend. Who may decide is the permission framework's
 * answer (the portal's policy: owners of the product, or admins); that a
 * requester never decides their own request is a rule of this service. The
 * warehouse side goes through the AccessGrantExecutor (ExpirySweep retries
 * what failed); the store only persists.
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
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  type AccessRequest,
  type AccessRequestActionBody,
  type AccessRequestCreateBody,
  type AccessRequestState,
  dataMeshAccessExtendPermission,
  dataMeshAccessRequestCreatePermission,
  dataMeshAccessRequestDecidePermission,
  dataMeshAccessRevokePermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  dataProductPermissionResourceRef,
} from '@datamesh/plugin-data-mesh-node';
import { randomBytes } from 'node:crypto';
import {
  authorizeOnDataProduct,
  whereDataProductCriteria,
} from '../permissions';
import type {
  AccessRequestRecord,
  AccessRequestStore,
} from './AccessRequestStore';
import type { AccessConfig } from './config';
import type { AccessGrantExecutor } from '@datamesh/plugin-data-mesh-node';
import type { AccessNotifier } from './notifications';
import {
  claimsOf,
  fullRef,
  isUser,
  loadProduct,
  lower,
  requireUser,
  resolveConsumer,
} from './parties';
import {
  durationWithin,
  portAccessPolicy,
  productRoles,
  requestRoleName,
} from './policy';
import { EXTENDABLE_STATES, TRANSITIONS } from './stateMachine';
import { accessRequestView } from './views';
import { WarehouseSync } from './warehouseSync';

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
}

/** Filters of `GET /access-requests`. @public */
export interface AccessRequestQuery {
  product?: string;
  consumer?: string;
  state?: AccessRequestState;
  mine?: boolean;
}

/** The access-request use cases. @public */
export class AccessService {
  private readonly warehouse: WarehouseSync;

  constructor(private readonly options: AccessServiceOptions) {
    this.warehouse = new WarehouseSync(options);
  }

  /** Ask for access to a product's output port; 201 with the request. */
  async create(
    body: AccessRequestCreateBody,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const { store, settings, platform, clock } = this.options;
    const caller = requireUser(credentials, 'request access');
    const [decision] = await this.options.permissions.authorize(
      [{ permission: dataMeshAccessRequestCreatePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${caller.principal.userEntityRef} may not request access`,
      );
    }
    const productRef = fullRef(body.product, 'dataproduct', 'product');
    const product = await loadProduct(this.options, productRef);
    if (!product)
      throw new NotFoundError(`product: no data product ${productRef}`);
    const port = product.spec.outputPorts?.find(
      p => p.name === body.outputPort,
    );
    if (!port) {
      throw new NotFoundError(
        `outputPort: ${productRef} has no output port '${body.outputPort}'`,
      );
    }
    const policy = portAccessPolicy(port);
    if (body.pii && policy.pii === 'deny') {
      throw new InputError(
        `pii: port '${port.name}' never grants personal data`,
      );
    }
    const maxMs = Math.min(
      policy.maxDurationMs ?? Infinity,
      settings.maxDurationMs,
    );
    const durationMs =
      body.duration === undefined
        ? Math.min(
            policy.defaultDurationMs ?? settings.defaultDurationMs,
            maxMs,
          )
        : durationWithin(body.duration, maxMs);

    const claims = await claimsOf(this.options.userInfo, caller);
    const { consumer, grantee, sameDomain } = await resolveConsumer(
      this.options,
      body.consumer,
      claims,
      product,
    );
    const id = randomBytes(8).toString('hex');
    const now = clock.now();
    const record: Omit<AccessRequestRecord, 'history' | 'warnedAt'> = {
      id,
      product: productRef,
      owner: product.spec.owner
        ? fullRef(product.spec.owner, 'group', 'owner')
        : undefined,
      outputPort: port.name,
      consumer,
      requester: lower(caller.principal.userEntityRef),
      purpose: body.purpose,
      pii: body.pii ?? false,
      state: 'pending',
      durationMs,
      requestedAt: now,
      grantee,
      // a later step gives PII grants the product's PII consumer role
      providerRole: productRoles(product, platform, 'product').consumer,
      role: requestRoleName(settings.naming.requestRole, platform, id),
    };
    await store.insert(record, {
      at: now,
      actor: record.requester,
      action: 'request',
      state: 'pending',
      comment: body.purpose,
    });
    if (policy.approval === 'auto' && !record.pii && sameDomain) {
      await store.transition(id, {
        ...TRANSITIONS.approve,
        patch: this.approval('system', now, durationMs),
        history: {
          at: now,
          actor: 'system',
          action: 'approve',
          comment:
            "auto-approved: the port's policy approves non-PII requests within the domain",
        },
      });
      await this.warehouse.grant(id);
    } else {
      await this.notify(n => n.requested(record as AccessRequestRecord));
    }
    this.options.logger.info(
      `${record.requester} requested ${productRef} ${port.name} for ${consumer} (${id})`,
    );
    return this.view(id);
  }

  /**
   * Requests the caller may see, filtered in the database: their own plus,
   * through the policy's decision on deciding, those of products they own
   * (all of them for an admin).
   */
  async list(
    query: AccessRequestQuery,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest[]> {
    const me = isUser(credentials)
      ? lower(credentials.principal.userEntityRef)
      : undefined;
    if (query.mine && !me) throw new InputError('mine: needs user credentials');
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: dataMeshAccessRequestDecidePermission }],
      { credentials },
    );
    const transform = createConditionTransformer(
      this.options.permissionsRegistry.getPermissionRuleset(
        dataProductPermissionResourceRef,
      ),
    );
    const records = await this.options.store.list({
      product: query.product
        ? fullRef(query.product, 'dataproduct', 'product')
        : undefined,
      consumer: query.consumer
        ? fullRef(query.consumer, 'group', 'consumer')
        : undefined,
      state: query.state,
      requester: query.mine ? me : undefined,
      visible: q => {
        if (decision.result === AuthorizeResult.ALLOW) return;
        q.where(inner => {
          if (me) inner.orWhere('requester', me);
          else inner.whereRaw('1 = 0');
          if (decision.result === AuthorizeResult.CONDITIONAL) {
            inner.orWhere(owned =>
              whereDataProductCriteria(
                owned,
                transform(decision.conditions),
                'owner',
              ),
            );
          }
        });
      },
    });
    return records.map(accessRequestView);
  }

  /** Approve a pending request, or the pending extension of a granted one. */
  async approve(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    const { request, by, now } = await this.decision(
      id,
      credentials,
      'approve',
    );
    if (request.state === 'pending') {
      await this.authorize(
        dataMeshAccessRequestDecidePermission,
        request,
        credentials,
        'approve',
      );
      const changed = await this.options.store.transition(id, {
        ...TRANSITIONS.approve,
        patch: this.approval(by, now, request.durationMs),
        history: {
          at: now,
          actor: by,
          action: 'approve',
          comment: body.comment,
        },
      });
      if (!changed) throw this.raced(id);
      await this.warehouse.grant(id);
      await this.notifyLatest(id, 'approved');
      return this.view(id);
    }
    const extension = this.pendingExtension(request, 'approve');
    await this.authorize(
      dataMeshAccessExtendPermission,
      request,
      credentials,
      'extend',
    );
    const changed = await this.options.store.update(id, {
      states: EXTENDABLE_STATES,
      extensionAt: extension.requestedAt,
      patch: { expiresAt: extension.expiresAt, extension: null },
      history: {
        at: now,
        actor: by,
        action: 'extend-approve',
        comment: body.comment,
      },
    });
    if (!changed) throw this.raced(id);
    await this.options.store.resetWarning(id);
    await this.notifyLatest(id, 'extended');
    return this.view(id);
  }

  /** Reject a pending request, or the pending extension of a granted one. */
  async reject(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    const { request, by, now } = await this.decision(id, credentials, 'reject');
    if (request.state === 'pending') {
      await this.authorize(
        dataMeshAccessRequestDecidePermission,
        request,
        credentials,
        'reject',
      );
      const changed = await this.options.store.transition(id, {
        ...TRANSITIONS.reject,
        patch: { decidedBy: by, decidedAt: now },
        history: {
          at: now,
          actor: by,
          action: 'reject',
          comment: body.comment,
        },
      });
      if (!changed) throw this.raced(id);
      await this.notifyLatest(id, 'rejected');
      return this.view(id);
    }
    const extension = this.pendingExtension(request, 'reject');
    await this.authorize(
      dataMeshAccessExtendPermission,
      request,
      credentials,
      'extend',
    );
    const changed = await this.options.store.update(id, {
      states: EXTENDABLE_STATES,
      extensionAt: extension.requestedAt,
      patch: { extension: null },
      history: {
        at: now,
        actor: by,
        action: 'extend-reject',
        comment: body.comment,
      },
    });
    if (!changed) throw this.raced(id);
    await this.notifyLatest(id, 'extension rejected');
    return this.view(id);
  }

  /** Take back an approved or active access now. */
  async revoke(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    const request = await this.get(id);
    const by = lower(
      requireUser(credentials, 'revoke').principal.userEntityRef,
    );
    await this.authorize(
      dataMeshAccessRevokePermission,
      request,
      credentials,
      'revoke',
    );
    if (!TRANSITIONS.revoke.from.includes(request.state)) {
      throw new ConflictError(
        `access request ${id} is ${request.state}: nothing to revoke`,
      );
    }
    const now = this.options.clock.now();
    const changed = await this.options.store.transition(id, {
      ...TRANSITIONS.revoke,
      patch: {
        warehousePending: this.options.executor ? 'revoke' : null,
        extension: null,
      },
      history: { at: now, actor: by, action: 'revoke', comment: body.comment },
    });
    if (!changed) throw this.raced(id);
    await this.warehouse.revoke(id);
    await this.notifyLatest(id, 'revoked');
    return this.view(id);
  }

  /** The requester asks for a later expiry; owners decide with approve/reject. */
  async extend(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    const request = await this.get(id);
    const caller = lower(
      requireUser(credentials, 'extend').principal.userEntityRef,
    );
    if (caller !== request.requester) {
      throw new NotAllowedError(
        `only the requester (${request.requester}) may ask to extend access request ${id}`,
      );
    }
    if (
      !EXTENDABLE_STATES.includes(request.state) ||
      request.expiresAt === undefined
    ) {
      throw new ConflictError(
        `access request ${id} is ${request.state}: only approved or active access can be extended`,
      );
    }
    if (body.duration === undefined)
      throw new InputError('duration: required to extend');
    const now = this.options.clock.now();
    const product = await loadProduct(this.options, request.product);
    const port = product?.spec.outputPorts?.find(
      p => p.name === request.outputPort,
    );
    const policyMax = port ? portAccessPolicy(port).maxDurationMs : undefined;
    const maxMs = Math.min(
      policyMax ?? Infinity,
      this.options.settings.maxDurationMs,
    );
    const expiresAt =
      request.expiresAt + durationWithin(body.duration, Infinity);
    if (expiresAt - now > maxMs) {
      throw new InputError(
        `duration: the access would end ${new Date(
          expiresAt,
        ).toISOString()}, more than the maximum of ${Math.round(
          maxMs / 86_400_000,
        )} days from now`,
      );
    }
    const changed = await this.options.store.update(id, {
      states: EXTENDABLE_STATES,
      patch: {
        extension: {
          expiresAt,
          requestedAt: now,
          requestedBy: caller,
          comment: body.comment,
        },
      },
      history: {
        at: now,
        actor: caller,
        action: 'extend-request',
        comment: body.comment,
      },
    });
    if (!changed) throw this.raced(id);
    const updated = await this.get(id);
    await this.notify(n => n.requested(updated, true));
    return accessRequestView(updated);
  }

  // ----------------------------------------------------------------- helpers

  /** The request and caller of a decision; the requester never decides their own request. */
  private async decision(
    id: string,
    credentials: BackstageCredentials,
    what: string,
  ) {
    const request = await this.get(id);
    const by = lower(requireUser(credentials, what).principal.userEntityRef);
    if (by === request.requester) {
      throw new NotAllowedError(
        `${by} may not ${what} their own access request`,
      );
    }
    return { request, by, now: this.options.clock.now() };
  }

  private pendingExtension(request: AccessRequestRecord, what: string) {
    if (!request.extension) {
      throw new ConflictError(
        `access request ${request.id} is ${request.state} with no pending extension: nothing to ${what}`,
      );
    }
    return request.extension;
  }

  private async authorize(
    permission: ResourcePermission<'data-product'>,
    request: AccessRequestRecord,
    credentials: BackstageCredentials,
    what: string,
  ) {
    await authorizeOnDataProduct(
      this.options.permissions,
      permission,
      request.product,
      credentials,
      () =>
        `you may not ${what} access to ${request.product}: only its owners or an admin may`,
    );
  }

  private approval(by: string, now: number, durationMs: number) {
    return {
      decidedBy: by,
      decidedAt: now,
      expiresAt: now + durationMs,
      warehousePending: 'grant' as const,
    };
  }

  private async get(id: string): Promise<AccessRequestRecord> {
    const request = /^[0-9a-f]{16}$/.test(id)
      ? await this.options.store.get(id)
      : undefined;
    if (!request) throw new NotFoundError(`no access request ${id}`);
    return request;
  }

  private async view(id: string): Promise<AccessRequest> {
    return accessRequestView(await this.get(id));
  }

  private raced(id: string) {
    return new ConflictError(
      `access request ${id} changed meanwhile; reload it`,
    );
  }

  private async notifyLatest(
    id: string,
    outcome: Parameters<AccessNotifier['decided']>[1],
  ) {
    const request = await this.get(id);
    await this.notify(n => n.decided(request, outcome));
  }

  /** A notification that cannot be sent never undoes the state change it reports. */
  private async notify(send: (notifier: AccessNotifier) => Promise<void>) {
    if (!this.options.notifier) return;
    try {
      await send(this.options.notifier);
    } catch (e) {
      this.options.logger.warn(`access request notification not sent: ${e}`);
    }
  }
}
