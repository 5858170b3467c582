import { type CronSchedule, parseCron, previousCronTime } from './cron';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | undefined) =>
  t === undefined ? undefined : new Date(t).toISOString();
const schedule = (expression: string): CronSchedule => {
  const parsed = parseCron(expression);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
};
const previous = (expression: string, now: string) =>
  iso(previousCronTime(schedule(expression), at(now)));

describe('previousCronTime (UTC)', () => {
  it('finds the last firing at or before now', () => {
    // 2026-12-07 is a Monday
    expect(previous('0 20 * * *', '2026-12-07T19:59:59Z')).toBe(
      '2026-12-06T20:00:00.000Z',
    );
    expect(previous('0 20 * * *', '2026-12-07T20:00:00Z')).toBe(
      '2026-12-07T20:00:00.000Z',
    );
    expect(previous('0 20 * * *', '2026-12-07T23:10:00Z')).toBe(
      '2026-12-07T20:00:00.000Z',
    );
    expect(previous('*/15 * * * *', '2026-12-07T10:44:30Z')).toBe(
      '2026-12-07T10:30:00.000Z',
    );
    expect(previous('5,35 9-17/4 * * *', '2026-12-07T13:20:00Z')).toBe(
      '2026-12-07T13:05:00.000Z',
    );
    expect(previous('5,35 9-17/4 * * *', '2026-12-07T09:01:00Z')).toBe(
      '2026-12-06T17:35:00.000Z',
    );
  });

  it('reads weekdays, months, names and macros', () => {
    // Monday 05:00: last Monday's 06:00
    expect(previous('0 6 * * MON', '2026-12-07T05:00:00Z')).toBe(
      '2026-11-30T06:00:00.000Z',
    );
    expect(previous('0 6 * * mon-fri', '2026-12-06T12:00:00Z')).toBe(
      '2026-12-04T06:00:00.000Z',
    );
    // 7 is Sunday as 0 is
    expect(previous('0 0 * * 7', '2026-12-07T12:00:00Z')).toBe(
      '2026-12-06T00:00:00.000Z',
    );
    expect(previous('@monthly', '2026-12-07T12:00:00Z')).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(previous('@yearly', '2026-12-07T12:00:00Z')).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(previous('30 4 1 jan,JUL *', '2026-12-07T12:00:00Z')).toBe(
      '2026-07-01T04:30:00.000Z',
    );
  });

  it('fires on a day matching either the day of month or the weekday when both are given', () => {
    // the 13th (a Sunday in December 2026) or any Friday
    expect(previous('0 0 13 * 5', '2026-12-14T00:00:00Z')).toBe(
      '2026-12-13T00:00:00.000Z',
    );
    expect(previous('0 0 13 * 5', '2026-12-12T00:00:00Z')).toBe(
      '2026-12-11T00:00:00.000Z',
    );
  });

  it('says never for a day that does not exist', () => {
    expect(previous('0 0 30 2 *', '2026-12-07T00:00:00Z')).toBeUndefined();
  });
});

describe('parseCron', () => {
  it.each([
    ['0 20 * *', /not a cron expression of five fields/],
    ['61 * * * *', /minute 61 is outside 0–59/],
    ['5-1 * * * *', /'5-1' runs backwards/],
    ['*/0 * * * *', /the step must be a number from 1/],
    ['x * * * *', /'x' is not a minute/],
    ['0 0 * foo *', /'foo' is not a month/],
    ['0 0 * * 8', /day of week 8 is outside 0–7/],
  ])('refuses %s', (expression, problem) => {
    const parsed = parseCron(expression);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});
