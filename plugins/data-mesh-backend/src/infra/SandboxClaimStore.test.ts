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
  const claim = (by: string, now: number, branch = 'feat_x') =>
    store.claim({ product: P, branch, by, now, staleBefore: now - 1000 });

  beforeAll(async () => {
    knex = await databases.init(id);
    // the plugin's migrations, the claims' table among them
    await AccessRequestStore.create({ getClient: async () => knex });
    store = new SandboxClaimStore(knex);
  });

  beforeEach(() => knex('data_mesh_sandbox_claims').delete());

  it('gives a branch to one claimant at a time, and frees it on release', async () => {
    expect(await claim('user:default/aisha', 10_000)).toBeUndefined();
    expect(await claim('user:default/omar', 10_500)).toEqual({
      by: 'user:default/aisha',
      since: 10_000,
    });
    // another branch of the product is its own
    expect(await claim('user:default/omar', 10_500, 'feat_y')).toBeUndefined();
    await store.release(P, 'feat_x');
    expect(await claim('user:default/omar', 10_600)).toBeUndefined();
  });

  it('keeps a refreshed claim and takes over a stale one', async () => {
    expect(await claim('user:default/aisha', 10_000)).toBeUndefined();
    await store.refresh(P, 'feat_x', 10_800);
    // 1.5 s after it began, 0.7 s after its refresh: still held
    expect(await claim('user:default/omar', 11_500)).toEqual({
      by: 'user:default/aisha',
      since: 10_000,
    });
    // no refresh for longer than a second: its instance died
    expect(await claim('user:default/omar', 12_000)).toBeUndefined();
    expect(await claim('user:default/aisha', 12_100)).toEqual({
      by: 'user:default/omar',
      since: 12_000,
    });
  });

  it('gives a branch claimed by many at once to exactly one', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claim(`user:default/u${i}`, 20_000)),
    );
    expect(results.filter(r => r === undefined)).toHaveLength(1);
    const holder = results.find(r => r !== undefined)!.by;
    expect(results.filter(r => r?.by === holder)).toHaveLength(7);
  });
});
