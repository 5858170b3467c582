/*
 * Real warehouses for the SLO tests: the embedded PGlite of the postgres
 * module always, and a PostgreSQL server when DATAMESH_TEST_PG_URL is set.
 * Products are provisioned with the real planner (plan + apply), and their
 * tables are written with plain SQL the way a pipeline would.
 */
import { randomBytes } from 'node:crypto';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type WarehouseAdapter,
  applyPlan,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
  openPgConnection,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { warehouseServiceProbe as warehouseServiceProbeOf } from '../testUtils';

export interface TestWarehouse {
  name: string;
  adapter: PostgresWarehouseAdapter;
  platform: PlatformConfig;
  /** Unique per run; prefix domain names with it so runs on a shared server never collide. */
  id: string;
  /** Queries sent to the warehouse so far, counted by the connection. */
  queryCount(): number;
  cleanup(): Promise<void>;
}

export const warehouseFactories: [string, () => Promise<TestWarehouse>][] = [
  [
    'PGlite',
    async () => {
      const adapter = await createPgliteWarehouseAdapter({ inMemory: true });
      const id = `t${randomBytes(3).toString('hex')}`;
      return {
        name: 'PGlite',
        adapter,
        platform: platformConfig(),
        id,
        queryCount: () => adapter.connection.queryCount,
        cleanup: () => adapter.close(),
      };
    },
  ],
];

const pgUrl = process.env.DATAMESH_TEST_PG_URL;
if (pgUrl) {
  warehouseFactories.push([
    'PostgreSQL server',
    async () => {
      const id = `t${randomBytes(3).toString('hex')}`;
      const adapter = await createPostgresWarehouseAdapter({
        connection: pgUrl,
        layout: 'database',
      });
      return {
        name: 'PostgreSQL server',
        adapter,
        platform: platformConfig({ organization: id }),
        id,
        queryCount: () => adapter.connection.queryCount,
        async cleanup() {
          await adapter.close();
          // everything this run made carries its id: databases start with
          // the organisation, roles with the domain
          const admin = await openPgConnection(pgUrl);
          try {
            for (const { datname } of await admin.query<{ datname: string }>(
              'select datname from pg_database where datname like $1',
              [`${id}\\_%`],
            )) {
              await admin.query(
                `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`,
              );
            }
            for (const { rolname } of await admin.query<{ rolname: string }>(
              'select rolname from pg_roles where rolname like $1',
              [`${id}%`],
            )) {
              await admin.query(`DROP OWNED BY "${rolname}"`);
              await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
            }
          } finally {
            await admin.close();
          }
        },
      };
    },
  ]);
}

/** A product with one dataset `events` and the given objectives. */
export function sloProduct(
  name: string,
  domain: string,
  slos: NonNullable<DataProductEntityV1alpha1['spec']['slos']>,
  owner = 'group:default/data-team',
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'default', title: name.toUpperCase() },
    spec: {
      type: 'source-aligned',
      lifecycle: 'experimental',
      owner,
      domain: `domain:default/${domain}`,
      certified: false,
      datasets: [
        { name: 'events', columns: [{ name: 'id', type: 'integer' }] },
      ],
      slos,
    },
  };
}

/** Provision products (databases, schemas, roles) with the real planner. */
export async function provision(
  w: { adapter: WarehouseAdapter; platform: PlatformConfig },
  products: DataProductEntityV1alpha1[],
): Promise<void> {
  const { plan, issues } = await planProducts(products, w.platform, w.adapter);
  if (!plan) throw new Error(issues.map(i => i.message).join('; '));
  const result = await applyPlan(plan, w.adapter);
  if (result.error) throw new Error(result.error.message);
}

/** Where the SLO engine looks for a product's `events` table (the output schema). */
export function eventsTable(
  w: { platform: PlatformConfig },
  product: string,
  domain: string,
) {
  return {
    database: `${w.platform.organization}_${domain.replace(/-/g, '_')}_dev`,
    schema: `${product.replace(/-/g, '_')}_output`,
    table: 'events',
  };
}

/** Replace a table's content with `rows` rows loaded at `loadedAt`, as a full refresh does. */
export async function loadTable(
  adapter: PostgresWarehouseAdapter,
  t: { database: string; schema: string; table: string },
  rows: number,
  loadedAt: number,
): Promise<void> {
  const name = adapter.dialect.qualifiedTable(
    { database: t.database, schema: t.schema },
    t.table,
  );
  const at = new Date(loadedAt).toISOString();
  await adapter.execute([
    {
      sql: `CREATE TABLE IF NOT EXISTS ${name} (id integer, loaded_at timestamptz)`,
      database: t.database,
    },
    { sql: `TRUNCATE ${name}`, database: t.database },
    {
      sql: `INSERT INTO ${name} SELECT g, '${at}'::timestamptz FROM generate_series(1, ${Math.floor(
        rows,
      )}) AS g`,
      database: t.database,
    },
  ]);
}

/** The adapter, with `tableStats` calls recorded (it delegates everything). */
export function recordingAdapter(adapter: WarehouseAdapter) {
  const statsCalls: { database: string; tables: number }[] = [];
  const recorded: WarehouseAdapter = {
    dialect: adapter.dialect,
    capabilities: adapter.capabilities,
    defaultParentRole: adapter.defaultParentRole,
    introspect: scope => adapter.introspect(scope),
    execute: statements => adapter.execute(statements),
    tableStats: (database, tables, options) => {
      statsCalls.push({ database, tables: tables.length });
      return adapter.tableStats(database, tables, options);
    },
    sandboxClone: requests => adapter.sandboxClone(requests),
    schemasMarked: (database, prefix) =>
      adapter.schemasMarked(database, prefix),
    close: () => adapter.close(),
  };
  return { adapter: recorded, statsCalls };
}

/** The backend's warehouse, as the postgres module's adapter (see testUtils). */
export const warehouseServiceProbe = () =>
  warehouseServiceProbeOf<PostgresWarehouseAdapter>();
