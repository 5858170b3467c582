/*
 * Service-level assets (objectives) and the service-level indicators that
 * measure them.
 */
import { setSpecOrigin } from '../../entity';
import { toIdentifier } from '../../identifiers';
import {
  SLO_DIMENSIONS,
  type ServiceLevelObjective,
  type SloDimension,
} from '../../model';
import { type Component } from './components';
import type { OamContext } from './context';

export function readObjective(
  ctx: OamContext,
  c: Component,
  dataset: string | undefined,
): ServiceLevelObjective | undefined {
  const id = ctx.identify(c, 'slo');
  const dimProp = c.props.get('dimension');
  const rawDim = ctx.text(c, 'dimension');
  let dimension: SloDimension | undefined;
  if (rawDim === undefined) {
    ctx.report(
      c.path,
      `service-level-asset '${
        c.name
      }' needs a dimension: one of ${SLO_DIMENSIONS.join(', ')}`,
    );
  } else {
    dimension = SLO_DIMENSIONS.find(d => d === rawDim.toLowerCase());
    if (!dimension) {
      ctx.report(
        dimProp!.path,
        `'${rawDim}' is not one of ${SLO_DIMENSIONS.join(', ')}`,
      );
    }
  }
  if (!dimension) return undefined;
  const slo: ServiceLevelObjective = {
    name: id.name,
    ...(id.title ? { title: id.title } : {}),
    dimension,
    objective: ctx.text(c, 'description') ?? c.name,
  };
  if (dataset) slo.dataset = dataset;
  const target = ctx.fraction(c, 'target', 'target');
  if (target !== undefined) slo.target = target;
  const window = ctx.duration(c, 'window');
  if (window) slo.window = window;
  const slice = ctx.duration(c, 'slice');
  if (slice) slo.slice = slice;
  const maxAgeKey = c.props.has('max_age') ? 'max_age' : 'refresh_interval';
  const maxAge = ctx.duration(c, maxAgeKey);
  if (maxAge) slo.maxAge = maxAge;
  const tolerance = ctx.fraction(c, 'tolerance', 'tolerance');
  if (tolerance !== undefined) slo.tolerance = tolerance;
  setSpecOrigin(slo, c.path, {
    name: [...c.path, 'name'],
    title: [...c.path, 'name'],
    dimension: dimProp?.path,
    objective: ctx.propPath(c, 'description'),
    dataset: ctx.propPath(c, 'dataset'),
    target: ctx.propPath(c, 'target'),
    window: ctx.propPath(c, 'window'),
    slice: ctx.propPath(c, 'slice'),
    maxAge: ctx.propPath(c, maxAgeKey),
    tolerance: ctx.propPath(c, 'tolerance'),
  });
  return slo;
}

/** Attach each service-level-indicator to the objective it names. */
export function attachIndicators(
  ctx: OamContext,
  slos: { component: Component; slo: ServiceLevelObjective }[],
) {
  const assets = ctx.of('service-level-asset');
  const claimedBy = new Map<Component, Component>();
  for (const c of ctx.of('service-level-indicator')) {
    const p = c.props.get('service_level_name');
    const wanted = ctx.text(c, 'service_level_name');
    if (wanted === undefined) {
      ctx.report(
        c.path,
        `service-level-indicator '${c.name}' must name the objective it measures in service_level_name`,
      );
      continue;
    }
    const asset = assets.find(
      a =>
        a.name === wanted ||
        a.name.toLowerCase() === wanted.toLowerCase() ||
        toIdentifier(a.name).identifier === toIdentifier(wanted).identifier,
    );
    if (!asset) {
      const names = assets.map(a => `'${a.name}'`).join(', ');
      ctx.report(
        p!.path,
        `no service-level-asset named '${wanted}'${
          names ? `; the service-level-assets are ${names}` : ''
        }`,
      );
      continue;
    }
    const other = claimedBy.get(asset);
    if (other) {
      ctx.report(
        p!.path,
        `objective '${asset.name}' already has an indicator ('${other.name}'); an objective is measured by one indicator`,
      );
      continue;
    }
    claimedBy.set(asset, c);
    const entry = slos.find(s => s.component === asset);
    // the objective itself failed to read; its own error says why
    if (!entry) continue;
    const description = ctx.text(c, 'description');
    entry.slo.indicator = {
      name: c.name,
      ...(description ? { description: description.replace(/\s+/g, ' ') } : {}),
    };
    setSpecOrigin(entry.slo.indicator, c.path, {
      name: [...c.path, 'name'],
      description: ctx.propPath(c, 'description'),
    });
    // an indicator may state the measurement window and target the seed
    // puts in its prose ("over 20-day rolling period", "above 80")
    for (const [key, field] of [
      ['window', 'window'],
      ['slice', 'slice'],
    ] as const) {
      const value = ctx.duration(c, key);
      if (value === undefined) continue;
      if (entry.slo[field] !== undefined && entry.slo[field] !== value) {
        ctx.report(
          ctx.propPath(c, key)!,
          `objective '${asset.name}' already sets ${key} ${entry.slo[field]}; set it in one place`,
        );
      } else {
        entry.slo[field] = value;
      }
    }
    const target = ctx.fraction(c, 'target', 'target');
    if (target !== undefined) {
      if (entry.slo.target !== undefined && entry.slo.target !== target) {
        ctx.report(
          ctx.propPath(c, 'target')!,
          `objective '${asset.name}' already sets target ${entry.slo.target}; set it in one place`,
        );
      } else {
        entry.slo.target = target;
      }
    }
  }
}
