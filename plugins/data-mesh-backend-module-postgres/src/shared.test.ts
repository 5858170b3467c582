import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getSharedPgliteAdapter } from './shared';

describe('getSharedPgliteAdapter', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'datamesh-shared-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('gives every opener of one directory the same instance, and closes it with the last handle', async () => {
    const a = await getSharedPgliteAdapter({ dataDir });
    // a relative spelling of the same directory is the same instance
    const b = await getSharedPgliteAdapter({
      dataDir: path.relative(process.cwd(), dataDir),
    });

    await a.connection.query('CREATE TABLE shared_t (id INT)');
    await b.connection.query('INSERT INTO shared_t VALUES (1)');
    const before = a.connection.queryCount;
    expect(
      await a.connection.query('SELECT count(*)::int AS n FROM shared_t'),
    ).toEqual([{ n: 1 }]);
    expect(b.connection.queryCount).toBe(before + 1);

    await a.close();
    await a.close(); // twice is harmless and does not release b's hold
    expect(() => a.connection.query('SELECT 1')).toThrow(/closed/);
    expect(
      await b.connection.query('SELECT count(*)::int AS n FROM shared_t'),
    ).toEqual([{ n: 1 }]);
    await b.close();

    // a fresh instance after the last close reads what was persisted
    const c = await getSharedPgliteAdapter({ dataDir });
    expect(
      await c.connection.query('SELECT count(*)::int AS n FROM shared_t'),
    ).toEqual([{ n: 1 }]);
    expect(c.connection.queryCount).toBe(1);
    await c.close();
  }, 60_000);
});
