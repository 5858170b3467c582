/*
 * What PostgreSQL's sandbox copy (there is no zero-copy clone) keeps of a
 * table beyond plain columns, on PGlite and, with DATAMESH_TEST_PG_URL, the
 * real server: rows of a table with an identity column that is GENERATED
 * ALWAYS, a stored generated column and a serial column — common in raw
 * tables an ingestion tool loads — are copied; the identity and the serial
 * go on after the copied values (the serial from a sequence of the copy's,
 * so the branch's writes leave the product's sequence alone), and the
 * generated column is computed again. A column whose default draws on a
 * sequence it does not own (one the schema's tables share) gets a numbering
 * of the copy's own too.
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
  it('copies identity, serial and generated columns: values kept and numbering going on after them on its own, generated ones computed', async () => {
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
      // a sequence the schema's tables share, owned by none of them
      const batches = h.adapter.dialect.qualifiedTable(
        { database: db, schema: names.outputSchema },
        'batches',
      );
      await service(`CREATE SEQUENCE ${batches}`);
      await service(
        `CREATE TABLE ${source} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kwh int NOT NULL, wh int GENERATED ALWAYS AS (kwh * 1000) STORED, seq serial, batch bigint DEFAULT nextval('${batches}'), label text DEFAULT 'b' || nextval('${batches}'))`,
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
        (
          await service(
            `SELECT id, kwh, wh, seq, batch FROM ${copy} ORDER BY id`,
          )
        ).map(r => [
          Number(r.id),
          Number(r.kwh),
          Number(r.wh),
          Number(r.seq),
          Number(r.batch),
        ]);
      // batches 1..6 were drawn two a row: the batch column took 1, 3, 5
      expect(await rows()).toEqual([
        [2, 2, 2000, 2, 3],
        [3, 5, 5000, 3, 5],
      ]);
      // the branch's pipeline adds a row: the next id, not a clash with a copied one
      await service(`INSERT INTO ${copy} (kwh) VALUES (7)`);
      // (the batch from the copy's sequence, which went on from the product's 6)
      expect(await rows()).toEqual([
        [2, 2, 2000, 2, 3],
        [3, 5, 5000, 3, 5],
        [4, 7, 7000, 4, 7],
      ]);
      // the copy's serial and plain sequence default drew on sequences of
      // its own: the product's next row is numbered as if the branch had
      // written nothing (the label, an expression, still draws on the
      // product's sequence: that one is left as the product declared it)
      await service(`INSERT INTO ${source} (kwh) VALUES (9)`);
      expect(
        (
          await service(`SELECT id, seq, batch FROM ${source} WHERE kwh = 9`)
        ).map(r => [Number(r.id), Number(r.seq), Number(r.batch)]),
      ).toEqual([[4, 4, 8]]);
    } finally {
      await h.cleanup();
    }
  }, 120_000);
});
