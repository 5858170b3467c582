/*
 * Benchmark of data-quality counting (data-mesh-node quality.ts): the
 * checks of N tables counted as the portal counts them — one statement per
 * database (chunks of 100 tables), each table scanned once — against the
 * baseline of one statement per table, in the same process, on the real
 * PGlite adapter (and the local PostgreSQL server with `--db pg`).
 *
 *   npm run bench:quality -- [--tables 1000] [--rows 200] [--runs 5] [--db pglite,pg]
 *
 * Each table has four checks' worth of measures (rows, non-null, distinct,
 * values outside a list). Prints per database the medians of both ways, the
 * ratio, and the statements each sent (counted at the connection). A
 * benchmark, not a test: nothing here runs under `npm test`.
 */
import { performance } from 'node:perf_hooks';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import type {
  QualityTableRequest,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import type { QualityMeasure } from '@datamesh/plugin-data-mesh-common';
import { median } from '../median';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const TABLES = Number(arg('tables', '1000'));
const ROWS = Number(arg('rows', '200'));
const RUNS = Number(arg('runs', '5'));
const DBS = arg('db', 'pglite').split(',');
const PG_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const DATABASE = `bench_quality_${process.pid}`;
const SCHEMA = 'tables';

const MEASURES: QualityMeasure[] = [
  { kind: 'rows' },
  { kind: 'nonNull', column: 'ward' },
  { kind: 'distinct', column: 'id' },
  { kind: 'notInList', column: 'ward', values: ['north', 'south', 'east'] },
];

async function open(db: string): Promise<PostgresWarehouseAdapter> {
  if (db === 'pglite') return createPgliteWarehouseAdapter({ inMemory: true });
  return createPostgresWarehouseAdapter({
    connection: PG_URL,
    layout: 'database',
  });
}

async function setUp(adapter: PostgresWarehouseAdapter) {
  const c = adapter.connection;
  const physical = adapter.dialect.physicalDatabase(DATABASE);
  if (physical) await c.query(`CREATE DATABASE "${physical}"`);
  const schema = adapter.dialect.qualifiedSchema({
    database: DATABASE,
    schema: SCHEMA,
  });
  await c.query(`CREATE SCHEMA ${schema}`, [], physical);
  for (let i = 0; i < TABLES; i++) {
    const table = adapter.dialect.qualifiedTable(
      { database: DATABASE, schema: SCHEMA },
      `t${i}`,
    );
    await c.query(
      `CREATE TABLE ${table} AS SELECT g AS id, (ARRAY['north','south','east','west',NULL])[1 + g % 5] AS ward FROM generate_series(1, ${ROWS}) g`,
      [],
      physical,
    );
  }
  return physical;
}

async function measure(
  adapter: WarehouseAdapter & { connection: { queryCount: number } },
  requests: QualityTableRequest[],
  perTable: boolean,
) {
  const before = adapter.connection.queryCount;
  const start = performance.now();
  const readings = [];
  if (perTable) {
    for (const r of requests) {
      readings.push(...(await adapter.measureQuality!(DATABASE, [r])));
    }
  } else {
    readings.push(...(await adapter.measureQuality!(DATABASE, requests)));
  }
  const ms = performance.now() - start;
  const failed = readings.filter(r => r.error);
  if (failed.length) throw new Error(`not counted: ${failed[0].error}`);
  return {
    ms,
    statements: adapter.connection.queryCount - before,
    // what was counted, to compare the two ways
    counts: JSON.stringify(readings.map(r => [...r.counts!])),
  };
}

async function main() {
  console.log(
    `data-quality counting: ${TABLES} tables × ${ROWS} rows, ${MEASURES.length} measures a table, ${RUNS} runs each, warm-up 1`,
  );
  for (const db of DBS) {
    const adapter = await open(db);
    let physical: string | undefined;
    try {
      const t0 = performance.now();
      physical = await setUp(adapter);
      console.log(
        `${db}: tables made in ${((performance.now() - t0) / 1000).toFixed(
          1,
        )} s`,
      );
      const requests = Array.from({ length: TABLES }, (_, i) => ({
        schema: SCHEMA,
        table: `t${i}`,
        measures: MEASURES,
      }));
      const batched: number[] = [];
      const single: number[] = [];
      let statements = { batched: 0, single: 0 };
      for (let run = 0; run <= RUNS; run++) {
        // interleaved, so drift of the machine lands on both
        const b = await measure(adapter, requests, false);
        const s = await measure(adapter, requests, true);
        if (b.counts !== s.counts) {
          throw new Error('the two ways counted differently');
        }
        if (run === 0) continue; // warm-up
        batched.push(b.ms);
        single.push(s.ms);
        statements = { batched: b.statements, single: s.statements };
      }
      const mb = median(batched);
      const ms = median(single);
      console.log(
        `${db}: one statement per database (chunks of 100): median ${mb.toFixed(
          0,
        )} ms, ${
          statements.batched
        } statements; one per table: median ${ms.toFixed(0)} ms, ${
          statements.single
        } statements; per table / per database ${(ms / mb).toFixed(2)}×`,
      );
    } finally {
      if (physical && db !== 'pglite') {
        await adapter.connection.release(physical);
        await adapter.connection.query(`DROP DATABASE "${physical}"`);
      }
      await adapter.close();
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
