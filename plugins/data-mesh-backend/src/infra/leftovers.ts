/*
 * What products left behind (GET /infrastructure/leftovers, POST
 * /products/:namespace/:name/leftovers/drop): schemas and roles the
 * platform marked as a data product's that no product of the catalog
 * declares now — the product removed from the catalog without retirement,
 * renamed, or moved to another domain or stage. The schemas hold its data,
 * personal data included; the roles may still be granted to people. Nothing
 * else would ever look at them again: plans, drift, sandbox expiry and
 * retirement all start from the catalog's products.
 *
 * They are judged against the whole catalog (the plugin's own
 * credentials), whoever asks: a product the caller may not see is not
 * left behind; and against what each product declares at every stage of
 * the platform, since pipelines apply one spec to dev, test and prod. A product being retired is retirement's, and so is the
 * archive a retired product keeps until its retention. Dropping takes the
 * leftover permission on the product: its owners while it is in the
 * catalog, and for a product gone from it whoever the policy allows
 * unconditionally (the platform team). Each drop is in the product's
 * audit trail, which outlives the product.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError, stringifyError } from '@backstage/errors';
import {
  type InfrastructureLeftover,
  type InfrastructureLeftoverRole,
  type DataProductEntityV1alpha1,
  type InfrastructureLeftoversResponse,
  type LeftoverDropAuditDetail,
  type LeftoverDropBody,
  type LeftoverDropResponse,
  type LeftoverKeep,
  type LeftoverKeepAuditDetail,
  type LeftoverKeepBody,
  type LeftoverKeepResponse,
  LEFTOVER_DROP_AUDIT_ACTION,
  LEFTOVER_KEEP_AUDIT_ACTION,
  dataMeshLeftoverDropPermission,
  dataMeshLeftoverKeepPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type LeftoverRole,
  type LeftoverSchema,
  type PlatformConfig,
  type ProvisionedProduct,
  type WarehouseAdapter,
  assessProducts,
  dropLeftovers,
  findLeftovers,
} from '@datamesh/plugin-data-mesh-node';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import type { InfrastructureService } from './InfrastructureService';
import {
  type KeptLeftovers,
  type LeftoverStore,
  leftoverKey,
} from './LeftoverStore';
import { authorizeOwnersAction } from './ownersAction';

/** @public */
export interface LeftoverCleanupOptions {
  infrastructure: Pick<
    InfrastructureService,
    'namedFleet' | 'ask' | 'redactMessage' | 'warehouseInfo'
  >;
  /** Retirements (whose schemas are theirs), and the audit trail. */
  lifecycle: Pick<LifecycleStore, 'list' | 'addAudit'>;
  /** The platform's stages and naming: what each product declares at each. */
  platform: PlatformConfig;
  permissions: PermissionsService;
  auth: AuthService;
  logger: LoggerService;
  clock: { now(): number };
  /** What the leftovers watch saw, and the products whose leftovers are kept. */
  store: Pick<LeftoverStore, 'list' | 'kept' | 'keep' | 'stopKeeping'>;
  /** Whether the watch looks (else what it saw last is not said). */
  watching: boolean;
}

const sameRef = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const schemaKey = (s: { database: string; schema: string }) =>
  `${s.database.toLowerCase()}\u0000${s.schema.toLowerCase()}`;

/** What products left behind, listed and dropped behind the REST API. @public */
export class LeftoverCleanup {
  constructor(private readonly options: LeftoverCleanupOptions) {}

  async list(): Promise<InfrastructureLeftoversResponse> {
    const { infrastructure, clock, store } = this.options;
    const { adapter, schemas, roles, queries } = await this.find();
    const left = new Set(
      [...schemas, ...roles].map(l => l.product.toLowerCase()),
    );
    return {
      warehouse: infrastructure.warehouseInfo(adapter),
      checkedAt: new Date(clock.now()).toISOString(),
      queries,
      ...(await this.described(adapter, schemas, roles)),
      kept: (await store.kept()).filter(k => left.has(k.product)).map(toKeep),
    };
  }

  /**
   * Keeps what the product left behind on purpose, with a reason: neither
   * told nor counted as needing anyone until someone stops keeping it, or
   * it is all dropped. A NotFoundError when it left nothing behind.
   */
  async keep(
    ref: { namespace: string; name: string },
    body: LeftoverKeepBody,
    credentials: BackstageCredentials,
  ): Promise<LeftoverKeepResponse> {
    const { store, lifecycle, logger, clock } = this.options;
    const { entityRef, actor } = await this.authorizeKeep(ref, credentials);
    const found = await this.find();
    const schemas = found.schemas.filter(l => sameRef(l.product, entityRef));
    const roles = found.roles.filter(r => sameRef(r.product, entityRef));
    if (schemas.length + roles.length === 0) {
      throw new NotFoundError(`${entityRef} left nothing behind now`);
    }
    const kept = {
      product: entityRef,
      by: actor,
      at: clock.now(),
      reason: body.reason,
    };
    await store.keep(kept);
    logger.info(
      `What ${entityRef} left behind kept by ${actor}: ${body.reason}`,
    );
    await lifecycle.addAudit({
      product: entityRef,
      at: kept.at,
      actor,
      action: LEFTOVER_KEEP_AUDIT_ACTION,
      detail: {
        kept: true,
        reason: body.reason,
        schemas: schemas.length,
        roles: roles.length,
      } satisfies LeftoverKeepAuditDetail,
    });
    return { entityRef, kept: toKeep(kept) };
  }

  /** No longer keeps what the product left behind: told and counted again. */
  async stopKeeping(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<LeftoverKeepResponse> {
    const { store, lifecycle, logger, clock } = this.options;
    const { entityRef, actor } = await this.authorizeKeep(ref, credentials);
    if (!(await store.stopKeeping(entityRef))) {
      throw new NotFoundError(`What ${entityRef} left behind is not kept`);
    }
    logger.info(`What ${entityRef} left behind no longer kept, by ${actor}`);
    await lifecycle.addAudit({
      product: entityRef,
      at: clock.now(),
      actor,
      action: LEFTOVER_KEEP_AUDIT_ACTION,
      detail: { kept: false } satisfies LeftoverKeepAuditDetail,
    });
    return { entityRef };
  }

  private authorizeKeep(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ) {
    return authorizeOwnersAction(
      this.options.permissions,
      dataMeshLeftoverKeepPermission,
      ref,
      credentials,
      (who, product) =>
        `${who} may not decide to keep what ${product} left behind: its owners may while it is in the catalog, the platform team once it is gone from it`,
    );
  }

  /** As the API lists them: names as the warehouse writes them, since when the watch saw them. */
  private async described(
    adapter: Pick<WarehouseAdapter, 'dialect'>,
    schemas: LeftoverSchema[],
    roles: LeftoverRole[],
  ): Promise<{
    items: InfrastructureLeftover[];
    roles: InfrastructureLeftoverRole[];
  }> {
    const { store, watching } = this.options;
    const firstSeen = new Map(
      (watching ? await store.list() : []).map(l => [
        leftoverKey(l),
        l.firstSeenAt,
      ]),
    );
    const since = (product: string, kind: 'schema' | 'role', name: string) => {
      const at = firstSeen.get(
        leftoverKey({ product: product.toLowerCase(), kind, name }),
      );
      return at === undefined
        ? {}
        : { firstSeenAt: new Date(at).toISOString() };
    };
    return {
      items: schemas.map(l => {
        const item = toItem(l, adapter);
        return { ...item, ...since(l.product, 'schema', item.qualified) };
      }),
      roles: roles.map(r => {
        const item = toRoleItem(r, adapter);
        return { ...item, ...since(r.product, 'role', item.qualified) };
      }),
    };
  }

  /**
   * Drops the schemas and roles asked that the product left behind, looked
   * for anew: one that is no longer left behind (its product declares it
   * again, or someone dropped it) is not touched; none left is a
   * NotFoundError.
   */
  async drop(
    ref: { namespace: string; name: string },
    body: LeftoverDropBody,
    credentials: BackstageCredentials,
  ): Promise<LeftoverDropResponse> {
    const { infrastructure, lifecycle, logger, clock } = this.options;
    const { entityRef, actor } = await authorizeOwnersAction(
      this.options.permissions,
      dataMeshLeftoverDropPermission,
      ref,
      credentials,
      (who, product) =>
        `${who} may not drop what ${product} left behind: its owners may while it is in the catalog, the platform team once it is gone from it`,
    );
    const found = await this.find();
    const { adapter } = found;
    const mine = <T extends { product: string }>(items: T[]) =>
      items.filter(l => sameRef(l.product, entityRef));
    const askedSchemas = new Set((body.schemas ?? []).map(schemaKey));
    const askedRoles = new Set((body.roles ?? []).map(r => r.toLowerCase()));
    const schemas = mine(found.schemas).filter(l =>
      askedSchemas.has(schemaKey(l)),
    );
    const roles = mine(found.roles).filter(r =>
      askedRoles.has(r.name.toLowerCase()),
    );
    if (schemas.length + roles.length === 0) {
      throw new NotFoundError(
        `${entityRef} left none of these behind now: ${[
          ...(body.schemas ?? []).map(x => `${x.database}.${x.schema}`),
          ...(body.roles ?? []),
        ].join(', ')}`,
      );
    }
    const schemaNames = schemas.map(l => adapter.dialect.qualifiedSchema(l));
    const roleNames = roles.map(r => adapter.dialect.quoteIdentifier(r.name));
    const names = [...schemaNames, ...roleNames];
    let failure: unknown;
    try {
      await infrastructure.ask(adapter, () =>
        dropLeftovers(adapter, { schemas, roles }, found.databases),
      );
    } catch (e) {
      failure = e;
    }
    const error = failure
      ? infrastructure.redactMessage((failure as Error).message)
      : undefined;
    logger.info(
      `What ${entityRef} left behind dropped by ${actor}: ${names.join(', ')}${
        error ? ` (failed: ${error})` : ''
      }`,
    );
    try {
      await lifecycle.addAudit({
        product: entityRef,
        at: clock.now(),
        actor,
        action: LEFTOVER_DROP_AUDIT_ACTION,
        detail: {
          dropped: schemaNames,
          ...(roleNames.length ? { roles: roleNames } : {}),
          productInCatalog: [...schemas, ...roles][0].productInCatalog,
          ...(error ? { error } : {}),
        } satisfies LeftoverDropAuditDetail,
      });
    } catch (e) {
      // the schemas are gone already: the line above keeps them in the log
      logger.error(
        `Drop of what ${entityRef} left behind by ${actor} is missing from its audit trail: ${stringifyError(
          e,
        )}`,
      );
    }
    if (failure) throw failure;
    if (
      mine(found.schemas).length + mine(found.roles).length ===
      schemas.length + roles.length
    ) {
      // nothing of it is left: a keep would hide what it may leave next
      await this.options.store.stopKeeping(entityRef);
    }
    const left = await this.described(
      adapter,
      mine(found.schemas).filter(l => !schemas.includes(l)),
      mine(found.roles).filter(r => !roles.includes(r)),
    );
    return {
      entityRef,
      dropped: names,
      leftovers: left.items,
      roles: left.roles,
    };
  }

  /**
   * The names of `entities` at each of the platform's stages but their own
   * (a spec goes to dev, then test, then prod through pipelines), checked
   * by the dialect; the warehouse is not introspected.
   */
  private async namesAtOtherStages(
    entities: DataProductEntityV1alpha1[],
    adapter: WarehouseAdapter,
  ): Promise<ProvisionedProduct[]> {
    const { platform, infrastructure } = this.options;
    const names: ProvisionedProduct[] = [];
    for (const stage of platform.stages) {
      const others = entities
        .filter(
          e =>
            (e.spec.infrastructure?.stage ?? platform.defaultStage) !== stage,
        )
        .map(e => ({
          ...e,
          spec: {
            ...e.spec,
            infrastructure: { ...e.spec.infrastructure, stage },
          },
        }));
      if (others.length === 0) continue;
      const { products } = await infrastructure.ask(adapter, () =>
        assessProducts(others, platform, adapter, { namesOnly: true }),
      );
      names.push(...products.flatMap(a => a.desired?.products[0] ?? []));
    }
    return names;
  }

  /**
   * Everything left behind, judged against the whole catalog, with the
   * catalog's products by lower-case ref (who owns what is left).
   */
  async find() {
    const { infrastructure, lifecycle, auth } = this.options;
    const { adapter, refs, named } = await infrastructure.namedFleet(
      await auth.getOwnServiceCredentials(),
    );
    // a spec goes to dev, then test, then prod: what it declares at every stage
    const atOtherStages = await this.namesAtOtherStages(
      named.map(n => n.entity),
      adapter,
    );
    const records = await lifecycle.list();
    const refsOf = (keep: (r: (typeof records)[number]) => boolean) =>
      new Set(records.filter(keep).map(r => r.product.toLowerCase()));
    const found = await infrastructure.ask(adapter, () =>
      findLeftovers(
        adapter,
        { refs, products: named.map(n => n.product), atOtherStages },
        {
          retiring: refsOf(r => r.state === 'retiring'),
          archived: refsOf(
            r => r.state === 'retired' && r.archiveDroppedAt === undefined,
          ),
        },
      ),
    );
    const entities = new Map(
      named.map(n => [n.product.entityRef.toLowerCase(), n.entity]),
    );
    return { adapter, entities, ...found };
  }
}

function toKeep(k: KeptLeftovers): LeftoverKeep {
  return {
    product: k.product,
    by: k.by,
    at: new Date(k.at).toISOString(),
    reason: k.reason,
  };
}

function toItem(
  l: LeftoverSchema,
  adapter: Pick<WarehouseAdapter, 'dialect'>,
): InfrastructureLeftover {
  return {
    product: l.product,
    productInCatalog: l.productInCatalog,
    kind: l.kind,
    database: l.database,
    schema: l.schema,
    qualified: adapter.dialect.qualifiedSchema(l),
    ...(l.branch ? { branch: l.branch } : {}),
    ...(l.createdAt ? { createdAt: l.createdAt } : {}),
  };
}

function toRoleItem(
  r: LeftoverRole,
  adapter: Pick<WarehouseAdapter, 'dialect'>,
): InfrastructureLeftoverRole {
  return {
    product: r.product,
    productInCatalog: r.productInCatalog,
    kind: r.kind,
    name: r.name,
    qualified: adapter.dialect.quoteIdentifier(r.name),
  };
}
