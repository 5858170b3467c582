/*
 * `dataMesh.slo.*` (see config.d.ts) with its documented defaults.
 */
import {
  type SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import {
  type Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import {
  DEFAULT_SLO_DEFAULTS,
  type SloDefaults,
  durationToMillis,
  resolveObjective,
} from '@datamesh/plugin-data-mesh-common';

/** @public */
export interface SloEngineConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** The schedule's interval when it is a fixed duration (not cron or manual). */
  collectionIntervalMs?: number;
  defaults: SloDefaults;
  /** Observations, slices and updates older than this are deleted; at least the longest window plus one slice. */
  retentionMs: number;
  /** Raw observations older than this are deleted (slices keep the history). */
  observationRetentionMs: number;
  /** Slices covered by the "recent" burn rate. */
  recentSlices: number;
  /** Send breach notifications. */
  notifications: boolean;
  /** How long a monitor whose entity or objective disappeared is kept (hidden) before its history is deleted. */
  removedGraceMs: number;
  /** Live sync of new, changed and removed products (src/slo/liveSync.ts). */
  liveSync: {
    enabled: boolean;
    /** How often the catalog is asked for its number of DataProducts. */
    probeFrequency: HumanDuration;
  };
}

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 4 },
  initialDelay: { seconds: 30 },
};

/** @public */
export const DEFAULT_RETENTION = '30d';

/** @public */
export const DEFAULT_OBSERVATION_RETENTION = '7d';

function intervalOf(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'],
): number | undefined {
  if ('cron' in frequency || 'trigger' in frequency) return undefined;
  const f = frequency as { toMillis?: () => number };
  if (typeof f.toMillis === 'function') return f.toMillis();
  return durationToMilliseconds(frequency as HumanDuration);
}

/**
 * Read the engine's config. Throws on invalid values, so that a typo stops
 * the backend at startup instead of silently using a default.
 * @public
 */
export function readSloEngineConfig(config?: Config): SloEngineConfig {
  const slo = config?.getOptionalConfig('dataMesh.slo');
  const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({
      ...DEFAULT_SCHEDULE,
      ...(slo?.getOptionalConfig('schedule')?.get<object>() ?? {}),
    }),
  );
  const defaults: SloDefaults = {
    window:
      slo?.getOptionalString('defaults.window') ?? DEFAULT_SLO_DEFAULTS.window,
    slice:
      slo?.getOptionalString('defaults.slice') ?? DEFAULT_SLO_DEFAULTS.slice,
    target:
      slo?.getOptionalNumber('defaults.target') ?? DEFAULT_SLO_DEFAULTS.target,
    tolerance:
      slo?.getOptionalNumber('defaults.tolerance') ??
      DEFAULT_SLO_DEFAULTS.tolerance,
  };
  const problems = resolveObjective(
    { name: 'defaults', dimension: 'completeness', objective: 'defaults' },
    { defaults },
  ).problems;
  if (problems.length > 0) {
    throw new Error(`Invalid dataMesh.slo.defaults: ${problems.join('; ')}`);
  }
  const retentionText =
    slo?.getOptionalString('retention') ?? DEFAULT_RETENTION;
  const retentionMs = durationToMillis(retentionText);
  if (retentionMs === undefined) {
    throw new Error(
      `Invalid dataMesh.slo.retention '${retentionText}': write a whole number and m, h, d or w, e.g. 30d`,
    );
  }
  const observationText =
    slo?.getOptionalString('observationRetention') ??
    DEFAULT_OBSERVATION_RETENTION;
  const observationRetentionMs = durationToMillis(observationText);
  if (observationRetentionMs === undefined) {
    throw new Error(
      `Invalid dataMesh.slo.observationRetention '${observationText}': write a whole number and m, h, d or w, e.g. 7d`,
    );
  }
  const recentSlices = slo?.getOptionalNumber('burnRateRecentSlices') ?? 1;
  if (!Number.isInteger(recentSlices) || recentSlices < 1) {
    throw new Error(
      `Invalid dataMesh.slo.burnRateRecentSlices ${recentSlices}: a whole number of at least 1`,
    );
  }
  return {
    schedule,
    collectionIntervalMs: intervalOf(schedule.frequency),
    defaults,
    retentionMs,
    observationRetentionMs,
    recentSlices,
    notifications: slo?.getOptionalBoolean('notifications.enabled') ?? true,
    removedGraceMs: 24 * 60 * 60 * 1000,
    liveSync: {
      enabled: slo?.getOptionalBoolean('liveSync.enabled') ?? true,
      probeFrequency: slo?.has('liveSync.probeFrequency')
        ? readDurationFromConfig(slo, { key: 'liveSync.probeFrequency' })
        : { seconds: 5 },
    },
  };
}
