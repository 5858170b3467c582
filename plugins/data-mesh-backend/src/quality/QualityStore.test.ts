/*
 * Data-quality results on SQLite and PostgreSQL: the latest result of each
 * check found by aggregation among many runs, history bounded by time,
 * pruning, and what each product's latest run left failing — replaced by a
 * run over every product, updated by a run over one.
 */
import { createTestDatabases } from '../__testUtils__/databases';
import { QualityStore } from './QualityStore';

const databases = createTestDatabases();
const VISITS = 'dataproduct:default/visits';
const WARDS = 'dataproduct:default/wards';

describe.each(databases.eachSupportedId())('QualityStore on %s', id => {
  let store: QualityStore;
  beforeAll(async () => {
    const knex = await databases.init(id);
    store = await QualityStore.create({ getClient: async () => knex });
  });

  it('finds the latest result of each check, bounds the history and prunes', async () => {
    const result = (
      product: string,
      checkKey: string,
      checkedAt: number,
      status: 'passed' | 'failed' | 'error',
      value?: number,
    ) => ({
      product,
      checkKey,
      checkedAt,
      status,
      ...(value !== undefined ? { value, rows: 10 } : {}),
      message: `${status} at ${checkedAt}`,
    });
    await store.record([
      result(VISITS, 'events:rowCount', 100, 'passed', 10),
      result(VISITS, 'events.id:unique', 100, 'failed', 2),
      result(WARDS, 'beds:rowCount', 100, 'error'),
    ]);
    await store.record([
      result(VISITS, 'events:rowCount', 200, 'failed', 0),
      result(VISITS, 'events.id:unique', 200, 'passed', 0),
      // recorded twice (a retried run): kept once
      result(VISITS, 'events.id:unique', 200, 'passed', 0),
    ]);
    const latest = await store.latest([VISITS]);
    expect([...latest.keys()]).toEqual([VISITS]);
    expect(
      [...latest.get(VISITS)!.values()]
        .map(r => [r.checkKey, r.checkedAt, r.status, r.value])
        .sort(),
    ).toEqual([
      ['events.id:unique', 200, 'passed', 0],
      ['events:rowCount', 200, 'failed', 0],
    ]);
    expect((await store.latest()).get(WARDS)?.get('beds:rowCount')).toEqual({
      product: WARDS,
      checkKey: 'beds:rowCount',
      checkedAt: 100,
      status: 'error',
      message: 'error at 100',
    });
    expect(
      (await store.history(VISITS, 150)).map(r => [r.checkKey, r.checkedAt]),
    ).toEqual([
      ['events.id:unique', 200],
      ['events:rowCount', 200],
    ]);
    expect(await store.prune(150)).toBe(3);
    expect((await store.latest()).has(WARDS)).toBe(false);
  });

  it('remembers what each product’s latest run left failing, per owner', async () => {
    const clinical = 'group:default/clinical';
    await store.summarize(
      [
        { product: VISITS, owner: clinical, checkedAt: 1, failing: ['a'] },
        {
          product: WARDS,
          owner: 'Group:default/Clinical',
          checkedAt: 1,
          failing: [],
        },
      ],
      { replaceAll: true },
    );
    expect(await store.failingOwnedBy([clinical])).toEqual([
      { product: VISITS, owner: clinical, checkedAt: 1, failing: ['a'] },
    ]);
    // one product measured now: the others stay as they were
    await store.summarize(
      [{ product: WARDS, owner: clinical, checkedAt: 2, failing: ['b'] }],
      { replaceAll: false },
    );
    expect(
      (await store.failingOwnedBy(['GROUP:default/clinical'])).map(
        p => p.product,
      ),
    ).toEqual([VISITS, WARDS]);
    // a run over every product forgets those it did not list
    await store.summarize(
      [{ product: WARDS, owner: clinical, checkedAt: 3, failing: [] }],
      { replaceAll: true },
    );
    expect(await store.failingOwnedBy([clinical])).toEqual([]);
    expect(await store.failingOwnedBy([])).toEqual([]);
  });
});
