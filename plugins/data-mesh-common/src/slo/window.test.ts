import {
  type SliceCounts,
  evaluateTimeslices,
  isGoodSlice,
} from './timeslices';
import { type WindowShape, evaluateWindow, windowRanges } from './window';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 0, 1);

/** What the backend's SQL aggregation returns, computed over a slice list. */
function sumRanges(slices: SliceCounts[], now: number, shape: WindowShape) {
  const r = windowRanges(now, shape);
  const rows = (from: number, to: number) =>
    slices.filter(s => s.start >= from && s.start < to);
  const good = (list: SliceCounts[]) => list.filter(isGoodSlice).length;
  const current = slices.find(s => s.start === r.current);
  return {
    middleRows: rows(r.middleStart, r.current).length,
    middleGood: good(rows(r.middleStart, r.current)),
    oldestRows: rows(r.oldest, r.oldest + shape.sliceMs).length,
    oldestGood: good(rows(r.oldest, r.oldest + shape.sliceMs)),
    currentChecks: current?.checks ?? 0,
    currentPassed: current?.passed ?? 0,
    recentGoodWithCurrent: good(rows(r.recentWithCurrent, r.current)),
    recentGoodWithoutCurrent: good(rows(r.recentWithoutCurrent, r.current)),
  };
}

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('evaluateWindow', () => {
  const shape = { windowMs: 5 * D, sliceMs: D, recentSlices: 2 };
  const target = 0.8;

  it('counts a failed current slice and drops the oldest', () => {
    const slices = [0, 1, 2, 3, 4, 5].map(i => ({
      start: T0 + i * D,
      checks: 2,
      passed: i === 5 ? 1 : 2,
    }));
    const now = T0 + 5 * D + H;
    const e = evaluateWindow(
      { ...shape, now, target, firstObservedAt: T0 },
      sumRanges(slices, now, shape),
    );
    expect(e.plan.includesCurrent).toBe(true);
    expect(e.plan.start).toBe(T0 + D);
    expect([e.good, e.total, e.noData, e.status]).toEqual([4, 5, 0, 'ok']);
    expect(e.burnRate.recent).toBe(2.5);
  });

  it('shortens the window to the first observation and counts gaps as no data', () => {
    const slices = [{ start: T0 + 3 * D, checks: 1, passed: 1 }];
    const now = T0 + 5 * D + H;
    const e = evaluateWindow(
      { ...shape, now, target, firstObservedAt: T0 + 3 * D + H },
      sumRanges(slices, now, shape),
    );
    expect([e.plan.start, e.plan.end]).toEqual([T0 + 3 * D, T0 + 5 * D]);
    expect([e.good, e.total, e.noData, e.status]).toEqual([
      1,
      2,
      1,
      'breaching',
    ]);
  });

  it('has no data before the first observation', () => {
    const now = T0 + H;
    const e = evaluateWindow(
      { ...shape, now, target },
      sumRanges([], now, shape),
    );
    expect([e.sli, e.total, e.status]).toEqual([null, 0, 'no-data']);
  });

  it('agrees with the reference evaluation over random histories', () => {
    const rnd = random(7);
    let compared = 0;
    for (const s of [
      { windowMs: 20 * D, sliceMs: D, recentSlices: 1 },
      { windowMs: 2 * D, sliceMs: H, recentSlices: 3 },
      { windowMs: 28 * D, sliceMs: 7 * D, recentSlices: 3 },
    ]) {
      for (let run = 0; run < 20; run++) {
        const first = T0 + Math.floor(rnd() * 30 * D);
        const now = first + Math.floor(rnd() * 40 * D);
        const slices: SliceCounts[] = [];
        for (let t = first - (first % s.sliceMs); t <= now; t += s.sliceMs) {
          if (rnd() < 0.15) continue;
          const checks = 1 + Math.floor(rnd() * 3);
          const passed = rnd() < 0.1 ? checks - 1 : checks;
          slices.push({ start: t, checks, passed });
        }
        const input = { ...s, now, target: 0.9, firstObservedAt: first };
        const { history, ...reference } = evaluateTimeslices({
          ...input,
          slices,
        });
        expect(evaluateWindow(input, sumRanges(slices, now, s))).toEqual(
          reference,
        );
        if (reference.total > 0) compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
