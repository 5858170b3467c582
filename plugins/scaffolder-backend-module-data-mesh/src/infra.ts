/*
 * What the plan and apply actions share: read the product, plan it against
 * the warehouse, print the plan, and describe the result in outputs that
 * later steps and the template's output links can use.
 */
import { InputError } from '@backstage/errors';
import {
  type DataProductEntityV1alpha1,
  formatIssue,
} from '@datamesh/plugin-data-mesh-common';
import {
  type Plan,
  type PlanStep,
  type PlatformConfig,
  type SchemaRef,
  type WarehouseAdapter,
  assessProducts,
  infrastructureOf,
  isPlanEmpty,
  productEntityRef,
  renderPlan,
} from '@datamesh/plugin-data-mesh-node';
import { loadProduct } from './spec';

/** Counts of a plan, for outputs and the one-line summary. */
export interface PlanSummary {
  create: number;
  alter: number;
  grant: number;
  revoke: number;
  drop: number;
  /** Revoke and drop steps, which run only when allowed. */
  destructive: number;
  statements: number;
  notes: number;
  inSync: boolean;
  /** e.g. `8 to create, 21 grants, 0 destructive — 45 statements`. */
  text: string;
}

/** The logical names of the product's warehouse objects. */
export interface ProductObjects {
  entityRef: string;
  platform: string;
  stage: string;
  /** Compute per domain (Snowflake warehouse); absent where the warehouse has none. */
  compute?: string;
  /** Same as `compute`, under the name Snowflake gives it. */
  warehouse?: string;
  database: string;
  /** Schema per layer as it exists in the warehouse (PGlite: `<database>__<schema>`), unquoted. */
  schemas: LayerNames;
  /** Schema per layer in the platform's logical terms. */
  logicalSchemas: LayerNames;
  /** Schema per layer as SQL spells it (quoted, qualified). */
  qualifiedSchemas: LayerNames;
  roles: { consumer: string; service: string; owner: string };
}

type LayerNames = { raw: string; intermediate: string; output: string };

/** Dialects that map logical schemas to other physical ones say how (PostgreSQL's schema-prefix layout). */
type PhysicalNames = { physicalSchema?(ref: SchemaRef): string };

export function summarize(plan: Plan): PlanSummary {
  const count = (steps: PlanStep[], kind: PlanStep['kind']) =>
    steps.filter(s => s.kind === kind).length;
  const all = [...plan.steps, ...plan.destructive];
  const s = {
    create: count(all, 'create'),
    alter: count(all, 'alter'),
    grant: count(all, 'grant'),
    revoke: count(all, 'revoke'),
    drop: count(all, 'drop'),
    destructive: plan.destructive.length,
    statements: all.reduce((n, st) => n + st.statements.length, 0),
    notes: plan.notes.length,
    inSync: isPlanEmpty(plan) && plan.conflicts.length === 0,
  };
  const text = s.inSync
    ? 'no changes: the warehouse matches the declared state'
    : `${s.create} to create, ${s.alter} to alter, ${s.grant} grant${
        s.grant === 1 ? '' : 's'
      }, ${s.destructive} destructive (${s.revoke} revoke, ${s.drop} drop) — ${
        s.statements
      } statement${s.statements === 1 ? '' : 's'}`;
  return { ...s, text };
}

export function objectsOf(
  plan: Plan,
  adapter: WarehouseAdapter,
): ProductObjects {
  const product = plan.products[0];
  const infra = infrastructureOf(product, adapter);
  const dialect = adapter.dialect as WarehouseAdapter['dialect'] &
    PhysicalNames;
  const layers = (fn: (schema: string) => string): LayerNames => ({
    raw: fn(product.schemas.raw),
    intermediate: fn(product.schemas.intermediate),
    output: fn(product.schemas.output),
  });
  const ref = (schema: string) => ({ database: product.database, schema });
  return {
    entityRef: product.entityRef,
    platform: infra.platform ?? adapter.dialect.id,
    stage: product.stage,
    ...(infra.warehouse
      ? { compute: infra.warehouse, warehouse: infra.warehouse }
      : {}),
    database: product.database,
    schemas: layers(s => dialect.physicalSchema?.(ref(s)) ?? s),
    logicalSchemas: layers(s => s),
    qualifiedSchemas: layers(s => dialect.qualifiedSchema(ref(s))),
    roles: { ...product.roles },
  };
}

export interface PlannedProduct {
  entity: DataProductEntityV1alpha1;
  plan: Plan;
  lines: string[];
  summary: PlanSummary;
  objects: ProductObjects;
}

/**
 * Read, plan and print. Every problem with the input (spec, stage, names
 * too long for this warehouse) is an InputError raised before the
 * warehouse is asked anything but its catalog; conflicts fail too.
 */
export async function planWorkspaceProduct(options: {
  workspacePath: string;
  specPath?: string;
  stage?: string;
  platform: PlatformConfig;
  adapter: WarehouseAdapter;
  logger: {
    info(m: string): void;
    warn(m: string): void;
    error(m: string): void;
  };
  showSql?: boolean;
}): Promise<PlannedProduct> {
  const { adapter, logger } = options;
  const entity = await loadProduct(
    options.workspacePath,
    options.specPath,
    logger,
    options.stage,
  );
  // invalid input is refused before the warehouse is asked anything
  const { plan, issues } = await assessProducts(
    [entity],
    options.platform,
    adapter,
    { requireAllValid: true },
  );
  if (!plan) {
    const errors = issues.filter(i => i.severity === 'error');
    for (const i of errors) logger.error(`error: ${formatIssue(i)}`);
    throw new InputError(
      `cannot plan ${productEntityRef(entity)}:\n${errors
        .map(i => `  ${formatIssue(i)}`)
        .join('\n')}`,
    );
  }
  const lines = renderPlan(plan, { sql: options.showSql });
  logger.info(
    `Plan for ${productEntityRef(entity)} on ${adapter.dialect.displayName} (${
      plan.products[0].stage
    }):`,
  );
  for (const line of lines) logger.info(line);
  if (plan.conflicts.length > 0) {
    throw new InputError(
      `the plan has conflicts, nothing was changed:\n${plan.conflicts
        .map(c => `  ${c.message}`)
        .join('\n')}`,
    );
  }
  const summary = summarize(plan);
  logger.info(`Plan: ${summary.text}`);
  return { entity, plan, lines, summary, objects: objectsOf(plan, adapter) };
}
