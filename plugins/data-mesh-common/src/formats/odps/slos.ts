/*
 * Service-level objectives of an ODPS product: the customProperty `slos`
 * when present, else derived from the contracts' `slaProperties`.
 */
import { toSqlName } from '../../identifiers';
import {
  SLO_DIMENSIONS,
  type ServiceLevelObjective,
  type SloDimension,
} from '../../model';
import {
  DURATION_HINT,
  TARGET_HINT,
  TOLERANCE_HINT,
  parseDuration,
  parseDurationAmount,
  parseFractionAmount,
  parseTarget,
  parseTolerance,
  showValue as show,
} from '../../values';
import type { DocumentPath } from '../../issues';
import { setSpecOrigin } from '../../entity';
import {
  OdpsContext,
  CustomProperties,
  isObj,
  list,
  normKey,
  str,
  type Located,
} from './context';

export function readSlos(
  ctx: OdpsContext,
  props: CustomProperties,
): ServiceLevelObjective[] {
  const explicit = props.get('slos');
  if (explicit) return readExplicitSlos(ctx, explicit);
  return slosFromContracts(ctx);
}

function readExplicitSlos(
  ctx: OdpsContext,
  p: Located,
): ServiceLevelObjective[] {
  if (!Array.isArray(p.value)) {
    ctx.source.report(p.path, 'slos must be a list of objectives');
    return [];
  }
  const out: ServiceLevelObjective[] = [];
  const names = new Map<string, string>();
  p.value.forEach((raw, j) => {
    const path = [...p.path, j];
    if (!isObj(raw)) {
      ctx.source.report(
        path,
        'an objective must be an object with name, dimension and objective',
      );
      return;
    }
    let ok = true;
    const fail = (at: DocumentPath, message: string) => {
      ctx.source.report(at, message);
      ok = false;
    };
    const display = str(raw.name);
    let id: { name: string; title?: string } | undefined;
    if (!display) fail(path, 'an objective needs a name');
    else {
      id = ctx.identifier(ctx.source, display, [...path, 'name'], 'slo');
      if (!id) ok = false;
      else {
        const key = toSqlName(id.name);
        const first = names.get(key);
        if (first !== undefined) {
          fail(
            [...path, 'name'],
            first === id.name
              ? `objective name '${id.name}' is used twice`
              : `objective name '${id.name}' and '${first}' are the same name in SQL (${key})`,
          );
        } else names.set(key, id.name);
      }
    }
    const dimension = str(raw.dimension)?.toLowerCase();
    if (!dimension)
      fail(
        path,
        'an objective needs a dimension (availability, completeness or freshness)',
      );
    else if (!(SLO_DIMENSIONS as readonly string[]).includes(dimension)) {
      fail(
        [...path, 'dimension'],
        `${show(raw.dimension)} is not one of ${SLO_DIMENSIONS.join(', ')}`,
      );
    }
    const objective = str(raw.objective);
    if (!objective)
      fail(path, 'an objective needs an objective: the promise, in words');
    const slo: ServiceLevelObjective = {
      name: id?.name ?? '',
      dimension: (dimension ?? 'availability') as SloDimension,
      objective: objective ?? '',
    };
    const explicitTitle = str(raw.title);
    if (explicitTitle) slo.title = explicitTitle;
    else if (id?.title) slo.title = id.title;
    for (const [key, value] of Object.entries(raw)) {
      const at = [...path, key];
      switch (key) {
        case 'name':
        case 'title':
        case 'dimension':
        case 'objective':
          break;
        case 'dataset': {
          const d = ctx.resolveDataset(value);
          if (d) slo.dataset = d;
          else {
            ctx.unknownDataset(value, at);
            ok = false;
          }
          break;
        }
        case 'target': {
          const target = parseTarget(value);
          if (target === undefined)
            fail(at, `${show(value)} is not a target; ${TARGET_HINT}`);
          else slo.target = target;
          break;
        }
        case 'tolerance': {
          const tolerance = parseTolerance(value);
          if (tolerance === undefined)
            fail(at, `${show(value)} is not a tolerance; ${TOLERANCE_HINT}`);
          else slo.tolerance = tolerance;
          break;
        }
        case 'window':
        case 'slice':
        case 'maxAge': {
          const duration = parseDuration(value);
          if (duration === undefined)
            fail(at, `${show(value)} is not a duration; ${DURATION_HINT}`);
          else slo[key] = duration;
          break;
        }
        case 'indicator':
          if (!isObj(value) || !str(value.name)) {
            fail(
              at,
              'indicator must be an object with a name (and optionally a description)',
            );
          } else {
            slo.indicator = { name: str(value.name)! };
            if (str(value.description))
              slo.indicator.description = str(value.description);
          }
          break;
        default:
          ctx.source.report(
            at,
            `'${key}' is not a field of an objective (name, title, dimension, objective, dataset, target, window, slice, maxAge, tolerance, indicator); it is ignored`,
            'warning',
          );
      }
    }
    if (ok) {
      setSpecOrigin(
        slo,
        path,
        Object.fromEntries(Object.keys(raw).map(k => [k, [...path, k]])),
      );
      out.push(slo);
    }
  });
  return out;
}

/** SLOs derived from the contracts' `slaProperties`: latency → freshness, availability, completeness. */
function slosFromContracts(ctx: OdpsContext): ServiceLevelObjective[] {
  const out: ServiceLevelObjective[] = [];
  const names = new Set<string>();
  for (const info of ctx.contractsById.values()) {
    if (!info.datasets.length) continue;
    list(info.value.slaProperties).forEach((sla, i) => {
      if (!isObj(sla) || typeof sla.property !== 'string') return;
      const path: DocumentPath = ['slaProperties', i];
      const property = normKey(sla.property);
      const element = str(sla.element)?.split(/[.,]/)[0].trim();
      const dataset =
        (element &&
          info.datasets.find(d => d.names.includes(element))?.dataset.name) ||
        info.datasets[0].dataset.name;
      const description = str(sla.description);
      let slo: ServiceLevelObjective | undefined;
      if (property === 'latency' || property === 'freshness') {
        const maxAge = parseDurationAmount(sla.value, sla.unit);
        if (!maxAge) {
          info.doc.report(
            [...path, 'value'],
            `${sla.property} ${show(sla.value)}${
              sla.unit ? ` ${String(sla.unit)}` : ''
            } is not a duration in minutes, hours, days or weeks; no freshness objective is derived from it`,
            'warning',
          );
          return;
        }
        slo = {
          name: `${dataset}-freshness`,
          dimension: 'freshness',
          objective: description ?? `Data is at most ${maxAge} old`,
          dataset,
          maxAge,
        };
      } else if (property === 'availability' || property === 'completeness') {
        const value =
          sla.value === null || sla.value === undefined
            ? ''
            : ` ${String(sla.value)}${sla.unit ? ` ${String(sla.unit)}` : ''}`;
        slo = {
          name: `${dataset}-${property}`,
          dimension: property,
          objective:
            description ??
            `${property === 'availability' ? 'Available' : 'Complete'}${value}`,
          dataset,
        };
        if (property === 'availability') {
          const target = parseFractionAmount(sla.value, sla.unit);
          if (target !== undefined && target > 0) slo.target = target;
          else if (sla.value !== undefined && sla.value !== null) {
            info.doc.report(
              [...path, 'value'],
              `availability ${show(
                sla.value,
              )} is not a target (${TARGET_HINT}); the objective uses the default target`,
              'warning',
            );
          }
        }
      }
      if (!slo) return; // retention, frequency, timeOfAvailability, ...: not monitored here
      let name = slo.name;
      for (let n = 2; names.has(name); n++) name = `${slo.name}-${n}`;
      if (name.length > 63) return; // dataset names are at most 63 long; a suffix must not break the rule
      slo.name = name;
      names.add(name);
      out.push(slo);
    });
  }
  return out;
}
