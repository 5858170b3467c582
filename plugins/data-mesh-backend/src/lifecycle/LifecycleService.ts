/*
 * Deprecation: owners (the retire permission on the product) record a
 * retirement date and an optional successor; consumers holding grants are
 * told; new access requests are refused unless the owners keep accepting
 * them. Retirement itself is in retire.ts.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  type DeprecationBody,
  type ProductLifecycle,
  dataMeshProductRetirePermission,
} from '@datamesh/plugin-data-mesh-common';
import type {
  PlatformConfig,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import type { SandboxClaims } from '../infra/sandboxClaims';
import type {
  AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';
import { fullRef, loadProduct, lower, readersOf } from '../access/parties';
import { authorizeOnDataProduct } from '../permissions';
import type { LifecycleRecord, LifecycleStore } from './LifecycleStore';
import type { LifecycleNotifier } from './notifications';
import type { UsageService } from '../usage/UsageService';

/** @public */
export interface LifecycleServiceOptions {
  store: LifecycleStore;
  accessStore: Pick<AccessRequestStore, 'list' | 'grantHolders' | 'transition'>;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  clock: { now(): number };
  platform: PlatformConfig;
  getAdapter: () => Promise<WarehouseAdapter>;
  /** How long the archive of a retired product is kept. */
  archiveRetentionMs: number;
  /** Whether an access grant executor runs the warehouse side of revokes (the access sweep). */
  accessExecutor: boolean;
  notifier?: LifecycleNotifier;
  /** Usage's answer to "who still reads it"; without it, readers are the grant holders. */
  usage?: Pick<UsageService, 'consumersStillReading'>;
  /** How far back a read counts as still reading (`dataMesh.lifecycle.readersLookBack`). */
  readersLookBackMs: number;
  /** Sandboxes being made or dropped (the portal's, pipelines'): retirement's drop waits for them. */
  sandboxClaims?: Pick<SandboxClaims, 'inProgress'>;
}

const iso = (ms?: number) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** The caller as an audit actor: a user's ref, or the calling service. */
export function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.type === 'user' && p.userEntityRef
    ? lower(p.userEntityRef)
    : `service:${p.subject ?? 'unknown'}`;
}

/** Parse an ISO date or date-time; 400 naming the field otherwise. */
function parseDate(text: string, field: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (!Number.isFinite(ms)) {
    throw new InputError(
      `${field}: '${text}' is not a date (write e.g. 2027-03-31)`,
    );
  }
  return ms;
}

/** @public */
export class LifecycleService {
  constructor(readonly options: LifecycleServiceOptions) {}

  /** A product's lifecycle record and audit trail; `live` without a record. */
  async view(ref: string): Promise<ProductLifecycle> {
    const product = fullRef(ref, 'dataproduct', 'product');
    const record = await this.options.store.get(product);
    const audit = (await this.options.store.audit(product)).map(a => ({
      at: new Date(a.at).toISOString(),
      actor: a.actor,
      action: a.action,
      ...(a.detail ? { detail: a.detail } : {}),
    }));
    if (!record) return { product, state: 'live', audit };
    return {
      product,
      state: record.state,
      retireAt: iso(record.retireAt),
      successor: record.successor,
      reason: record.reason,
      acceptNewRequests: record.acceptRequests,
      deprecatedBy: record.deprecatedBy,
      deprecatedAt: iso(record.deprecatedAt),
      retiredAt: iso(record.retiredAt),
      archiveDropAfter: iso(record.archiveDropAfter),
      archiveDroppedAt: iso(record.archiveDroppedAt),
      audit,
    };
  }

  /** 403 unless the caller may retire the product. */
  async authorize(product: string, credentials: BackstageCredentials) {
    await authorizeOnDataProduct(
      this.options.permissions,
      dataMeshProductRetirePermission,
      product,
      credentials,
      () => `${actorOf(credentials)} may not deprecate or retire ${product}`,
    );
  }

  /** Record (or change) a product's deprecation; tells consumers holding grants. */
  async deprecate(
    ref: string,
    body: DeprecationBody,
    credentials: BackstageCredentials,
  ): Promise<ProductLifecycle> {
    const { store, clock } = this.options;
    const product = fullRef(ref, 'dataproduct', 'product');
    const entity = await loadProduct(this.options, product);
    if (!entity) throw new NotFoundError(`product: no data product ${product}`);
    await this.authorize(product, credentials);
    const retireAt = parseDate(body.retireAt, 'retireAt');
    let successor: string | undefined;
    if (body.successor) {
      successor = fullRef(body.successor, 'dataproduct', 'successor');
      if (successor === product) {
        throw new InputError('successor: a product cannot succeed itself');
      }
      if (!(await loadProduct(this.options, successor))) {
        throw new InputError(`successor: no data product ${successor}`);
      }
    }
    const now = clock.now();
    const actor = actorOf(credentials);
    const existing = await store.get(product);
    const record: Omit<LifecycleRecord, 'state'> = {
      product,
      owner: entity.spec.owner
        ? fullRef(entity.spec.owner, 'group', 'owner')
        : undefined,
      retireAt,
      successor,
      reason: body.reason,
      acceptRequests: body.acceptNewRequests ?? false,
      deprecatedBy: existing?.deprecatedBy ?? actor,
      deprecatedAt: existing?.deprecatedAt ?? now,
    };
    const ok = await store.deprecate(record, {
      at: now,
      actor,
      action: existing ? 'deprecation-changed' : 'deprecate',
      detail: {
        retireAt: iso(retireAt),
        ...(successor ? { successor } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
        acceptNewRequests: record.acceptRequests,
      },
    });
    if (!ok) {
      throw new ConflictError(
        `${product} is ${existing?.state}: its deprecation can no longer change`,
      );
    }
    if (!existing || existing.retireAt !== retireAt) {
      await this.notifyConsumers(entity, { ...record, state: 'deprecated' });
    }
    return this.view(product);
  }

  /** The consumers (requesters and on-behalf-of parties) of grants held now. */
  grantHolders(product: string) {
    return this.options.accessStore.grantHolders(product);
  }

  /** Retirement revoked these grants: their readers are told, once. */
  async notifyAccessEnded(
    entity: DataProductEntityV1alpha1,
    revoked: { requester: string; consumer: string; product: string }[],
  ) {
    const notifier = this.options.notifier;
    if (!notifier?.accessEnded || revoked.length === 0) return;
    const product = lower(revoked[0].product);
    try {
      const record = await this.options.store.get(product);
      if (!record) return;
      await notifier.accessEnded(entity, record, readersOf(revoked));
    } catch (e) {
      // the revocation stands; a lost notice is logged, not fatal
      this.options.logger.warn(
        `retirement of ${product}: notification failed: ${e}`,
      );
    }
  }

  /** The owners of what a retired product read: the reader left (retirement stands if the notice fails). */
  async notifyReaderLeft(
    entity: DataProductEntityV1alpha1,
    givenUp: AccessRequestRecord[],
  ) {
    const notifier = this.options.notifier;
    if (!notifier?.readerLeft || givenUp.length === 0) return;
    try {
      await notifier.readerLeft(entity, givenUp);
    } catch (e) {
      this.options.logger.warn(
        `retirement of ${entity.metadata.name}: notifying the owners of its inputs failed: ${e}`,
      );
    }
  }

  private async notifyConsumers(
    entity: DataProductEntityV1alpha1,
    record: LifecycleRecord,
  ) {
    const notifier = this.options.notifier;
    if (!notifier) return;
    const holders = await this.grantHolders(record.product);
    const recipients = readersOf(holders);
    try {
      await notifier.deprecated(entity, record, recipients);
    } catch (e) {
      // the deprecation stands; a lost notification is logged, not fatal
      this.options.logger.warn(
        `deprecation of ${record.product}: notification failed: ${e}`,
      );
    }
  }

  /**
   * Why a new access request to the product is refused, or undefined when
   * it is not: a deprecated product refuses unless its owners override, a
   * product being retired (or retired) always refuses.
   */
  async admission(ref: string): Promise<string | undefined> {
    const product = fullRef(ref, 'dataproduct', 'product');
    const record = await this.options.store.get(product);
    if (!record) return undefined;
    if (record.state === 'deprecated' && record.acceptRequests)
      return undefined;
    const successor = record.successor
      ? `; its successor is ${record.successor}`
      : '';
    if (record.state !== 'deprecated') {
      return `${product} is ${record.state}: it takes no new access requests${successor}`;
    }
    return `${product} is deprecated and retires on ${iso(
      record.retireAt,
    )?.slice(0, 10)}: its owners take no new access requests${successor}`;
  }
}
