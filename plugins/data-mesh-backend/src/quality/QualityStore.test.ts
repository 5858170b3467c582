/*
 * Data-quality results on SQLite and PostgreSQL: the latest result of each
 * check found by aggregation among many runs, who measured a reported one,
 * history bounded by time, pruning, and where each product's checks stand
 * — replaced by a run over every product, updated by a run over one,
 * forgotten when it has no checks.
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
    // a pipeline's result, with who reported it and its run
    await store.record([
      {
        ...result(VISITS, 'events.id:unique', 250, 'passed', 0),
        measuredBy: {
          source: 'cli',
          actor: 'service:external:ci',
          reference: 'https://ci.example.com/runs/7',
        },
      },
    ]);
    const latest = await store.latest([VISITS]);
    expect([...latest.keys()]).toEqual([VISITS]);
    expect(
      [...latest.get(VISITS)!.values()]
        .map(r => [r.checkKey, r.checkedAt, r.status, r.value])
        .sort(),
    ).toEqual([
      ['events.id:unique', 250, 'passed', 0],
      ['events:rowCount', 200, 'failed', 0],
    ]);
    expect(latest.get(VISITS)!.get('events.id:unique')?.measuredBy).toEqual({
      source: 'cli',
      actor: 'service:external:ci',
      reference: 'https://ci.example.com/runs/7',
    });
    expect(latest.get(VISITS)!.get('events:rowCount')?.measuredBy).toBe(
      undefined,
    );
    expect(
      (await store.latest([VISITS, WARDS])).get(WARDS)?.get('beds:rowCount'),
    ).toEqual({
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
      ['events.id:unique', 250],
      ['events:rowCount', 200],
    ]);
    expect(await store.prune(150)).toBe(3);
    expect((await store.latest([WARDS])).has(WARDS)).toBe(false);
    expect(await store.latest([])).toEqual(new Map());
  });

  it('remembers where each product’s checks stand, per owner', async () => {
    const clinical = 'group:default/clinical';
    const summary = (
      product: string,
      owner: string,
      checkedAt: number,
      failing: string[],
      more: { checks?: number; warnings?: string[] } = {},
    ) => ({
      product,
      owner,
      checkedAt,
      checks: more.checks ?? 3,
      failing,
      warnings: more.warnings ?? [],
    });
    await store.summarize(
      [
        summary(VISITS, clinical, 1, ['a']),
        summary(WARDS, 'Group:default/Clinical', 1, [], { warnings: ['w'] }),
      ],
      { replaceAll: true },
    );
    expect(await store.failingOwnedBy([clinical])).toEqual([
      summary(VISITS, clinical, 1, ['a']),
    ]);
    expect(await store.summaries()).toEqual([
      summary(VISITS, clinical, 1, ['a']),
      summary(WARDS, clinical, 1, [], { warnings: ['w'] }),
    ]);
    // one product measured now: the others stay as they were
    await store.summarize([summary(WARDS, clinical, 2, ['b'])], {
      replaceAll: false,
    });
    expect(
      (await store.failingOwnedBy(['GROUP:default/clinical'])).map(
        p => p.product,
      ),
    ).toEqual([VISITS, WARDS]);
    // a product whose spec dropped its checks: nothing stands failing
    await store.summarize([summary(VISITS, clinical, 3, [], { checks: 0 })], {
      replaceAll: false,
    });
    expect((await store.summaries()).map(p => p.product)).toEqual([WARDS]);
    // a run over every product forgets those it did not list
    await store.summarize([summary(WARDS, clinical, 3, [])], {
      replaceAll: true,
    });
    expect(await store.failingOwnedBy([clinical])).toEqual([]);
    expect(await store.failingOwnedBy([])).toEqual([]);
    expect(await store.summaries()).toEqual([summary(WARDS, clinical, 3, [])]);
  });
});
