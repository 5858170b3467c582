/*
 * Drift detection for the backend API: declared (a DataProduct's spec plus
 * the platform's naming config) versus actual (what the configured warehouse
 * has), with the repair plan from the same engine the scaffolder actions and
 * the CLI use.
 *
 * Any number of products costs one introspection: the desired states are
 * computed per product (so one invalid product does not hide the others),
 * their scopes are introspected together, and each product is then diffed
 * against its own part of the answer — exactly what introspecting its scope
 * alone would have returned (see the rules on `ActualState`).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  type InfrastructureDriftItem,
  type InfrastructureDriftSummaryResponse,
  type InfrastructureObjects,
  type InfrastructurePlanStep,
  type InfrastructureStatus,
  type InfrastructureWarehouseInfo,
  type ProductInfrastructureNames,
  type ProductInfrastructureResponse,
  type SpecIssue,
  INFRASTRUCTURE_STATUSES,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import {
  type ActualState,
  type DesiredState,
  type IntrospectionScope,
  type Plan,
  type PlanStep,
  type PlatformConfig,
  type ProvisionedProduct,
  type WarehouseAdapter,
  type WarehouseState,
  WarehouseError,
  computeDesiredState,
  diff,
  infrastructureOf,
  isPlanEmpty,
  productEntityRef,
  renderPlan,
  scopeOf,
} from '@datamesh/plugin-data-mesh-node';

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
}

/** What `assess` finds for one product. */
interface Assessment {
  entity: DataProductEntityV1alpha1;
  entityRef: string;
  issues: SpecIssue[];
  desired?: DesiredState;
  actual?: ActualState;
  plan?: Plan;
}

const EMPTY_OBJECTS = (): WarehouseState => ({
  computes: [],
  databases: [],
  schemas: [],
  roles: [],
  memberships: [],
  grants: [],
});

/** The part of an introspection that concerns `scope` (see `ActualState`'s rules). */
export function actualForScope(
  actual: ActualState,
  scope: IntrospectionScope,
): ActualState {
  const computes = new Set(scope.computes);
  const databases = new Set(scope.databases);
  const schemas = new Set(scope.schemas.map(s => `${s.database}|${s.schema}`));
  const roles = new Set(scope.roles);
  const inSchemas = (t: { database: string; schema: string }) =>
    schemas.has(`${t.database}|${t.schema}`);
  return {
    computes: actual.computes.filter(c => computes.has(c.name)),
    databases: actual.databases.filter(d => databases.has(d.name)),
    schemas: actual.schemas.filter(inSchemas),
    roles: actual.roles.filter(r => roles.has(r.name)),
    memberships: actual.memberships.filter(
      m =>
        roles.has(m.role) &&
        (roles.has(m.member) ||
          (scope.parentRole !== undefined && m.member === scope.parentRole)),
    ),
    grants: actual.grants.filter(g => {
      switch (g.target.type) {
        case 'compute':
          return computes.has(g.target.name);
        case 'database':
          return databases.has(g.target.name);
        default:
          return inSchemas(g.target);
      }
    }),
    queries: actual.queries,
  };
}

/** Union of scopes, each name once. */
function unionScope(scopes: IntrospectionScope[]): IntrospectionScope {
  const uniq = (xs: string[]) => [...new Set(xs)];
  const schemas = new Map<string, { database: string; schema: string }>();
  for (const s of scopes.flatMap(x => x.schemas)) {
    schemas.set(`${s.database}|${s.schema}`, s);
  }
  return {
    computes: uniq(scopes.flatMap(s => s.computes)),
    databases: uniq(scopes.flatMap(s => s.databases)),
    schemas: [...schemas.values()],
    roles: uniq(scopes.flatMap(s => s.roles)),
    parentRole: scopes.find(s => s.parentRole)?.parentRole,
  };
}

/**
 * Names valid everywhere can still be too long for one warehouse's layout;
 * the dialect refuses them, and the product is then reported as invalid
 * instead of failing the introspection of everyone else. (The engine's
 * `planProducts` makes the same check.)
 */
function dialectIssues(
  product: ProvisionedProduct,
  adapter: WarehouseAdapter,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const check = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      issues.push({
        severity: 'error',
        path: 'metadata.name',
        message: `${product.entityRef}: ${(e as Error).message} (${
          adapter.dialect.displayName
        })`,
      });
    }
  };
  const { dialect } = adapter;
  for (const schema of Object.values(product.schemas)) {
    check(() =>
      dialect.qualifiedSchema({ database: product.database, schema }),
    );
  }
  for (const role of Object.values(product.roles)) {
    check(() => dialect.quoteIdentifier(role));
  }
  check(() => dialect.quoteIdentifier(product.database));
  if (adapter.capabilities.compute) {
    check(() => dialect.quoteIdentifier(product.compute));
  }
  return issues;
}

/** The objects as the adapter manages them (what `diff` compares). */
function visibleObjects(
  state: WarehouseState,
  adapter: WarehouseAdapter,
): InfrastructureObjects {
  const { capabilities } = adapter;
  const perSchemaFuture = capabilities.futureGrants === 'per-schema';
  const seen = new Set<string>();
  const grants = state.grants
    .filter(g => capabilities.compute || g.target.type !== 'compute')
    .filter(
      g => capabilities.databases === 'native' || g.target.type !== 'database',
    )
    .map(g =>
      perSchemaFuture && g.target.type === 'future-tables'
        ? { ...g, target: { ...g.target, creator: undefined } }
        : g,
    )
    .filter(g => {
      const key = JSON.stringify([g.target, g.grantee, g.privilege]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(g => ({
      target: JSON.parse(JSON.stringify(g.target)),
      privilege: g.privilege,
      grantee: g.grantee,
      ...(g.partial ? { partial: true } : {}),
      ...(g.implicit ? { implicit: true } : {}),
    }));
  return {
    computes: capabilities.compute
      ? state.computes.map(c => ({
          name: c.name,
          size: c.size,
          autoSuspendSeconds: c.autoSuspendSeconds,
        }))
      : [],
    databases:
      capabilities.databases === 'native'
        ? state.databases.map(d => ({ name: d.name }))
        : [],
    schemas: state.schemas.map(s => ({ ...s })),
    roles: state.roles.map(r => ({ ...r })),
    memberships: state.memberships.map(m => ({ ...m })),
    grants,
  };
}

function toStep(step: PlanStep): InfrastructurePlanStep {
  return {
    kind: step.kind,
    action: step.change.action,
    line: step.line,
    destructive: step.destructive,
    sql: step.statements.map(s => s.sql),
    // JSON round trip: `change` holds the engine's objects, plain data only
    change: JSON.parse(JSON.stringify(step.change)),
  };
}

function statusOf(a: Assessment): InfrastructureStatus {
  if (!a.plan || !a.desired || !a.actual) return 'invalid';
  if (a.plan.conflicts.length > 0) return 'conflict';
  if (isPlanEmpty(a.plan)) return 'in-sync';
  const product = a.desired.products[0];
  const roles = new Set(a.actual.roles.map(r => r.name));
  const schemas = new Set(a.actual.schemas.map(s => s.schema));
  const anything =
    Object.values(product.roles).some(r => roles.has(r)) ||
    Object.values(product.schemas).some(s => schemas.has(s));
  return anything ? 'drift' : 'not-provisioned';
}

/** Differences between the entity's recorded `spec.infrastructure` and the names the platform gives it now. */
function recordedMismatches(
  entity: DataProductEntityV1alpha1,
  product: ProvisionedProduct,
  adapter: WarehouseAdapter,
): string[] {
  const recorded = entity.spec.infrastructure;
  if (!recorded) return [];
  const expected = infrastructureOf(product, adapter);
  const notes: string[] = [];
  const compare = (field: string, have?: string, want?: string) => {
    if (have !== undefined && want !== undefined && have !== want) {
      notes.push(
        `spec.infrastructure.${field} of the entity says ${have}, but the platform's naming config gives ${want}`,
      );
    }
  };
  compare('platform', recorded.platform, expected.platform);
  compare('database', recorded.database, expected.database);
  compare('schema', recorded.schema, expected.schema);
  compare('warehouse', recorded.warehouse, expected.warehouse);
  for (const kind of ['consumer', 'service', 'owner'] as const) {
    compare(`roles.${kind}`, recorded.roles?.[kind], expected.roles?.[kind]);
  }
  return notes;
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

  private warehouseInfo(
    adapter: WarehouseAdapter,
  ): InfrastructureWarehouseInfo {
    return {
      type: this.options.warehouseType,
      dialect: adapter.dialect.id,
      displayName: adapter.dialect.displayName,
      compute: adapter.capabilities.compute,
      databases: adapter.capabilities.databases,
    };
  }

  /** Desired state per product, one introspection for all of them, a plan per product. */
  private async assess(
    entities: DataProductEntityV1alpha1[],
    adapter: WarehouseAdapter,
  ): Promise<{ assessments: Assessment[]; queries: number }> {
    const platform: PlatformConfig = {
      ...this.options.platform,
      parentRole: this.options.platform.parentRole ?? adapter.defaultParentRole,
    };
    const assessments: Assessment[] = entities.map(entity => {
      const entityRef = productEntityRef(entity);
      const { desired, issues } = computeDesiredState([entity], platform);
      if (!desired) return { entity, entityRef, issues };
      const nameIssues = dialectIssues(desired.products[0], adapter);
      if (nameIssues.length > 0) {
        return { entity, entityRef, issues: [...issues, ...nameIssues] };
      }
      return { entity, entityRef, issues, desired };
    });
    const valid = assessments.filter(a => a.desired);
    if (valid.length === 0) return { assessments, queries: 0 };

    let actual: ActualState;
    try {
      actual = await adapter.introspect(
        unionScope(valid.map(a => scopeOf(a.desired!))),
      );
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
    for (const a of valid) {
      a.actual = actualForScope(actual, scopeOf(a.desired!));
      a.plan = diff(a.desired!, a.actual, adapter);
    }
    return { assessments, queries: actual.queries };
  }

  private toResponse(
    a: Assessment,
    adapter: WarehouseAdapter,
    checkedAt: string,
  ): ProductInfrastructureResponse {
    const status = statusOf(a);
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
      },
      roles: {
        consumer: roleStatus(product.roles.consumer),
        service: roleStatus(product.roles.service),
        owner: roleStatus(product.roles.owner),
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
      notes: [
        ...a.plan.notes,
        ...recordedMismatches(a.entity, product, adapter),
      ],
      conflicts: a.plan.conflicts.map(c => ({
        object: { ...c.object },
        message: c.message,
      })),
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
    const entity = await this.options.catalog.getEntityByRef(
      { kind: 'DataProduct', namespace: ref.namespace, name: ref.name },
      { credentials },
    );
    if (!isDataProductEntity(entity)) {
      throw new NotFoundError(
        `No DataProduct ${ref.namespace}/${ref.name} in the catalog`,
      );
    }
    const adapter = await this.adapter();
    const { assessments } = await this.assess([entity], adapter);
    return this.toResponse(assessments[0], adapter, this.now());
  }

  /**
   * Drift of every DataProduct the caller can see, worst first, with one
   * introspection for all of them.
   */
  async getDriftSummary(
    credentials: BackstageCredentials,
  ): Promise<InfrastructureDriftSummaryResponse> {
    const entities: DataProductEntityV1alpha1[] = [];
    for await (const page of this.options.catalog.streamEntities(
      { filter: { kind: 'DataProduct' } },
      { credentials },
    )) {
      entities.push(...page.filter(isDataProductEntity));
    }
    const adapter = await this.adapter();
    const { assessments, queries } = await this.assess(entities, adapter);
    const checkedAt = this.now();
    const counts = Object.fromEntries(
      INFRASTRUCTURE_STATUSES.map(s => [s, 0]),
    ) as Record<InfrastructureStatus, number>;
    const items: InfrastructureDriftItem[] = assessments.map(a => {
      const r = this.toResponse(a, adapter, checkedAt);
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
      queries,
      total: items.length,
      counts,
      items,
    };
  }
}
