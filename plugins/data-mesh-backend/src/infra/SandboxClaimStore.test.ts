/*
 * The claims of sandbox creations under way, on SQLite and PostgreSQL: one
 * holder per product and branch at a time, even when two instances claim
 * at once; a claim left by an instance that died is taken over once stale.
 */
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { SandboxClaimStore } from './SandboxClaimStore';

const databases = createTestDatabases();
const P = 'dataproduct:default/visits';

describe.each(databases.eachSupportedId())('SandboxClaimStore on %s', id => {
  let knex: Knex;
  let store: SandboxClaimStore;
  // each claim's id is its claimant's name and time: the tests name them back
  const claim = (by: string, now: number, branch = 'feat_x') =>
    store.claim({
      id: `${by}@${now}`,
      product: P,
      branch,
      by,
      since: now,
      change: 'create',
      staleBefore: now - 1000,
    });
  const holder = (by: string, since: number, branch = 'feat_x') => ({
    id: `${by}@${since}`,
    product: P,
    branch,
    by,
    since,
    change: 'create',
  });

  beforeAll(async () => {
    knex = await databases.init(id);
    // the plugin's migrations, the claims' table among them
    await AccessRequestStore.create({ getClient: async () => knex });
    store = new SandboxClaimStore(knex);
  });

  beforeEach(() => knex('data_mesh_sandbox_claims').delete());

  it('gives a branch to one claimant at a time, and frees it on release', async () => {
    expect(await claim('user:default/aisha', 10_000)).toBeUndefined();
    expect(await claim('user:default/omar', 10_500)).toEqual(
      holder('user:default/aisha', 10_000),
    );
    // another branch of the product is its own
    expect(await claim('user:default/omar', 10_500, 'feat_y')).toBeUndefined();
    await store.release(P, 'user:default/aisha@10000');
    expect(await claim('user:default/omar', 10_600)).toBeUndefined();
  });

  it('keeps a refreshed claim and takes over a stale one', async () => {
    expect(await claim('user:default/aisha', 10_000)).toBeUndefined();
    expect(await store.refresh(P, 'user:default/aisha@10000', 10_800)).toBe(
      true,
    );
    // 1.5 s after it began, 0.7 s after its refresh: still held
    expect(await claim('user:default/omar', 11_500)).toEqual(
      holder('user:default/aisha', 10_000),
    );
    // no refresh for longer than a second: its holder stopped
    expect(await claim('user:default/omar', 12_000)).toBeUndefined();
    expect(await claim('user:default/aisha', 12_100)).toEqual(
      holder('user:default/omar', 12_000),
    );
    // the stopped holder neither keeps nor ends its successor's claim
    expect(await store.refresh(P, 'user:default/aisha@10000', 12_200)).toBe(
      false,
    );
    await store.release(P, 'user:default/aisha@10000');
    expect(await store.get(P, 'user:default/omar@12000', 0)).toEqual(
      holder('user:default/omar', 12_000),
    );
  });

  it('keeps what a claim is for and where it runs, and lists the held ones', async () => {
    await store.claim({
      id: 'ci-1',
      product: P,
      branch: 'feat_y',
      by: 'service:external:ci',
      since: 20_000,
      change: 'delete',
      source: 'cli',
      reference: 'https://ci.example.com/runs/7',
      staleBefore: 19_000,
    });
    await claim('user:default/aisha', 20_500);
    expect(await store.ofProduct(P, 19_900)).toEqual([
      {
        id: 'ci-1',
        product: P,
        branch: 'feat_y',
        by: 'service:external:ci',
        since: 20_000,
        change: 'delete',
        source: 'cli',
        reference: 'https://ci.example.com/runs/7',
      },
      holder('user:default/aisha', 20_500),
    ]);
    // one not refreshed since is not listed, nor found by its id
    expect(await store.ofProduct(P, 20_100)).toEqual([
      holder('user:default/aisha', 20_500),
    ]);
    expect(await store.get(P, 'ci-1', 20_100)).toBeUndefined();
  });

  it('gives a branch claimed by many at once to exactly one', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claim(`user:default/u${i}`, 20_000)),
    );
    expect(results.filter(r => r === undefined)).toHaveLength(1);
    const winner = results.find(r => r !== undefined)!.by;
    expect(results.filter(r => r?.by === winner)).toHaveLength(7);
  });
});
