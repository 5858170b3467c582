/*
 * Large results as the real service sends them: the first rows inline, the
 * rest as gzip-encoded chunks the snowflake-sdk driver downloads itself from
 * the chunk URLs, sending back the result's SSE-C key (`chunkHeaders` /
 * `qrmk`).
 */
import http from 'node:http';
import { SnowflakeClient } from '../../client/SnowflakeClient';
import { FakeSnowflake } from './server';

describe('fake Snowflake result chunks', () => {
  let fake: FakeSnowflake;
  let client: SnowflakeClient;

  beforeEach(async () => {
    fake = await FakeSnowflake.start();
    client = new SnowflakeClient(fake.adminLogin());
    for (const sql of [
      'CREATE WAREHOUSE WH WITH WAREHOUSE_SIZE = XSMALL',
      'CREATE DATABASE D',
      'CREATE TABLE D.PUBLIC.T (ID NUMBER, NAME VARCHAR)',
    ])
      await client.query(sql);
  });
  afterEach(async () => {
    await client.destroy().catch(() => undefined);
    await fake.stop();
  });

  const chunkRequests = () =>
    fake.requests.filter(r => r.path.startsWith('/fake-stage/'));

  it('delivers a 10,000-row result complete and in order through the real driver, downloading its chunks', async () => {
    const values = Array.from(
      { length: 10_000 },
      (_, i) => `(${i + 1}, 'row ${i + 1}')`,
    ).join(', ');
    await client.query(`INSERT INTO D.PUBLIC.T (ID, NAME) VALUES ${values}`);

    const rows = await client.query('SELECT ID, NAME FROM D.PUBLIC.T');
    expect(rows).toHaveLength(10_000);
    expect(
      rows.every((r, i) => r.ID === i + 1 && r.NAME === `row ${i + 1}`),
    ).toBe(true);
    // 1,000 rows inline, then 3 chunks of up to 3,000
    expect(chunkRequests()).toHaveLength(3);

    // a small result stays inline
    expect(await client.query('SELECT COUNT(*) AS N FROM D.PUBLIC.T')).toEqual([
      { N: 10_000 },
    ]);
    expect(chunkRequests()).toHaveLength(3);
  });

  it('refuses a chunk download without the result key, as cloud storage does', async () => {
    const values = Array.from({ length: 1_500 }, (_, i) => `(${i}, 'x')`).join(
      ', ',
    );
    await client.query(`INSERT INTO D.PUBLIC.T (ID, NAME) VALUES ${values}`);
    await client.query('SELECT ID FROM D.PUBLIC.T');
    const [chunk] = chunkRequests();
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${fake.url}${chunk.path}`, res => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(403);
  });
});
