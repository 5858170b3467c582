/*
 * Hand-computed cases for the SLO maths. Every expected number below was
 * worked out on paper from the rules in timeslices.ts, not produced by the
 * code under test.
 */
import type { ServiceLevelObjective } from '../model';
import { checkAvailability, checkCompleteness, checkFreshness } from './checks';
import { durationToMillis, millisToDuration } from './duration';
import { resolveObjective } from './objective';
import {
  type SliceCounts,
  evaluateTimeslices,
  planWindow,
  sliceStartOf,
  summarizeSlo,
} from './timeslices';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
/** 2025-01-01T00:00:00Z, a day boundary. */
const T0 = Date.UTC(2025, 0, 1);
const day = (n: number) => T0 + n * D;

/** Daily slices for days [from, to], good unless listed as bad or missing. */
function days(
  from: number,
  to: number,
  opts: { bad?: number[]; missing?: number[] } = {},
): SliceCounts[] {
  const out: SliceCounts[] = [];
  for (let n = from; n <= to; n++) {
    if (opts.missing?.includes(n)) continue;
    const bad = opts.bad?.includes(n);
    // 288 checks a day = every 5 minutes; a bad day has one failed check
    out.push({ start: day(n), checks: 288, passed: bad ? 287 : 288 });
  }
  return out;
}

const base = {
  windowMs: 20 * D,
  sliceMs: D,
  target: 0.8,
  firstObservedAt: day(0) + 5 * MIN,
};

describe('durations', () => {
  it.each([
    ['20d', 20 * D],
    ['1d', D],
    ['24h', 24 * H],
    ['30m', 30 * MIN],
    ['4w', 28 * D],
    [' 26h ', 26 * H],
  ])('%s is %d ms', (text, ms) => {
    expect(durationToMillis(text)).toBe(ms);
  });

  it.each(['0d', '1.5h', '10s', '20 d', 'P20D', '20D', '', 'd', '1234567d'])(
    'rejects %j',
    text => {
      expect(durationToMillis(text)).toBeUndefined();
    },
  );

  it('rejects non-strings', () => {
    expect(durationToMillis(20)).toBeUndefined();
    expect(durationToMillis(undefined)).toBeUndefined();
  });

  it('writes the largest whole unit', () => {
    expect(millisToDuration(20 * D)).toBe('20d');
    expect(millisToDuration(14 * D)).toBe('2w');
    expect(millisToDuration(26 * H)).toBe('26h');
    expect(millisToDuration(90 * MIN)).toBe('90m');
  });
});

describe('resolveObjective', () => {
  const slo = (
    extra: Partial<ServiceLevelObjective>,
  ): ServiceLevelObjective => ({
    name: 'o',
    dimension: 'availability',
    objective: 'x',
    ...extra,
  });

  it('applies the defaults: 20d window, 1d slice, target 0.8', () => {
    expect(resolveObjective(slo({}))).toEqual({
      objective: {
        name: 'o',
        dimension: 'availability',
        target: 0.8,
        window: '20d',
        slice: '1d',
        windowMs: 20 * D,
        sliceMs: D,
        slicesPerWindow: 20,
      },
      problems: [],
    });
  });

  it('defaults freshness maxAge to the slice and completeness tolerance to 5 %', () => {
    expect(
      resolveObjective(
        slo({ dimension: 'freshness', slice: '1h', window: '1d' }),
      ).objective,
    ).toMatchObject({ maxAgeMs: H, slicesPerWindow: 24 });
    expect(
      resolveObjective(slo({ dimension: 'completeness' })).objective?.tolerance,
    ).toBe(0.05);
    expect(
      resolveObjective(slo({ dimension: 'completeness' }), {
        defaults: { tolerance: 0.1 },
      }).objective?.tolerance,
    ).toBe(0.1);
  });

  it('reports every problem, naming the field', () => {
    const r = resolveObjective(
      slo({ window: '20d', slice: '7h', target: 1.5 }),
    );
    expect(r.objective).toBeUndefined();
    expect(r.problems).toEqual([
      "window 20d is not a whole number of 7h slices, so the window's first slice would be partial",
      'target 1.5 is not a fraction in (0, 1]',
    ]);
    expect(
      resolveObjective(slo({ slice: '2d', window: '1d' })).problems,
    ).toEqual(['slice 2d is longer than the window 1d']);
    expect(
      resolveObjective(slo({ dimension: 'freshness', maxAge: '1 day' }))
        .problems,
    ).toEqual([
      "maxAge '1 day' is not a duration (a whole number and m, h, d or w, e.g. 24h)",
    ]);
    expect(
      resolveObjective(slo({ dimension: 'completeness', tolerance: 1 }))
        .problems,
    ).toEqual(['tolerance 1 is not a fraction in [0, 1)']);
    expect(
      resolveObjective(slo({ window: '90d', slice: '1m' })).problems,
    ).toEqual([
      'window 90d has 129600 slices of 1m; at most 5000 are supported — use a longer slice',
    ]);
  });

  it('refuses slices shorter than the collection interval', () => {
    expect(
      resolveObjective(slo({ slice: '1m', window: '1d' }), {
        collectionIntervalMs: 5 * MIN,
      }).problems,
    ).toEqual([
      'slice 1m is shorter than the collection interval, so most slices would have no observation',
    ]);
  });
});

describe('indicator checks', () => {
  it('availability: the table exists and answers', () => {
    expect(checkAvailability({ exists: true, rowCount: 0 }).passed).toBe(true);
    expect(checkAvailability({ exists: false })).toEqual({
      passed: false,
      reason: 'the table does not exist',
    });
    expect(checkAvailability({ exists: true }).passed).toBe(false);
    expect(checkAvailability({ error: 'connection refused' })).toEqual({
      passed: false,
      reason: 'the warehouse could not be queried: connection refused',
    });
    expect(checkAvailability(undefined).passed).toBe(false);
  });

  it('freshness: last altered within maxAge, the boundary included', () => {
    const now = day(10);
    const maxAgeMs = 26 * H;
    const at = (ageMs: number) =>
      checkFreshness(
        { exists: true, rowCount: 1, lastAlteredAt: now - ageMs },
        { now, maxAgeMs },
      );
    expect(at(26 * H)).toEqual({
      passed: true,
      reason: 'last altered 1d 2h ago, within 1d 2h',
    });
    expect(at(26 * H + 1).passed).toBe(false);
    expect(at(30 * H).reason).toBe(
      'last altered 1d 6h ago, more than the 1d 2h promised',
    );
    expect(at(-5 * MIN).passed).toBe(true); // clock skew
    // the reason says what the age was measured on, when the warehouse says
    const measured = (freshnessSource: 'loaded_at' | 'last_altered') =>
      checkFreshness(
        { exists: true, lastAlteredAt: now - 30 * H, freshnessSource },
        { now, maxAgeMs },
      ).reason;
    expect(measured('loaded_at')).toBe(
      'last loaded 1d 6h ago, more than the 1d 2h promised; measured on the load-timestamp column',
    );
    expect(measured('last_altered')).toBe(
      "last altered 1d 6h ago, more than the 1d 2h promised; measured on the warehouse's last-change time (no load-timestamp column)",
    );
    expect(
      checkFreshness({ exists: true, rowCount: 3 }, { now, maxAgeMs }).passed,
    ).toBe(false);
    expect(checkFreshness({ exists: false }, { now, maxAgeMs }).passed).toBe(
      false,
    );
  });

  it('completeness: at most the tolerance below the trailing average', () => {
    // previous updates 900, 1000, 1100 → average 1000; 5 % below is 950
    const trailing = { count: 3, average: 1000 };
    const check = (rowCount: number) =>
      checkCompleteness(
        { exists: true, rowCount },
        { trailing, tolerance: 0.05 },
      );
    expect(check(950).passed).toBe(true);
    expect(check(949)).toEqual({
      passed: false,
      reason:
        '949 rows, 5.1 % below the average 1000 of the 3 previous updates (tolerance 5 %)',
    });
    expect(check(2000).passed).toBe(true); // growth is never incomplete
    expect(
      checkCompleteness(
        { exists: true, rowCount: 10 },
        { trailing: { count: 0, average: 0 }, tolerance: 0.05 },
      ),
    ).toEqual({
      passed: true,
      reason: '10 rows; no earlier update in the window to compare with',
    });
    expect(
      checkCompleteness({ exists: false }, { trailing, tolerance: 0.05 })
        .passed,
    ).toBe(false);
    expect(
      checkCompleteness({ error: 'timeout' }, { trailing, tolerance: 0.05 })
        .passed,
    ).toBe(false);
  });
});

describe('timeslices', () => {
  // Evaluated at 12:00 on day 30: the current slice is day 30, the last
  // complete one day 29, so a full window is days 10..29.
  const now = day(30) + 12 * H;

  it('aligns slices on the epoch, the start belonging to the slice', () => {
    expect(sliceStartOf(day(10), D)).toBe(day(10));
    expect(sliceStartOf(day(10) - 1, D)).toBe(day(9));
    expect(sliceStartOf(day(3) + 90 * MIN, H)).toBe(day(3) + H);
  });

  it('window edges: counts days 10..29 only', () => {
    // day 9 is bad but just outside; day 10 (first in) and 29 (last in) are bad
    const e = evaluateTimeslices({
      ...base,
      now,
      slices: days(0, 30, { bad: [9, 10, 29] }),
    });
    expect(e.plan).toEqual({
      currentSliceStart: day(30),
      includesCurrent: false,
      windowStart: day(10),
      start: day(10),
      end: day(30),
      slices: 20,
    });
    expect(e.history[0]).toEqual({
      start: day(10),
      end: day(11),
      good: 287,
      total: 288,
      status: 'bad',
    });
    expect(e.history.map(h => h.status).filter(s => s === 'bad')).toHaveLength(
      2,
    );
    // 18 good of 20; 4 bad allowed, 2 spent; burn (2/20)/0.2 = 0.5;
    // the latest slice (day 29) is bad: recent burn (1/1)/0.2 = 5
    expect(e).toMatchObject({
      good: 18,
      bad: 2,
      total: 20,
      sli: 0.9,
      status: 'ok',
      errorBudget: { allowedBad: 4, bad: 2, remaining: 0.5, exhausted: false },
      burnRate: { window: 0.5, recent: 5, recentSlices: 1 },
    });
  });

  it('partial slice: pending while its checks pass, counted once one fails', () => {
    // day 10 good, day 11 bad
    const complete = days(0, 29, { bad: [11] });
    const pending = evaluateTimeslices({
      ...base,
      now,
      slices: [...complete, { start: day(30), checks: 144, passed: 144 }],
    });
    // days 10..29: one bad → 19/20
    expect(pending.plan.includesCurrent).toBe(false);
    expect(pending.sli).toBe(0.95);
    expect(pending.history).toHaveLength(21);
    expect(pending.history[20]).toEqual({
      start: day(30),
      end: day(31),
      good: 144,
      total: 144,
      status: 'pending',
    });

    const failed = evaluateTimeslices({
      ...base,
      now,
      slices: [...complete, { start: day(30), checks: 144, passed: 143 }],
    });
    // days 11..30: day 11 and day 30 bad → 18/20; day 10 dropped out
    expect(failed.plan).toMatchObject({
      includesCurrent: true,
      start: day(11),
      end: day(31),
      slices: 20,
    });
    expect(failed.sli).toBe(0.9);
    expect(failed.history).toHaveLength(20);
    expect(failed.history[19].status).toBe('bad');
    expect(failed.burnRate.recent).toBe(5);
  });

  it('missing data: a slice without observation is bad (no data)', () => {
    const e = evaluateTimeslices({
      ...base,
      now,
      slices: days(0, 29, { missing: [15, 16] }),
    });
    expect(e).toMatchObject({ good: 18, total: 20, noData: 2, sli: 0.9 });
    expect(e.history[5]).toEqual({
      start: day(15),
      end: day(16),
      good: 0,
      total: 0,
      status: 'no-data',
    });
  });

  it('slices before the first observation are not counted', () => {
    // first observed 03:00 on day 25: days 25..29 count (5 slices), day 27 bad
    const e = evaluateTimeslices({
      ...base,
      now,
      firstObservedAt: day(25) + 3 * H,
      slices: days(25, 29, { bad: [27] }),
    });
    expect(e.plan).toMatchObject({ start: day(25), slices: 5 });
    // 4/5 = 0.8 = target: met exactly, budget (1 allowed, 1 spent) used up
    expect(e).toMatchObject({
      good: 4,
      total: 5,
      sli: 0.8,
      status: 'ok',
      errorBudget: { allowedBad: 1, bad: 1, remaining: 0, exhausted: true },
      burnRate: { window: 1 },
    });
  });

  it('target exactly met over a full window: 16/20 at 80 % is ok', () => {
    const e = evaluateTimeslices({
      ...base,
      now,
      slices: days(0, 29, { bad: [12, 13, 20, 21] }),
    });
    expect(e).toMatchObject({
      sli: 0.8,
      status: 'ok',
      errorBudget: { allowedBad: 4, remaining: 0, exhausted: true },
      burnRate: { window: 1, recent: 0 },
    });
  });

  it('target exactly met at 95 %: 19/20 despite 1 − 0.95 not being exact', () => {
    const e = evaluateTimeslices({
      ...base,
      target: 0.95,
      now,
      slices: days(0, 29, { bad: [12] }),
    });
    expect(e).toMatchObject({
      sli: 0.95,
      status: 'ok',
      errorBudget: { allowedBad: 1, remaining: 0 },
      burnRate: { window: 1 },
    });
  });

  it('budget exhausted: 15/20 at 80 % is breaching', () => {
    const e = evaluateTimeslices({
      ...base,
      now,
      slices: days(0, 29, { bad: [11, 12, 13, 20, 21] }),
    });
    // 5 bad of 4 allowed: remaining 1 − 5/4 = −0.25; burn (5/20)/0.2 = 1.25
    expect(e).toMatchObject({
      sli: 0.75,
      status: 'breaching',
      errorBudget: { allowedBad: 4, bad: 5, remaining: -0.25, exhausted: true },
      burnRate: { window: 1.25 },
    });
  });

  it('a 100 % target has no budget', () => {
    const clean = evaluateTimeslices({
      ...base,
      target: 1,
      now,
      slices: days(0, 29),
    });
    expect(clean).toMatchObject({
      status: 'ok',
      errorBudget: { allowedBad: 0, remaining: 1, exhausted: false },
      burnRate: { window: 0 },
    });
    const one = evaluateTimeslices({
      ...base,
      target: 1,
      now,
      slices: days(0, 29, { bad: [20] }),
    });
    expect(one).toMatchObject({
      status: 'breaching',
      errorBudget: { remaining: null, exhausted: true },
      burnRate: { window: null },
    });
  });

  it('never observed, or observed only in the pending slice: no data', () => {
    const never = evaluateTimeslices({
      ...base,
      firstObservedAt: undefined,
      now,
      slices: [],
    });
    expect(never).toMatchObject({
      status: 'no-data',
      sli: null,
      total: 0,
      history: [],
      errorBudget: { remaining: 1, exhausted: false },
    });
    const fresh = evaluateTimeslices({
      ...base,
      firstObservedAt: day(30) + H,
      now,
      slices: [{ start: day(30), checks: 3, passed: 3 }],
    });
    expect(fresh.status).toBe('no-data');
    expect(fresh.history.map(h => h.status)).toEqual(['pending']);
    // ...until a check fails in it: then it counts, alone
    const failedFresh = evaluateTimeslices({
      ...base,
      firstObservedAt: day(30) + H,
      now,
      slices: [{ start: day(30), checks: 3, passed: 2 }],
    });
    expect(failedFresh).toMatchObject({
      status: 'breaching',
      total: 1,
      sli: 0,
    });
  });

  it('one failed check makes the whole slice bad', () => {
    const e = evaluateTimeslices({
      ...base,
      now,
      slices: days(0, 29).map(s =>
        s.start === day(22) ? { ...s, checks: 12, passed: 11 } : s,
      ),
    });
    expect(e.good).toBe(19);
  });

  it('hourly slices: a 20d window counts 480 of them', () => {
    const hourly: SliceCounts[] = [];
    for (let t = day(0); t < day(30); t += H) {
      hourly.push({ start: t, checks: 12, passed: t === day(29) ? 0 : 12 });
    }
    const e = evaluateTimeslices({
      ...base,
      sliceMs: H,
      target: 0.99,
      now,
      slices: hourly,
    });
    // current hour: 12:00 on day 30, which has no slice row yet (pending);
    // window: 12:00 day 10 .. 12:00 day 30 = 480 hours, 1 bad (00:00 day 29)
    // but hours 00:00..11:00 of day 30 have no rows: 12 no-data slices
    expect(e.plan.slices).toBe(480);
    expect(e.noData).toBe(12);
    expect(e.good).toBe(480 - 13);
    // allowed 4.8 bad, 13 spent: 1 − 13/4.8
    expect(e.errorBudget.remaining).toBeCloseTo(1 - 13 / 4.8, 9);
    expect(e.status).toBe('breaching');
  });

  it('recent burn rate over the latest three slices', () => {
    const e = evaluateTimeslices({
      ...base,
      now,
      recentSlices: 3,
      slices: days(0, 29, { bad: [28] }),
    });
    // days 27..29, one bad: (1/3)/0.2 = 1.666666667
    expect(e.burnRate).toEqual({
      window: 0.25,
      recent: 1.666666667,
      recentSlices: 3,
    });
  });

  it('planWindow and summarizeSlo agree with the evaluation', () => {
    expect(
      planWindow({
        now,
        windowMs: 20 * D,
        sliceMs: D,
        firstObservedAt: day(28),
        currentSliceFailed: true,
      }),
    ).toEqual({
      currentSliceStart: day(30),
      includesCurrent: true,
      windowStart: day(11),
      start: day(28),
      end: day(31),
      slices: 3,
    });
    expect(
      summarizeSlo({
        target: 0.8,
        good: 2,
        total: 3,
        recentGood: 0,
        recentTotal: 1,
      }),
    ).toMatchObject({
      sli: 0.666666667,
      status: 'breaching',
      // 0.6 allowed, 1 spent: 1 − 1/0.6
      errorBudget: { allowedBad: 0.6, remaining: -0.666666667 },
    });
  });
});
