/*
 * Service level objectives: the promises consumers rely on. Each numeric
 * part is compared with the platform defaults applied (an objective that
 * drops `target: 0.8` promises the same as before), and each is either
 * stricter or looser for a consumer:
 *   - target: the fraction of good slices; lower is looser;
 *   - window: the rolling window; longer is looser (one bad stretch weighs
 *     less, so a breach is declared later);
 *   - slice: longer is looser (a slice is good if it is good somewhere);
 *   - maxAge (freshness): longer is looser; defaults to the slice;
 *   - tolerance (completeness): larger is looser.
 * One looser part makes the change breaking, even if others tighten.
 */
import type {
  DataProductEntityV1alpha1,
  ServiceLevelObjective,
} from '../model';
import { DEFAULT_SLO_DEFAULTS } from '../slo/objective';
import { durationToMillis } from '../slo/duration';
import { type ChangeLog, compareText, matchByName } from './changeLog';

type Part = 'target' | 'window' | 'slice' | 'maxAge' | 'tolerance';

/** The numbers of an objective, defaults applied; larger is looser for all. */
function looseness(
  slo: ServiceLevelObjective,
): Record<Part, number | undefined> {
  const d = DEFAULT_SLO_DEFAULTS;
  const slice = durationToMillis(slo.slice ?? d.slice);
  return {
    // negated, so that larger means looser for every part
    target: -(slo.target ?? d.target),
    window: durationToMillis(slo.window ?? d.window),
    slice,
    maxAge:
      slo.dimension === 'freshness'
        ? durationToMillis(slo.maxAge) ?? slice
        : undefined,
    tolerance:
      slo.dimension === 'completeness'
        ? slo.tolerance ?? d.tolerance
        : undefined,
  };
}

function shown(slo: ServiceLevelObjective, part: Part): string {
  const d = DEFAULT_SLO_DEFAULTS;
  switch (part) {
    case 'target':
      return String(slo.target ?? d.target);
    case 'window':
      return slo.window ?? d.window;
    case 'slice':
      return slo.slice ?? d.slice;
    case 'maxAge':
      return slo.maxAge ?? `${slo.slice ?? d.slice} (the slice)`;
    default:
      return String(slo.tolerance ?? d.tolerance);
  }
}

/** SLOs matched by name. */
export function compareSlos(
  log: ChangeLog,
  before: DataProductEntityV1alpha1,
  after: DataProductEntityV1alpha1,
): void {
  const at = (i: number) => ['spec', 'slos', i];
  const { removed, added, kept } = matchByName(
    before.spec.slos,
    after.spec.slos,
  );
  for (const { item, index } of removed) {
    log.before(
      'breaking',
      'slo-removed',
      `slos.${item.name}`,
      at(index),
      `SLO '${item.name}' (${item.dimension}) was removed: consumers lose a promise they may depend on`,
    );
  }
  for (const { item, index } of added) {
    log.after(
      'non-breaking',
      'slo-added',
      `slos.${item.name}`,
      at(index),
      `SLO '${item.name}' (${item.dimension}) was added`,
    );
  }
  for (const { old, now, index } of kept) {
    const path = `slos.${now.name}`;
    if (old.dimension !== now.dimension) {
      log.after(
        'breaking',
        'slo-dimension-changed',
        `${path}.dimension`,
        [...at(index), 'dimension'],
        `SLO '${now.name}' measures ${now.dimension} instead of ${old.dimension}: the ${old.dimension} promise is gone`,
      );
      continue;
    }
    if ((old.dataset ?? '') !== (now.dataset ?? '')) {
      log.after(
        'breaking',
        'slo-dataset-changed',
        `${path}.dataset`,
        [...at(index), 'dataset'],
        `SLO '${now.name}' is about dataset '${
          now.dataset ?? '(the first)'
        }' instead of '${
          old.dataset ?? '(the first)'
        }': the old dataset loses the promise`,
      );
    }
    const a = looseness(old);
    const b = looseness(now);
    const parts = Object.keys(a) as Part[];
    const looser = parts.filter(
      p => a[p] !== undefined && b[p] !== undefined && b[p]! > a[p]!,
    );
    const tighter = parts.filter(
      p => a[p] !== undefined && b[p] !== undefined && b[p]! < a[p]!,
    );
    const describe = (p: Part) => `${p} ${shown(old, p)} → ${shown(now, p)}`;
    if (looser.length) {
      log.after(
        'breaking',
        'slo-loosened',
        path,
        [...at(index), looser[0]],
        `SLO '${now.name}' was loosened (${looser
          .map(describe)
          .join(
            ', ',
          )}): consumers relying on the old level of service get less`,
      );
    } else if (tighter.length) {
      log.after(
        'non-breaking',
        'slo-tightened',
        path,
        [...at(index), tighter[0]],
        `SLO '${now.name}' was tightened (${tighter.map(describe).join(', ')})`,
      );
    }
    compareText(
      log,
      'slo-text-changed',
      `${path}.objective`,
      [...at(index), 'objective'],
      old.objective,
      now.objective,
      `SLO '${now.name}' objective`,
    );
    compareText(
      log,
      'slo-text-changed',
      `${path}.title`,
      [...at(index), 'title'],
      old.title,
      now.title,
      `SLO '${now.name}' title`,
    );
  }
}
