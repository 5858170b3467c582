/*
 * How a spec's own SQL check runs on PostgreSQL (`queryReadOnly`, behind
 * `runQualityQuery`): one statement, in a READ ONLY transaction that is
 * rolled back, stopped by statement_timeout on a real server (PGlite, one
 * process in WASM, does not enforce timeouts). On PGlite always, on the
 * server when DATAMESH_TEST_PG_URL is set.
 */
import {
  type PostgresConnection,
  openPgConnection,
  openPgliteConnection,
} from './connection';

const pgUrl = process.env.DATAMESH_TEST_PG_URL;
const connections: [string, () => Promise<PostgresConnection>][] = [
  ['PGlite', () => openPgliteConnection()],
  ...(pgUrl
    ? [
        ['PostgreSQL server', () => openPgConnection(pgUrl)] as [
          string,
          () => Promise<PostgresConnection>,
        ],
      ]
    : []),
];

describe.each(connections)('queryReadOnly on %s', (name, open) => {
  let connection: PostgresConnection;
  const table = `read_only_${process.pid}`;
  beforeAll(async () => {
    connection = await open();
    await connection.query(`CREATE TABLE ${table} (id INT)`);
    await connection.query(`INSERT INTO ${table} VALUES (1), (2)`);
  });
  afterAll(async () => {
    await connection?.query(`DROP TABLE IF EXISTS ${table}`);
    await connection?.close();
  });

  it('reads, and refuses to write or to run a second statement', async () => {
    expect(
      await connection.queryReadOnly(
        `SELECT COUNT(*)::int AS n FROM ${table}`,
        undefined,
        10_000,
      ),
    ).toEqual([{ n: 2 }]);
    await expect(
      connection.queryReadOnly(
        `WITH d AS (DELETE FROM ${table} RETURNING id) SELECT COUNT(*) FROM d`,
        undefined,
        10_000,
      ),
    ).rejects.toThrow(/read-only transaction/);
    await expect(
      connection.queryReadOnly(
        `SELECT 1; DELETE FROM ${table}`,
        undefined,
        10_000,
      ),
    ).rejects.toThrow(/multiple commands/);
    // nothing was written, and the connection is usable again
    expect(
      await connection.query(`SELECT COUNT(*)::int AS n FROM ${table}`),
    ).toEqual([{ n: 2 }]);
  });

  if (name !== 'PGlite') {
    it('stops a statement that runs past its time', async () => {
      const started = Date.now();
      await expect(
        connection.queryReadOnly('SELECT pg_sleep(5) AS slept', undefined, 200),
      ).rejects.toThrow(/statement timeout/);
      expect(Date.now() - started).toBeLessThan(4_000);
      // the setting was LOCAL to the rolled-back transaction
      expect(await connection.query('SHOW statement_timeout')).toEqual([
        { statement_timeout: '0' },
      ]);
    });
  }
});
