/*
 * The example products in the warehouse: provisioned with the same
 * plan/apply engine as the scaffolder and the CLI, their dataset tables
 * created in the output layer as the product's service role (so the
 * schema's default privileges give consumers read access), and refreshed
 * the way a pipeline would: as the service role, one full load at a time,
 * stamped in the load-timestamp metadata column that freshness reads.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type DataProductEntityV1alpha1,
  toSqlName,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type ProvisionedProduct,
  SAFE_IDENTIFIER,
  type WarehouseAdapter,
  applyPlan,
  assessProducts,
  planProducts,
} from '@datamesh/plugin-data-mesh-node';
import {
  type ExampleActivityProfile,
  type ExampleProductActivity,
  latestLoadAt,
  rowsForLoad,
} from './profile';
import {
  type ExampleTable,
  commentSql,
  createTableSql,
  refreshSql,
} from './sql';

/** Runs one statement as a role (PostgreSQL `SET LOCAL ROLE` in a transaction). @public */
export interface RoleQueryRunner {
  queryAs(role: string, sql: string, database?: string): Promise<unknown[]>;
}

/**
 * The role runner of a PostgreSQL or PGlite adapter (its connection), or
 * undefined for warehouses the example activity does not drive.
 * @public
 */
export function roleQueryRunnerOf(
  adapter: WarehouseAdapter,
): RoleQueryRunner | undefined {
  const connection = (adapter as { connection?: Partial<RoleQueryRunner> })
    .connection;
  return typeof connection?.queryAs === 'function'
    ? (connection as RoleQueryRunner)
    : undefined;
}

/** One example table: where it lives, and what the profile writes into it. @public */
export interface ExampleTableTarget {
  dataset: string;
  database: string;
  schema: string;
  table: string;
  example: ExampleTable;
}

/** An example product, provisioned and with its tables. @public */
export interface PreparedExampleProduct {
  entityRef: string;
  activity: ExampleProductActivity;
  provisioned: ProvisionedProduct;
  tables: ExampleTableTarget[];
}

/** @public */
export interface PrepareReport {
  products: PreparedExampleProduct[];
  /** Plan steps applied (0 when everything already existed). */
  applied: number;
  /** Example products the catalog does not hold (yet). */
  missing: string[];
  /** Why a product or dataset is not driven, one sentence each. */
  problems: string[];
}

const TABLE_COMMENT =
  'EXAMPLE DATA: synthetic rows written by the example activity (examples/warehouse/activity.yaml)';

const keyOf = (t: { database: string; schema: string; table: string }) =>
  `${t.database}.${t.schema}.${t.table}`;

/**
 * The table a dataset lives in, as the SLO monitors resolve it: a bare
 * `table` name, or the dataset's name, in the product's output schema. A
 * dataset whose `table` names another schema or database lives somewhere
 * the platform did not provision, so the example activity leaves it alone.
 */
function outputTableOf(dataset: {
  name: string;
  table?: string;
}): { table: string } | { problem: string } {
  if (!dataset.table) return { table: toSqlName(dataset.name) };
  const parts = dataset.table.split('.');
  if (parts.length !== 1 || !SAFE_IDENTIFIER.test(parts[0])) {
    return {
      problem: `its table '${dataset.table}' is not a table of the product's output schema (write the bare table name, or none)`,
    };
  }
  return { table: parts[0].toLowerCase() };
}

/**
 * Drives the example products' tables in one warehouse. Needs a PostgreSQL
 * or PGlite adapter (it runs statements as the products' service roles).
 * @public
 */
export class ExampleWarehouse {
  constructor(
    private readonly options: {
      adapter: WarehouseAdapter;
      platform: PlatformConfig;
      profile: ExampleActivityProfile;
      logger: LoggerService;
    },
  ) {}

  private runner(): RoleQueryRunner {
    const runner = roleQueryRunnerOf(this.options.adapter);
    if (!runner) {
      throw new Error(
        `the example activity writes as the products' service roles, which needs the pglite or postgres warehouse (dataMesh.warehouse.type), not ${this.options.adapter.dialect.displayName}`,
      );
    }
    return runner;
  }

  /**
   * Provision every example product found among `entities` (plan, then
   * apply the safe steps) and create its dataset tables. Idempotent: a
   * second run plans nothing and creates nothing.
   */
  async prepare(entities: DataProductEntityV1alpha1[]): Promise<PrepareReport> {
    const { adapter, platform, profile, logger } = this.options;
    const runner = this.runner();
    const quote = (name: string) => adapter.dialect.quoteIdentifier(name);
    const report: PrepareReport = {
      products: [],
      applied: 0,
      missing: [],
      problems: [],
    };
    const found = new Map<string, DataProductEntityV1alpha1>();
    for (const activity of profile.products) {
      const entity = entities.find(
        e =>
          e.metadata.name === activity.name &&
          (e.metadata.namespace ?? 'default') === profile.namespace,
      );
      if (entity) found.set(activity.name, entity);
    }
    // one introspection tells which example products need provisioning
    const assessment = await assessProducts(
      [...found.values()],
      platform,
      adapter,
    );
    const assessed = new Map(
      assessment.products.map(a => [a.entity.metadata.name, a]),
    );
    for (const activity of profile.products) {
      const entity = found.get(activity.name);
      const ref = `dataproduct:${profile.namespace}/${activity.name}`;
      if (!entity) {
        report.missing.push(ref);
        report.problems.push(`${ref} is not in the catalog`);
        continue;
      }
      const assessedProduct = assessed.get(activity.name)!;
      let plan = assessedProduct.plan;
      if (!plan) {
        report.problems.push(
          `${ref} cannot be provisioned: ${assessedProduct.issues
            .map(i => i.message)
            .join('; ')}`,
        );
        continue;
      }
      if (assessedProduct.status !== 'in-sync') {
        // planned again now: an earlier product may have made shared objects
        ({ plan } = await planProducts([entity], platform, adapter));
        const result = await applyPlan(plan!, adapter);
        if (result.error) {
          report.problems.push(
            `${ref} could not be provisioned: ${result.error.message}`,
          );
          continue;
        }
        report.applied += result.applied.length;
        logger.info(
          `Example warehouse: provisioned ${ref} (${result.applied.length} steps)`,
        );
      }
      const provisioned = plan!.products[0];
      const columnsOf = new Map(
        (entity.spec.datasets ?? []).map(d => [d.name, d]),
      );
      const tables: ExampleTableTarget[] = [];
      for (const datasetName of Object.keys(activity.datasets)) {
        const dataset = columnsOf.get(datasetName);
        if (!dataset) {
          report.problems.push(
            `${ref}: dataset '${datasetName}' of the activity profile is not one of the product's datasets`,
          );
          continue;
        }
        const target = outputTableOf(dataset);
        if ('problem' in target) {
          report.problems.push(
            `${ref}: dataset '${datasetName}' is not written: ${target.problem}`,
          );
          continue;
        }
        const ref3 = {
          database: provisioned.database,
          schema: provisioned.outputSchema,
          table: target.table,
        };
        const example: ExampleTable = {
          qualifiedName: adapter.dialect.qualifiedTable(
            { database: ref3.database, schema: ref3.schema },
            ref3.table,
          ),
          columns: dataset.columns,
          metadata: platform.metadataColumns,
        };
        try {
          await runner.queryAs(
            provisioned.roles.service,
            createTableSql(example, quote),
            ref3.database,
          );
          await runner.queryAs(
            provisioned.roles.service,
            commentSql(example, TABLE_COMMENT),
            ref3.database,
          );
        } catch (e) {
          report.problems.push(
            `${ref}: table ${keyOf(ref3)} could not be created: ${
              (e as Error).message
            }`,
          );
          continue;
        }
        tables.push({ dataset: datasetName, ...ref3, example });
      }
      report.products.push({
        entityRef: ref,
        activity,
        provisioned,
        tables,
      });
    }
    await this.maskNewTables([...found.values()], report);
    return report;
  }

  /**
   * The engine makes the masked views of PII columns (PostgreSQL, PGlite)
   * or sets the masking policies (Snowflake) only once the output tables
   * exist, so the products are planned once more after their tables were
   * created; when nothing changed (a restart) this plans nothing.
   */
  private async maskNewTables(
    entities: DataProductEntityV1alpha1[],
    report: PrepareReport,
  ) {
    const { adapter, platform } = this.options;
    if (entities.length === 0) return;
    const { plan, issues } = await planProducts(entities, platform, adapter);
    if (!plan) {
      report.problems.push(...issues.map(i => i.message));
      return;
    }
    if (plan.steps.length === 0) return;
    const result = await applyPlan(plan, adapter);
    report.applied += result.applied.length;
    if (result.error) {
      report.problems.push(
        `example products could not be masked: ${result.error.message}`,
      );
    }
  }

  /**
   * When each table was last loaded (newest load timestamp), from the
   * warehouse's table stats: one `tableStats` call per database.
   */
  async lastLoads(
    products: PreparedExampleProduct[],
  ): Promise<Map<string, number | undefined>> {
    const { adapter, platform } = this.options;
    const byDatabase = new Map<string, ExampleTableTarget[]>();
    for (const t of products.flatMap(p => p.tables)) {
      byDatabase.set(t.database, [...(byDatabase.get(t.database) ?? []), t]);
    }
    const result = new Map<string, number | undefined>();
    for (const [database, tables] of byDatabase) {
      const stats = await adapter.tableStats(
        database,
        tables.map(t => ({ schema: t.schema, table: t.table })),
        { loadedAtColumn: platform.metadataColumns.loadedAt },
      );
      stats.forEach((s, i) => {
        const at = s.lastAltered ? Date.parse(s.lastAltered) : NaN;
        result.set(
          keyOf(tables[i]),
          s.exists && Number.isFinite(at) ? at : undefined,
        );
      });
    }
    return result;
  }

  /**
   * Run the pipelines at `now`: every table whose last load is not the
   * latest scheduled one gets that load (one full refresh, stamped with the
   * scheduled time). `lastLoads` is read from the warehouse when not
   * given, and updated in place, so a backfill reads it once.
   * @returns the number of refreshes written.
   */
  async run(
    products: PreparedExampleProduct[],
    now: number,
    lastLoads?: Map<string, number | undefined>,
  ): Promise<number> {
    const runner = this.runner();
    const quote = (name: string) =>
      this.options.adapter.dialect.quoteIdentifier(name);
    const loads = lastLoads ?? (await this.lastLoads(products));
    let written = 0;
    for (const p of products) {
      const due = latestLoadAt(p.activity, now);
      if (due === undefined) continue;
      for (const t of p.tables) {
        // not `last < due`: a replay from an earlier instant (the SLO
        // history was deleted, the warehouse kept) rewinds the table too
        if (loads.get(keyOf(t)) === due) continue;
        const d = p.activity.datasets[t.dataset];
        await runner.queryAs(
          p.provisioned.roles.service,
          refreshSql(t.example, quote, {
            loadedAt: due,
            rows: rowsForLoad(p.activity, t.dataset, due),
            recordType: d.recordType ?? t.dataset,
            sourceSystem: p.activity.sourceSystem,
          }),
          t.database,
        );
        loads.set(keyOf(t), due);
        written++;
      }
    }
    return written;
  }
}
