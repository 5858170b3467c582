/*
 * Data-quality checks (ODCS quality[]): promises about the data consumers
 * read. Checks are matched by the name their results are kept under (the
 * id or name, else the metric, numbered when repeated). A check is looser
 * when it accepts more: a wider range of measures (mustBeLessThan 5 after
 * mustBe 0), more valid values, or a severity that no longer blocks; it is
 * stricter when it accepts less. Loosening or removing a blocking check is
 * breaking; tightening or adding one is not. A change that is neither
 * (another metric, unit, kind of comparison or set of key columns) is
 * breaking to be safe.
 */
import type { DocumentPath } from '../issues';
import type { QualityCheck } from '../model';
import {
  describeQualityCheck,
  isBlockingQualityCheck,
  qualityCheckName,
  qualityComparison,
} from '../quality/checks';
import type { ChangeLog } from './changeLog';

/** The measures a comparison accepts, as an interval; undefined for "must not". */
interface Range {
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}

function rangeOf(check: QualityCheck): Range | undefined {
  const c = qualityComparison(check);
  if (!c) return undefined;
  const v = c.value;
  const all = { lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };
  switch (c.operator) {
    case 'mustBe':
      return { lo: v as number, loIn: true, hi: v as number, hiIn: true };
    case 'mustBeGreaterThan':
      return { ...all, lo: v as number };
    case 'mustBeGreaterOrEqualTo':
      return { ...all, lo: v as number, loIn: true };
    case 'mustBeLessThan':
      return { ...all, hi: v as number };
    case 'mustBeLessOrEqualTo':
      return { ...all, hi: v as number, hiIn: true };
    case 'mustBeBetween': {
      const [lo, hi] = v as [number, number];
      return { lo, loIn: true, hi, hiIn: true };
    }
    default:
      return undefined;
  }
}

/** Whether `a` accepts every measure `b` accepts. */
function covers(a: Range, b: Range): boolean {
  const lower = a.lo < b.lo || (a.lo === b.lo && (a.loIn || !b.loIn));
  const upper = a.hi > b.hi || (a.hi === b.hi && (a.hiIn || !b.hiIn));
  return lower && upper;
}

/** How a list of values changed: values added, dropped, both, or none (undefined). */
function listChange(
  before: unknown[] | undefined,
  after: unknown[] | undefined,
): 'added' | 'dropped' | 'both' | undefined {
  const was = new Set((before ?? []).map(String));
  const is = new Set((after ?? []).map(String));
  const added = [...is].some(v => !was.has(v));
  const dropped = [...was].some(v => !is.has(v));
  if (added && dropped) return 'both';
  if (added) return 'added';
  return dropped ? 'dropped' : undefined;
}

/** How the new version of a check compares with the old: looser, stricter, the same, or otherwise changed. */
function compareCheck(
  old: QualityCheck,
  now: QualityCheck,
): 'looser' | 'stricter' | 'same' | 'changed' {
  if (
    (old.type ?? 'library') !== (now.type ?? 'library') ||
    old.metric !== now.metric ||
    (old.unit ?? 'rows') !== (now.unit ?? 'rows') ||
    old.query !== now.query ||
    old.pattern !== now.pattern ||
    (old.columns ?? []).join() !== (now.columns ?? []).join()
  ) {
    return 'changed';
  }
  const verdicts = new Set<'looser' | 'stricter'>();
  const before = rangeOf(old);
  const after = rangeOf(now);
  if (before && after) {
    const wider = covers(after, before);
    const narrower = covers(before, after);
    if (wider && !narrower) verdicts.add('looser');
    if (narrower && !wider) verdicts.add('stricter');
    if (!wider && !narrower) return 'changed';
  } else if (
    JSON.stringify(qualityComparison(old)) !==
    JSON.stringify(qualityComparison(now))
  ) {
    return 'changed';
  }
  // more valid values accepted: looser; more values counted as missing:
  // a limit on them is stricter
  const valid = listChange(old.validValues, now.validValues);
  const missing = listChange(old.missingValues, now.missingValues);
  if (valid === 'both' || missing === 'both') return 'changed';
  if (valid) verdicts.add(valid === 'added' ? 'looser' : 'stricter');
  if (missing) verdicts.add(missing === 'added' ? 'stricter' : 'looser');
  if (isBlockingQualityCheck(old) && !isBlockingQualityCheck(now)) {
    verdicts.add('looser');
  } else if (!isBlockingQualityCheck(old) && isBlockingQualityCheck(now)) {
    verdicts.add('stricter');
  }
  if (verdicts.has('looser')) return 'looser';
  return verdicts.has('stricter') ? 'stricter' : 'same';
}

/** Checks keyed by the name their results are kept under. */
function keyed(checks: QualityCheck[] | undefined) {
  const seen = new Map<string, number>();
  return (checks ?? []).map((check, index) => {
    const base = qualityCheckName(check);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n === 1 ? base : `${base}#${n}`, check, index };
  });
}

/**
 * The quality checks of one dataset or column, old against new; `where`
 * names it in messages (`dataset 'visits'`, `column 'visits.ward'`).
 */
export function compareQualityChecks(
  log: ChangeLog,
  options: {
    path: string;
    oldAt: DocumentPath;
    nowAt: DocumentPath;
    where: string;
    old?: QualityCheck[];
    now?: QualityCheck[];
  },
): void {
  const before = keyed(options.old);
  const after = keyed(options.now);
  const afterByKey = new Map(after.map(c => [c.key, c]));
  const beforeKeys = new Set(before.map(c => c.key));
  const path = (key: string) => `${options.path}.quality.${key}`;
  for (const b of before) {
    const a = afterByKey.get(b.key);
    const said = `quality check '${b.key}' of ${
      options.where
    } (${describeQualityCheck(b.check)})`;
    if (!a) {
      const blocking =
        isBlockingQualityCheck(b.check) &&
        (b.check.type ?? 'library') !== 'text';
      log.before(
        blocking ? 'breaking' : 'info',
        'quality-check-removed',
        path(b.key),
        [...options.oldAt, 'quality', b.index],
        `${said} was removed${
          blocking ? ': consumers lose a promise about the data they read' : ''
        }`,
      );
      continue;
    }
    const at = [...options.nowAt, 'quality', a.index];
    const verdict = compareCheck(b.check, a.check);
    const now = describeQualityCheck(a.check);
    if (verdict === 'looser') {
      log.after(
        'breaking',
        'quality-check-loosened',
        path(b.key),
        at,
        `${said} now accepts more: ${now}${
          isBlockingQualityCheck(a.check)
            ? ''
            : `, severity ${a.check.severity}`
        }; consumers relying on the old promise may get worse data`,
      );
    } else if (verdict === 'changed') {
      log.after(
        'breaking',
        'quality-check-changed',
        path(b.key),
        at,
        `${said} now checks something else: ${now}; consumers relying on the old promise must check it still holds for them`,
      );
    } else if (verdict === 'stricter') {
      log.after(
        'non-breaking',
        'quality-check-tightened',
        path(b.key),
        at,
        `${said} is stricter: ${now}`,
      );
    }
  }
  for (const a of after) {
    if (beforeKeys.has(a.key)) continue;
    log.after(
      'non-breaking',
      'quality-check-added',
      path(a.key),
      [...options.nowAt, 'quality', a.index],
      `quality check '${a.key}' of ${
        options.where
      } was added: ${describeQualityCheck(a.check)}`,
    );
  }
}
