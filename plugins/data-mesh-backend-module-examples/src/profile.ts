/*
 * The activity profile of the example mesh (examples/warehouse/activity.yaml):
 * when each example product's pipeline refreshes its tables, how many rows a
 * refresh writes, and which product misbehaves how.
 *
 * Everything here is a pure function of time, with no state: the refresh
 * that is due at an instant, and the rows it writes, depend only on the
 * profile and that instant. So the live job, the 20-day backfill and a
 * backfill that catches up after the portal was stopped all write exactly
 * what the pipelines "would have" written, and running any of them twice
 * changes nothing.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  SourceDocument,
  type SpecIssue,
  durationToMillis,
  validateIdentifier,
} from '@datamesh/plugin-data-mesh-common';

/** UTC weekdays as written in the profile, Sunday first (`Date#getUTCDay`). @public */
export const WEEKDAYS = [
  'sun',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
] as const;
/** @public */
export type Weekday = (typeof WEEKDAYS)[number];

/** Text that ends up in SQL string literals (record_type, source_system): no quotes, no backslashes. */
const LITERAL = /^[A-Za-z0-9][A-Za-z0-9_.:+/-]{0,63}$/;

/** @public */
export interface RefreshSchedule {
  /** Period of the pipeline's schedule, e.g. 1 hour. */
  everyMs: number;
  /** Offset of the runs within the period (UTC), e.g. 5h for 05:00 daily. */
  atMs: number;
  /** Runs only on these UTC weekdays; absent: every day. */
  weekdays?: Weekday[];
  /** Runs only on these days of the month (UTC); absent: every day. */
  monthDays?: number[];
}

/** @public */
export interface ExampleDatasetActivity {
  /** Rows a refresh writes. */
  rows: number;
  /** Deterministic noise on the row count, a fraction in [0, 0.2]: ±jitter. */
  jitter: number;
  /** Value of the record-type metadata column; default the dataset name. */
  recordType?: string;
}

/** @public */
export interface ExampleProductActivity {
  /** Product name (catalog `metadata.name`). */
  name: string;
  /** Value of the source-system metadata column. */
  sourceSystem: string;
  refresh: RefreshSchedule;
  /** The pipeline fails on these weekdays: scheduled runs write nothing. */
  missesOn?: Weekday[];
  /** Refreshes on these weekdays write only `factor` of the rows. */
  volumeDrop?: { weekdays: Weekday[]; factor: number };
  datasets: Record<string, ExampleDatasetActivity>;
  /** One sentence for logs and docs. */
  story?: string;
}

/** @public */
export interface ExampleActivityProfile {
  /** Namespace of the example products. */
  namespace: string;
  products: ExampleProductActivity[];
}

const duration = z.string().refine(s => durationToMillis(s) !== undefined, {
  message: 'write a whole number and m, h, d or w, e.g. 1h or 1d',
});
const weekdays = z.array(z.enum(WEEKDAYS)).min(1);
const literal = z
  .string()
  .regex(LITERAL, 'letters, digits and _ . : + / - only (at most 64)');

const profileSchema = z
  .object({
    namespace: z.string().optional(),
    products: z.record(
      z
        .object({
          story: z.string().optional(),
          sourceSystem: literal,
          refresh: z
            .object({
              every: duration,
              at: duration.optional(),
              weekdays: weekdays.optional(),
              monthDays: z
                .array(z.number().int().min(1).max(31))
                .min(1)
                .optional(),
            })
            .strict(),
          misses: z.object({ weekdays }).strict().optional(),
          volumeDrop: z
            .object({ weekdays, factor: z.number().gt(0).lt(1) })
            .strict()
            .optional(),
          datasets: z.record(
            z
              .object({
                rows: z.number().int().min(1).max(100_000),
                jitter: z.number().min(0).max(0.2).optional(),
                recordType: literal.optional(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * Read the profile. Errors are values, located in the file (path and line).
 * @public
 */
export function parseActivityProfile(
  text: string,
  file?: string,
): { profile?: ExampleActivityProfile; issues: SpecIssue[] } {
  const doc = new SourceDocument(text, file);
  if (!doc.parsed) return { issues: doc.issues };
  const parsed = profileSchema.safeParse(doc.value);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map(i => doc.issue(i.path, i.message)),
    };
  }
  const issues: SpecIssue[] = [];
  const products: ExampleProductActivity[] = [];
  for (const [name, p] of Object.entries(parsed.data.products)) {
    const nameProblem = validateIdentifier(name, 'product');
    if (nameProblem) issues.push(doc.issue(['products', name], nameProblem));
    for (const dataset of Object.keys(p.datasets)) {
      const problem = validateIdentifier(dataset, 'dataset');
      if (problem) {
        issues.push(
          doc.issue(['products', name, 'datasets', dataset], problem),
        );
      }
    }
    const everyMs = durationToMillis(p.refresh.every)!;
    const atMs = p.refresh.at ? durationToMillis(p.refresh.at)! : 0;
    if (atMs >= everyMs) {
      issues.push(
        doc.issue(
          ['products', name, 'refresh', 'at'],
          `must be shorter than 'every' (${p.refresh.every})`,
        ),
      );
    }
    if (
      (p.refresh.weekdays || p.refresh.monthDays) &&
      everyMs % durationToMillis('1d')! !== 0
    ) {
      issues.push(
        doc.issue(
          ['products', name, 'refresh'],
          'weekdays and monthDays need a refresh period of whole days',
        ),
      );
    }
    products.push({
      name,
      sourceSystem: p.sourceSystem,
      refresh: {
        everyMs,
        atMs,
        ...(p.refresh.weekdays ? { weekdays: p.refresh.weekdays } : {}),
        ...(p.refresh.monthDays ? { monthDays: p.refresh.monthDays } : {}),
      },
      ...(p.misses ? { missesOn: p.misses.weekdays } : {}),
      ...(p.volumeDrop ? { volumeDrop: p.volumeDrop } : {}),
      datasets: Object.fromEntries(
        Object.entries(p.datasets).map(([d, a]) => [
          d,
          {
            rows: a.rows,
            jitter: a.jitter ?? 0,
            ...(a.recordType ? { recordType: a.recordType } : {}),
          },
        ]),
      ),
      ...(p.story ? { story: p.story.trim() } : {}),
    });
  }
  if (issues.length > 0) return { issues };
  return {
    profile: { namespace: parsed.data.namespace ?? 'default', products },
    issues: [],
  };
}

const weekdayOf = (t: number): Weekday => WEEKDAYS[new Date(t).getUTCDay()];

/** Whether the pipeline is scheduled to run at `t` (a run time of its period). */
function scheduledOn(schedule: RefreshSchedule, t: number): boolean {
  if (schedule.weekdays && !schedule.weekdays.includes(weekdayOf(t)))
    return false;
  if (
    schedule.monthDays &&
    !schedule.monthDays.includes(new Date(t).getUTCDate())
  )
    return false;
  return true;
}

/** A run of a product's pipeline, and whether it wrote anything. */
export interface PipelineRun {
  at: number;
  /** False when the run failed (the product `misses` this weekday). */
  loaded: boolean;
}

/** Longest look-back for the latest run: a monthly schedule with a daily period needs 31 steps. */
const MAX_STEPS = 10_000;

/**
 * The latest run of the product's pipeline that loaded data, at or before
 * `t`; undefined when none in the look-back (a schedule that never runs).
 * @public
 */
export function latestLoadAt(
  product: ExampleProductActivity,
  t: number,
): number | undefined {
  const { everyMs, atMs } = product.refresh;
  let run = Math.floor((t - atMs) / everyMs) * everyMs + atMs;
  for (let i = 0; i < MAX_STEPS; i++, run -= everyMs) {
    if (!scheduledOn(product.refresh, run)) continue;
    if (product.missesOn?.includes(weekdayOf(run))) continue;
    return run;
  }
  return undefined;
}

/** Deterministic number in [0, 1) from the arguments. */
function unit(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

/**
 * Rows the load at `loadedAt` writes into a dataset: the configured volume,
 * ± its jitter, times the drop factor on the product's drop weekdays.
 * @public
 */
export function rowsForLoad(
  product: ExampleProductActivity,
  dataset: string,
  loadedAt: number,
): number {
  const d = product.datasets[dataset];
  if (!d) return 0;
  const noise = d.jitter
    ? (unit(product.name, dataset, loadedAt) * 2 - 1) * d.jitter
    : 0;
  const drop =
    product.volumeDrop &&
    product.volumeDrop.weekdays.includes(weekdayOf(loadedAt))
      ? product.volumeDrop.factor
      : 1;
  return Math.max(1, Math.round(d.rows * (1 + noise) * drop));
}
