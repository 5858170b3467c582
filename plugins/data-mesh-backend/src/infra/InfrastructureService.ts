/*
 * Drift detection for the backend API: declared (a DataProduct's spec plus
 * the platform's naming config) versus actual (what the configured warehouse
 * has), with the repair plan. The engine's `assessProducts` does the work —
 * one introspection for any number of products, desired state, plan and
 * status per product — and this service maps it to the API's answers.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  type InfrastructureDriftItem,
  type InfrastructureDriftSummaryResponse,
  type InfrastructureAccessDrift,
  type InfrastructureSandbox,
  type InfrastructureStatus,
  type InfrastructureWarehouseInfo,
  type ProductInfrastructureNames,
  type ProductInfrastructureResponse,
  INFRASTRUCTURE_STATUSES,
  formatIssue,
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import {
  type FoundSandbox,
  type PlatformConfig,
  type ProductAssessment,
  type ProductsAssessment,
  type ProvisionedProduct,
  type WarehouseAdapter,
  WarehouseError,
  assessProducts,
  findSandboxes,
  findSandboxesOf,
  infrastructureOf,
  platformNotes,
  renderPlan,
} from '@datamesh/plugin-data-mesh-node';
import {
  type AccessGrantSource,
  assessAccessOf,
  toAccessDrift,
  toStep,
} from './accessDrift';
import { EMPTY_OBJECTS, visibleObjects } from './objects';
import { sandboxSummary, toInfrastructureSandboxes } from './sandboxes';
import type { SandboxClaims } from './sandboxClaims';

/**
 * The warehouse could not be opened or did not answer. Carries the
 * warehouse's own message (with secrets removed) and code; the router
 * answers it with status 502.
 * @public
 */
export class WarehouseUnavailableError extends Error {
  readonly statusCode = 502;
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'WarehouseUnavailableError';
    this.code = code;
  }
}

/** A product whose spec gives no warehouse names: nothing can be done in the warehouse (409). */
export function noWarehouseNames(assessed: ProductAssessment): ConflictError {
  return new ConflictError(
    `${assessed.entityRef} has no warehouse names: ${assessed.issues
      .filter(i => i.severity === 'error')
      .map(formatIssue)
      .join('; ')}`,
  );
}

/** @public */
export interface InfrastructureServiceOptions {
  catalog: CatalogService;
  platform: PlatformConfig;
  /** The configured warehouse adapter; the plugin's own (one per process and data directory). */
  getAdapter: () => Promise<WarehouseAdapter>;
  /** `dataMesh.warehouse.type`, reported with every answer. */
  warehouseType: string;
  /** Removes secrets from warehouse messages (see `createSecretRedactor`). */
  redact?: (message: string) => string;
  /** Epoch milliseconds; the SLO engine's clock fits. */
  clock?: { now(): number };
  /** The access requests, to check their grants too; without it access drift is not reported. */
  accessGrants?: AccessGrantSource;
  /** Sandboxes being made or deleted now (the portal's, pipelines'), listed with the product's. */
  sandboxClaims?: Pick<SandboxClaims, 'inProgress'>;
  /** `dataMesh.sandboxes.expireAfter`: sandboxes are listed with when they expire. */
  sandboxExpireAfterMs?: number;
}

/**
 * Where the names recorded in the entity's `spec.infrastructure` are not the
 * ones the platform gives the product: one note for the owner, with the fix.
 * A record made for another platform (the examples record their Snowflake
 * production names; the portal's default warehouse is PGlite) describes a
 * warehouse this portal does not check, so it is not compared.
 */
function recordedMismatches(
  entity: DataProductEntityV1alpha1,
  product: ProvisionedProduct,
  adapter: WarehouseAdapter,
): string[] {
  const recorded = entity.spec.infrastructure;
  if (!recorded) return [];
  const expected = infrastructureOf(product, adapter);
  if (recorded.platform && recorded.platform !== expected.platform) return [];
  const fields: [string, string | undefined, string | undefined][] = [
    ['database', recorded.database, expected.database],
    ['schema', recorded.schema, expected.schema],
    ['warehouse', recorded.warehouse, expected.warehouse],
    ...(['consumer', 'service', 'owner'] as const).map(
      kind =>
        [`roles.${kind}`, recorded.roles?.[kind], expected.roles?.[kind]] as [
          string,
          string | undefined,
          string | undefined,
        ],
    ),
  ];
  const differ = fields.filter(
    ([, have, want]) =>
      have !== undefined && want !== undefined && have !== want,
  );
  if (differ.length === 0) return [];
  return [
    `spec.infrastructure records names this portal does not provision for the product: ${differ
      .map(([field, have, want]) => `${field} ${have} (provisioned: ${want})`)
      .join(
        ', ',
      )}. To fix, write the provisioned names into spec.infrastructure of the spec file, or remove spec.infrastructure: the portal derives the names from its naming configuration (dataMesh.provisioning).`,
  ];
}

/**
 * Declared versus actual infrastructure of DataProducts, against the
 * configured warehouse.
 * @public
 */
export class InfrastructureService {
  private readonly options: InfrastructureServiceOptions;

  constructor(options: InfrastructureServiceOptions) {
    this.options = options;
  }

  private now(): string {
    return new Date(this.options.clock?.now() ?? Date.now()).toISOString();
  }

  private redact(message: string): string {
    return this.options.redact ? this.options.redact(message) : message;
  }

  private async adapter(): Promise<WarehouseAdapter> {
    try {
      return await this.options.getAdapter();
    } catch (e) {
      throw new WarehouseUnavailableError(
        this.redact(
          `The ${this.options.warehouseType} warehouse could not be opened: ${
            (e as Error)?.message ?? String(e)
          }`,
        ),
        (e as { code?: string })?.code,
      );
    }
  }

  /** The warehouse as the API describes it. */
  warehouseInfo(adapter: WarehouseAdapter): InfrastructureWarehouseInfo {
    return {
      type: this.options.warehouseType,
      dialect: adapter.dialect.id,
      displayName: adapter.dialect.displayName,
      compute: adapter.capabilities.compute,
      databases: adapter.capabilities.databases,
    };
  }

  /** The engine's assessment; a warehouse that does not answer is a WarehouseUnavailableError. */
  private async assess(
    entities: DataProductEntityV1alpha1[],
    adapter: WarehouseAdapter,
  ): Promise<ProductsAssessment> {
    return this.ask(adapter, () =>
      assessProducts(entities, this.options.platform, adapter),
    );
  }

  /**
   * Access drift of the assessed products that have a desired state, in one
   * introspection, by entity ref; empty without an access grant source.
   */
  private async accessDrift(
    assessed: ProductAssessment[],
    adapter: WarehouseAdapter,
  ): Promise<Map<string, InfrastructureAccessDrift>> {
    const source = this.options.accessGrants;
    if (!source) return new Map();
    const found = await this.ask(adapter, () =>
      assessAccessOf(source, assessed, adapter),
    );
    return new Map(found.map(a => [a.drift.entityRef, toAccessDrift(a)]));
  }

  /**
   * One product's access drift as the engine reports it (with its repair
   * plan), read with the caller's credentials, and the adapter it was
   * assessed on; undefined without access requests or a desired state.
   */
  async productAccessDrift(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ) {
    const entity = await this.loadProduct(ref, credentials);
    const source = this.options.accessGrants;
    if (!source) return undefined;
    const adapter = await this.adapter();
    const { products } = await this.assess([entity], adapter);
    const [found] = await this.ask(adapter, () =>
      assessAccessOf(source, products, adapter),
    );
    return found && { ...found, adapter };
  }

  /** Error messages as the API may show them (secrets removed). */
  redactMessage(message: string): string {
    return this.redact(message);
  }

  private async loadProduct(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<DataProductEntityV1alpha1> {
    const entity = await this.options.catalog.getEntityByRef(
      { kind: 'DataProduct', namespace: ref.namespace, name: ref.name },
      { credentials },
    );
    if (!isDataProductEntity(entity)) {
      throw new NotFoundError(
        `No DataProduct ${ref.namespace}/${ref.name} in the catalog`,
      );
    }
    return fromCatalogForm(entity);
  }

  /** A question to the warehouse; one that does not answer (or refuses) is a WarehouseUnavailableError. */
  async ask<T>(adapter: WarehouseAdapter, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as Error & { code?: string };
      throw new WarehouseUnavailableError(
        this.redact(
          `The ${adapter.dialect.displayName} warehouse failed to answer: ${
            err?.message ?? String(e)
          }`,
        ),
        e instanceof WarehouseError ? e.code : err?.code,
      );
    }
  }

  private toResponse(
    a: ProductAssessment,
    adapter: WarehouseAdapter,
    checkedAt: string,
    access?: InfrastructureAccessDrift,
  ): ProductInfrastructureResponse {
    // grants that differ from the requests are drift of the product too
    const status =
      a.status === 'in-sync' && access && !access.inSync ? 'drift' : a.status;
    const base = {
      entityRef: a.entityRef,
      status,
      inSync: status === 'in-sync',
      warehouse: this.warehouseInfo(adapter),
      checkedAt,
      issues: a.issues,
    };
    if (!a.plan || !a.desired || !a.actual) {
      return {
        ...base,
        drift: { lines: [], steps: [], destructive: [] },
        notes: [],
        conflicts: [],
      };
    }
    const { dialect, capabilities } = adapter;
    const product = a.desired.products[0];
    const platform = new Set(platformNotes(a.desired, adapter));
    const actual = a.actual;
    const roles = new Set(actual.roles.map(r => r.name));
    const schemaKeys = new Set(
      actual.schemas.map(s => `${s.database}|${s.schema}`),
    );
    const schemaStatus = (schema: string) => ({
      name: schema,
      qualified: dialect.qualifiedSchema({
        database: product.database,
        schema,
      }),
      exists: schemaKeys.has(`${product.database}|${schema}`),
    });
    const roleStatus = (role: string) => ({
      name: role,
      qualified: dialect.quoteIdentifier(role),
      exists: roles.has(role),
    });
    const names: ProductInfrastructureNames = {
      stage: product.stage,
      warehouse: capabilities.compute
        ? {
            name: product.compute,
            qualified: dialect.quoteIdentifier(product.compute),
            exists: actual.computes.some(c => c.name === product.compute),
          }
        : null,
      database: {
        name: product.database,
        qualified: dialect.quoteIdentifier(product.database),
        exists:
          capabilities.databases === 'native'
            ? actual.databases.some(d => d.name === product.database)
            : null,
      },
      schemas: {
        raw: schemaStatus(product.schemas.raw),
        intermediate: schemaStatus(product.schemas.intermediate),
        output: schemaStatus(product.schemas.output),
        ...(product.maskedSchema
          ? { masked: schemaStatus(product.maskedSchema) }
          : {}),
      },
      roles: {
        consumer: roleStatus(product.roles.consumer),
        service: roleStatus(product.roles.service),
        owner: roleStatus(product.roles.owner),
        ...(product.piiRole
          ? { consumerPii: roleStatus(product.piiRole) }
          : {}),
      },
    };
    return {
      ...base,
      declared: {
        names,
        infrastructure: infrastructureOf(product, adapter),
        objects: visibleObjects(a.desired, adapter),
      },
      actual: {
        objects: visibleObjects({ ...EMPTY_OBJECTS(), ...actual }, adapter),
        queries: actual.queries,
      },
      drift: {
        lines: renderPlan(a.plan).filter(l => !l.startsWith('! note: ')),
        steps: a.plan.steps.map(toStep),
        destructive: a.plan.destructive.map(toStep),
      },
      // the platform's own limits are in `warehouse` and the names above;
      // notes are what the product's owner can act on
      notes: [
        ...a.plan.notes.filter(n => !platform.has(n)),
        ...recordedMismatches(a.entity, product, adapter),
      ],
      conflicts: a.plan.conflicts.map(c => ({
        object: { ...c.object },
        message: c.message,
      })),
      ...(access ? { access } : {}),
    };
  }

  /**
   * Declared versus actual for one DataProduct, read from the catalog with
   * the caller's credentials (a product the caller cannot see is not found).
   */
  async getProductInfrastructure(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<ProductInfrastructureResponse> {
    const { assessment, adapter } = await this.assessProduct(ref, credentials);
    const access = await this.accessDrift([assessment], adapter);
    const response = this.toResponse(
      assessment,
      adapter,
      this.now(),
      access.get(assessment.entityRef),
    );
    const product = assessment.desired?.products[0];
    if (!product) return response;
    // copies of the product's data outside its own schemas: its owners should see them
    const found = await this.ask(adapter, () =>
      findSandboxes(adapter, product),
    );
    const sandboxes = this.listedSandboxes(found, adapter);
    // a copy going on shows before its marker does (and not twice after)
    const inProgress = (
      (await this.options.sandboxClaims?.inProgress(assessment.entityRef)) ?? []
    ).filter(
      c => c.change === 'delete' || !sandboxes.some(s => s.branch === c.branch),
    );
    return {
      ...response,
      sandboxes,
      ...(inProgress.length ? { sandboxesInProgress: inProgress } : {}),
    };
  }

  /** Sandbox schemas found, as the API lists them (by branch, with when each expires). */
  listedSandboxes(
    found: FoundSandbox[],
    adapter: Pick<WarehouseAdapter, 'dialect'>,
  ): InfrastructureSandbox[] {
    return toInfrastructureSandboxes(
      found,
      adapter,
      this.options.sandboxExpireAfterMs,
    );
  }

  /**
   * Every product of the catalog the caller may see that has warehouse
   * names, with its sandboxes: one question per database, not per product
   * (the sandbox expiry's round).
   */
  async sandboxesOfFleet(credentials: BackstageCredentials): Promise<{
    adapter: WarehouseAdapter;
    products: {
      entity: DataProductEntityV1alpha1;
      product: ProvisionedProduct;
      sandboxes: InfrastructureSandbox[];
    }[];
  }> {
    const { adapter, named } = await this.namedFleet(credentials);
    const found = await this.ask(adapter, () =>
      findSandboxesOf(
        adapter,
        named.map(n => n.product),
      ),
    );
    return {
      adapter,
      products: named.map(n => ({
        ...n,
        sandboxes: this.listedSandboxes(
          found.byProduct.get(n.product.entityRef) ?? [],
          adapter,
        ),
      })),
    };
  }

  /**
   * Every product of the catalog the caller may see (`refs`), and the
   * warehouse names of those whose spec gives them (`named`), checked by the
   * dialect; the warehouse is not introspected.
   */
  async namedFleet(credentials: BackstageCredentials): Promise<{
    adapter: WarehouseAdapter;
    refs: string[];
    named: { entity: DataProductEntityV1alpha1; product: ProvisionedProduct }[];
  }> {
    const entities = await this.catalogProducts(credentials);
    const adapter = await this.adapter();
    const { products: assessed } = await this.ask(adapter, () =>
      assessProducts(entities, this.options.platform, adapter, {
        namesOnly: true,
      }),
    );
    return {
      adapter,
      refs: assessed.map(a => a.entityRef),
      named: assessed.flatMap(a => {
        const product = a.desired?.products[0];
        return product ? [{ entity: a.entity, product }] : [];
      }),
    };
  }

  /**
   * One product's assessment (desired and actual state, plan, status), read
   * from the catalog with the caller's credentials, and the adapter it was
   * made on: what an apply from the portal applies.
   */
  async assessProduct(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ assessment: ProductAssessment; adapter: WarehouseAdapter }> {
    const entity = await this.loadProduct(ref, credentials);
    const adapter = await this.adapter();
    const { products } = await this.assess([entity], adapter);
    return { assessment: products[0], adapter };
  }

  /**
   * The product's warehouse names (read from the catalog with the caller's
   * credentials) and the adapter, for the questions about its sandboxes:
   * the names are checked by the dialect, the warehouse is not introspected.
   * A spec that gives no names is a ConflictError.
   */
  async namedProduct(
    ref: { namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ product: ProvisionedProduct; adapter: WarehouseAdapter }> {
    const entity = await this.loadProduct(ref, credentials);
    const adapter = await this.adapter();
    const { products } = await this.ask(adapter, () =>
      assessProducts([entity], this.options.platform, adapter, {
        namesOnly: true,
      }),
    );
    const product = products[0].desired?.products[0];
    if (!product) throw noWarehouseNames(products[0]);
    return { product, adapter };
  }

  /** Every DataProduct of the catalog the caller may see. */
  private async catalogProducts(
    credentials: BackstageCredentials,
  ): Promise<DataProductEntityV1alpha1[]> {
    const entities: DataProductEntityV1alpha1[] = [];
    for await (const page of this.options.catalog.streamEntities(
      { filter: { kind: 'DataProduct' } },
      { credentials },
    )) {
      entities.push(
        ...page.filter(isDataProductEntity).map(e => fromCatalogForm(e)),
      );
    }
    return entities;
  }

  /** Every product of the catalog the caller may see, assessed, with its access drift. */
  private async assessFleet(credentials: BackstageCredentials) {
    const entities = await this.catalogProducts(credentials);
    const adapter = await this.adapter();
    const { products, queries } = await this.assess(entities, adapter);
    const access = await this.accessDrift(products, adapter);
    return { adapter, products, queries, access };
  }

  /**
   * The access drift of every product of the catalog, in one introspection
   * (the unexplained-grants watch reads it); a product without a desired
   * state has no `access`.
   */
  async accessDriftOfFleet(credentials: BackstageCredentials): Promise<
    {
      entity: DataProductEntityV1alpha1;
      entityRef: string;
      access?: InfrastructureAccessDrift;
    }[]
  > {
    const { products, access } = await this.assessFleet(credentials);
    return products.map(a => ({
      entity: a.entity,
      entityRef: a.entityRef,
      access: access.get(a.entityRef),
    }));
  }

  async getDriftSummary(
    credentials: BackstageCredentials,
  ): Promise<InfrastructureDriftSummaryResponse> {
    const { adapter, products, queries, access } = await this.assessFleet(
      credentials,
    );
    // copies of the fleet's data outside its products' schemas
    const sandboxes = await this.ask(adapter, () =>
      findSandboxesOf(
        adapter,
        products.flatMap(a => a.desired?.products[0] ?? []),
      ),
    );
    const checkedAt = this.now();
    const counts = Object.fromEntries(
      INFRASTRUCTURE_STATUSES.map(s => [s, 0]),
    ) as Record<InfrastructureStatus, number>;
    const items: InfrastructureDriftItem[] = products.map(a => {
      const r = this.toResponse(a, adapter, checkedAt, access.get(a.entityRef));
      counts[r.status]++;
      return {
        entityRef: r.entityRef,
        title: a.entity.metadata.title,
        owner: a.entity.spec.owner,
        domain: a.entity.spec.domain,
        status: r.status,
        inSync: r.inSync,
        steps: r.drift.steps.length,
        destructive: r.drift.destructive.length,
        lines: r.drift.lines,
        conflicts: r.conflicts.map(c => c.message),
        issues: r.issues,
        ...(r.access
          ? {
              access: {
                missing: r.access.missing.length,
                unmanaged: r.access.unmanaged.length,
              },
            }
          : {}),
        ...sandboxSummary(
          this.listedSandboxes(
            sandboxes.byProduct.get(a.entityRef) ?? [],
            adapter,
          ),
        ),
      };
    });
    items.sort(
      (x, y) =>
        INFRASTRUCTURE_STATUSES.indexOf(x.status) -
          INFRASTRUCTURE_STATUSES.indexOf(y.status) ||
        x.entityRef.localeCompare(y.entityRef),
    );
    return {
      warehouse: this.warehouseInfo(adapter),
      checkedAt,
      queries:
        queries + ([...access.values()][0]?.queries ?? 0) + sandboxes.queries,
      total: items.length,
      counts,
      items,
    };
  }
}
