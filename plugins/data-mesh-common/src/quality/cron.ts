/*
 * A data-quality check's own schedule (ODCS `scheduler: cron`, `schedule:
 * "0 20 * * *"`): the five fields of a cron expression (minute, hour, day
 * of month, month, day of week; `*`, lists, ranges, steps, month and day
 * names; `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`), read in
 * UTC. The portal's data-quality run asks one thing of it: when it last
 * fired, to tell whether a check is due. Written here rather than taken
 * from a cron library because the frontend shows the same schedules and a
 * cron library brings a date library with it.
 */

/** A parsed cron expression: which minutes, hours, days, months and weekdays fire. @public */
export interface CronSchedule {
  expression: string;
  minutes: boolean[];
  hours: boolean[];
  daysOfMonth: boolean[];
  months: boolean[];
  daysOfWeek: boolean[];
  /** Day of month and day of week both restricted: a day matching either fires (as cron does). */
  eitherDay: boolean;
}

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');
const DAYS = 'sun mon tue wed thu fri sat'.split(' ');

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, offset: 1 },
  // 7 is Sunday too
  { name: 'day of week', min: 0, max: 7, names: DAYS, offset: 0 },
] as const;

type Field = (typeof FIELDS)[number];

function value(text: string, field: Field): number {
  const named =
    'names' in field
      ? (field.names as readonly string[]).indexOf(text.toLowerCase())
      : -1;
  if (named >= 0 && 'offset' in field) return named + field.offset;
  if (!/^\d{1,2}$/.test(text)) {
    throw new Error(`'${text}' is not a ${field.name}`);
  }
  const n = Number(text);
  if (n < field.min || n > field.max) {
    throw new Error(`${field.name} ${n} is outside ${field.min}–${field.max}`);
  }
  return n;
}

function parseField(text: string, field: Field): boolean[] {
  const set = new Array<boolean>(field.max + 1).fill(false);
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) === 0) {
        throw new Error(`'${part}': the step must be a number from 1`);
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = field.min;
      to = field.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a, field);
      to = value(b, field);
      if (from > to) throw new Error(`'${range}' runs backwards`);
    } else {
      from = value(range, field);
      // `5/15`: from 5, every 15
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) set[v] = true;
  }
  return set;
}

/**
 * A cron expression read, or why it cannot be. Five fields, in UTC.
 * @public
 */
export function parseCron(
  expression: string,
): CronSchedule | { problem: string } {
  const text = expression.trim();
  const expanded = MACROS[text.toLowerCase()] ?? text;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) {
    return {
      problem: `'${expression}' is not a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. '0 20 * * *'`,
    };
  }
  try {
    const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map(
      (p, i) => parseField(p, FIELDS[i]),
    );
    if (daysOfWeek[7]) daysOfWeek[0] = true;
    return {
      expression: text,
      minutes,
      hours,
      daysOfMonth,
      months,
      daysOfWeek: daysOfWeek.slice(0, 7),
      eitherDay: parts[2] !== '*' && parts[4] !== '*',
    };
  } catch (e) {
    return { problem: `'${expression}': ${(e as Error).message}` };
  }
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function dayFires(schedule: CronSchedule, day: Date): boolean {
  if (!schedule.months[day.getUTCMonth() + 1]) return false;
  const dom = schedule.daysOfMonth[day.getUTCDate()];
  const dow = schedule.daysOfWeek[day.getUTCDay()];
  return schedule.eitherDay ? dom || dow : dom && dow;
}

/** The latest index up to `limit` that is set, or -1. */
function latestUpTo(set: boolean[], limit: number): number {
  for (let i = limit; i >= 0; i--) if (set[i]) return i;
  return -1;
}

/**
 * When the schedule last fired at or before `now` (epoch ms, minute
 * precision, UTC); undefined when it has not in the last five years (a
 * schedule of 30 February never fires).
 * @public
 */
export function previousCronTime(
  schedule: CronSchedule,
  now: number,
): number | undefined {
  const startOfToday = Math.floor(now / DAY) * DAY;
  const today = new Date(now);
  for (let d = 0; d <= 5 * 366; d++) {
    const dayStart = startOfToday - d * DAY;
    if (!dayFires(schedule, new Date(dayStart))) continue;
    // today only up to now; earlier days up to their last minute
    let hour = latestUpTo(schedule.hours, d ? 23 : today.getUTCHours());
    while (hour >= 0) {
      const minuteLimit =
        d === 0 && hour === today.getUTCHours() ? today.getUTCMinutes() : 59;
      const minute = latestUpTo(schedule.minutes, minuteLimit);
      if (minute >= 0) return dayStart + (hour * 60 + minute) * MINUTE;
      hour = latestUpTo(schedule.hours, hour - 1);
    }
  }
  return undefined;
}
