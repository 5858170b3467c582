import type { MonitorRecord } from '../SloStore';
import { observationsFromStats } from './checks';
import { tableKey } from './stats';

const H = 3_600_000;
const now = Date.UTC(2026, 0, 2);
const table = {
  database: 'acme_shop_dev',
  schema: 'orders_output',
  table: 'events',
};

function monitor(
  id: number,
  dimension: MonitorRecord['dimension'],
): MonitorRecord {
  return {
    id,
    entityRef: 'dataproduct:default/orders',
    namespace: 'default',
    name: 'orders',
    sloName: dimension,
    dimension,
    objective: dimension,
    target: 0.8,
    window: '20d',
    slice: '1d',
    windowMs: 20 * 24 * H,
    sliceMs: 24 * H,
    maxAgeMs: 26 * H,
    table,
  };
}

describe('observationsFromStats', () => {
  it('says which time freshness was measured on, when the warehouse says', () => {
    const monitors = [monitor(1, 'freshness'), monitor(2, 'availability')];
    const observe = (freshnessSource?: 'loaded_at' | 'last_altered') =>
      observationsFromStats({
        monitors,
        stats: new Map([
          [
            tableKey(table),
            {
              exists: true,
              rowCount: 5,
              lastAlteredAt: now - H,
              freshnessSource,
            },
          ],
        ]),
        completeness: new Map(),
        now,
        defaultTolerance: 0.05,
      });
    const [fresh, available] = observe('last_altered');
    expect(fresh).toMatchObject({
      passed: true,
      details: { freshnessSource: 'last_altered' },
    });
    // only freshness is about that time
    expect(available.details).toBeUndefined();
    expect(observe('loaded_at')[0].details).toEqual({
      freshnessSource: 'loaded_at',
    });
    expect(observe()[0].details).toBeUndefined();
  });
});
