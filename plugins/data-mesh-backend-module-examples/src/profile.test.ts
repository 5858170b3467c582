import fs from 'node:fs';
import path from 'node:path';
import { formatIssue } from '@datamesh/plugin-data-mesh-common';
import {
  type ExampleProductActivity,
  latestLoadAt,
  parseActivityProfile,
  rowsForLoad,
} from './profile';

const H = 60 * 60_000;
const at = (d: number, h = 0, m = 0) => Date.UTC(2025, 0, d, h, m); // 1 Jan 2025 is a Wednesday

function product(
  overrides: Partial<ExampleProductActivity> = {},
): ExampleProductActivity {
  return {
    name: 'p',
    sourceSystem: 'src',
    refresh: { everyMs: H, atMs: 0 },
    datasets: { d: { rows: 1000, jitter: 0 } },
    ...overrides,
  };
}

describe('parseActivityProfile', () => {
  it('reads the example profile without issues', () => {
    const file = path.resolve(
      __dirname,
      '../../../examples/warehouse/activity.yaml',
    );
    const { profile, issues } = parseActivityProfile(
      fs.readFileSync(file, 'utf8'),
      file,
    );
    expect(issues.map(formatIssue)).toEqual([]);
    expect(profile!.products).toHaveLength(10);
    const ehr = profile!.products.find(p => p.name === 'ehr-encounters')!;
    expect(ehr.missesOn).toEqual(['sat', 'sun']);
    expect(ehr.refresh).toEqual({ everyMs: H, atMs: 0 });
  });

  it('reports problems by file, path and line', () => {
    const text = [
      'products:', // 1
      '  orders:', // 2
      '    sourceSystem: "it\'s"', // 3
      '    refresh: { every: 1 day, at: 2h }', // 4
      '    datasets:', // 5
      '      lines: { rows: 10, colour: red }', // 6
    ].join('\n');
    const { profile, issues } = parseActivityProfile(text, 'activity.yaml');
    expect(profile).toBeUndefined();
    expect(issues.map(formatIssue).sort()).toEqual([
      "activity.yaml: products.orders.datasets.lines: Unrecognized key(s) in object: 'colour' (line 6, column 14)",
      'activity.yaml: products.orders.refresh.every: write a whole number and m, h, d or w, e.g. 1h or 1d (line 4, column 23)',
      'activity.yaml: products.orders.sourceSystem: letters, digits and _ . : + / - only (at most 64) (line 3, column 19)',
    ]);
  });

  it('refuses an offset that is not inside the period, and names that are not identifiers', () => {
    const { issues } = parseActivityProfile(
      [
        'products:',
        '  Orders:',
        '    sourceSystem: erp',
        '    refresh: { every: 1h, at: 2h }',
        '    datasets: { lines: { rows: 10 } }',
      ].join('\n'),
    );
    expect(issues.map(i => i.path).sort()).toEqual([
      'products.Orders',
      'products.Orders.refresh.at',
    ]);
  });
});

describe('latestLoadAt', () => {
  it('finds the latest run, skipping the weekdays the pipeline misses', () => {
    const p = product({ missesOn: ['sat', 'sun'] });
    expect(latestLoadAt(p, at(8, 10, 30))).toBe(at(8, 10)); // Wednesday
    expect(latestLoadAt(p, at(8, 10))).toBe(at(8, 10)); // a run at the instant counts
    expect(latestLoadAt(p, at(11, 12))).toBe(at(10, 23)); // Saturday: Friday's last run
    expect(latestLoadAt(p, at(12, 23, 59))).toBe(at(10, 23));
    expect(latestLoadAt(p, at(13, 0, 30))).toBe(at(13, 0)); // Monday
  });

  it('follows offsets, weekdays and days of the month', () => {
    const daily = product({ refresh: { everyMs: 24 * H, atMs: 5 * H } });
    expect(latestLoadAt(daily, at(8, 4, 59))).toBe(at(7, 5));
    expect(latestLoadAt(daily, at(8, 5))).toBe(at(8, 5));
    const twiceWeekly = product({
      refresh: { everyMs: 24 * H, atMs: 4 * H, weekdays: ['mon', 'thu'] },
    });
    expect(latestLoadAt(twiceWeekly, at(15, 12))).toBe(at(13, 4)); // Wed → Mon
    expect(latestLoadAt(twiceWeekly, at(16, 4))).toBe(at(16, 4)); // Thu
    const monthly = product({
      refresh: { everyMs: 24 * H, atMs: 6 * H, monthDays: [3] },
    });
    expect(latestLoadAt(monthly, at(31))).toBe(at(3, 6));
    expect(latestLoadAt(monthly, Date.UTC(2025, 1, 3, 5))).toBe(at(3, 6));
    expect(latestLoadAt(monthly, Date.UTC(2025, 1, 3, 6))).toBe(
      Date.UTC(2025, 1, 3, 6),
    );
  });

  it('is undefined for a pipeline that never loads', () => {
    const never = product({
      missesOn: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    });
    expect(latestLoadAt(never, at(8))).toBeUndefined();
  });
});

describe('rowsForLoad', () => {
  it('is the same for the same load, within the jitter, and short on drop days', () => {
    const p = product({
      datasets: { d: { rows: 1000, jitter: 0.02 } },
      volumeDrop: { weekdays: ['tue'], factor: 0.6 },
    });
    const wednesdays = [8, 15, 22, 29].map(d => at(d, 5));
    for (const t of wednesdays) {
      expect(rowsForLoad(p, 'd', t)).toBe(rowsForLoad(p, 'd', t));
      expect(rowsForLoad(p, 'd', t)).toBeGreaterThanOrEqual(980);
      expect(rowsForLoad(p, 'd', t)).toBeLessThanOrEqual(1020);
    }
    // the volume varies from load to load
    expect(
      new Set(wednesdays.map(t => rowsForLoad(p, 'd', t))).size,
    ).toBeGreaterThan(1);
    const tuesday = rowsForLoad(p, 'd', at(14, 5));
    expect(tuesday).toBeGreaterThanOrEqual(588);
    expect(tuesday).toBeLessThanOrEqual(612);
    expect(rowsForLoad(p, 'unknown', at(14, 5))).toBe(0);
  });
});
