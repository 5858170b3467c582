/*
 * What PostgreSQL's sandbox copy (there is no zero-copy clone) keeps of a
 * table beyond plain columns, on PGlite and, with DATAMESH_TEST_PG_URL, the
 * real server: rows of a table with an identity column that is GENERATED
 * ALWAYS and a stored generated column — common in raw tables an
 * ingestion tool loads — are copied, the identity goes on after the copied
 * values, and the generated column is computed again.
 */
import {
  createSandbox,
  sandboxSchemaName,
} from '@datamesh/plugin-data-mesh-node';
import {
  provisionWithRows,
  testDataProduct,
} from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  pgliteHarness,
  postgresServerHarnesses,
} from './__testUtils__/harnesses';

describe.each([
  ['PGlite', pgliteHarness('g')],
  ...postgresServerHarnesses('g'),
])('sandbox copy on %s', (_name, makeHarness) => {
  it('copies identity and generated columns: identity values kept and going on after them, generated ones computed', async () => {
    const h = await makeHarness();
    try {
      const names = await provisionWithRows(
        h,
        testDataProduct('meters', `${h.domainPrefix}_gen`),
      );
      const db = names.database;
      const table = (schema: string) =>
        h.adapter.dialect.qualifiedTable({ database: db, schema }, 'readings');
      const source = table(names.outputSchema);
      const service = (sql: string) =>
        h.queryAs(names.roles.service, db, sql) as Promise<
          Record<string, unknown>[]
        >;
      await service(
        `CREATE TABLE ${source} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kwh int NOT NULL, wh int GENERATED ALWAYS AS (kwh * 1000) STORED)`,
      );
      await service(`INSERT INTO ${source} (kwh) VALUES (1), (2)`);
      await service(`DELETE FROM ${source} WHERE id = 1`);
      await service(`INSERT INTO ${source} (kwh) VALUES (5)`);

      const made = await createSandbox(h.adapter, names, {
        suffix: 'feat_gen',
        layers: ['output'],
      });
      expect(made.layers.map(l => l.tables)).toEqual([2]);
      const copy = table(sandboxSchemaName(names.outputSchema, 'feat_gen'));
      const rows = async () =>
        (await service(`SELECT id, kwh, wh FROM ${copy} ORDER BY id`)).map(
          r => [Number(r.id), Number(r.kwh), Number(r.wh)],
        );
      expect(await rows()).toEqual([
        [2, 2, 2000],
        [3, 5, 5000],
      ]);
      // the branch's pipeline adds a row: the next id, not a clash with a copied one
      await service(`INSERT INTO ${copy} (kwh) VALUES (7)`);
      expect(await rows()).toEqual([
        [2, 2, 2000],
        [3, 5, 5000],
        [4, 7, 7000],
      ]);
      // the product's own table is untouched
      expect(
        (await service(`SELECT count(*) AS n FROM ${source}`)).map(r =>
          Number(r.n),
        ),
      ).toEqual([2]);
    } finally {
      await h.cleanup();
    }
  }, 120_000);
});
