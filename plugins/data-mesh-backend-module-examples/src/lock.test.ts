import knexFactory, { type Knex } from 'knex';
import { createTestDatabases } from './__testUtils__/databases';
import { oneReplicaAtATime } from './lock';

const databases = createTestDatabases();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe.each(databases.eachSupportedId())(
  'oneReplicaAtATime on %s',
  databaseId => {
    const pools: Knex[] = [];
    afterAll(async () => {
      for (const pool of pools) await pool.destroy();
    });

    it('runs the same work in one replica at a time, other work alongside', async () => {
      const db = await databases.init(databaseId);
      const isPostgres = databaseId.startsWith('POSTGRES');
      // a second process has its own connection pool on the same database
      const replicas = [db];
      if (isPostgres) {
        const other = knexFactory({
          client: db.client.config.client,
          connection: db.client.config.connection,
        });
        pools.push(other);
        replicas.push(other);
      }
      const runs: { name: string; start: number; end: number }[] = [];
      const work = (replica: Knex, name: string) =>
        oneReplicaAtATime(replica, name, async () => {
          const start = Date.now();
          await sleep(300);
          runs.push({ name, start, end: Date.now() });
          return name;
        });
      const results = await Promise.all([
        ...replicas.map(r => work(r, 'examples')),
        work(replicas[replicas.length - 1], 'other'),
      ]);
      expect(results).toEqual([...replicas.map(() => 'examples'), 'other']);
      const examples = runs
        .filter(r => r.name === 'examples')
        .sort((a, b) => a.start - b.start);
      for (let i = 1; i < examples.length; i++) {
        expect(examples[i].start).toBeGreaterThanOrEqual(examples[i - 1].end);
      }
      const other = runs.find(r => r.name === 'other')!;
      // another name does not wait for the examples
      expect(other.start).toBeLessThan(examples[0].end);
    });
  },
);
