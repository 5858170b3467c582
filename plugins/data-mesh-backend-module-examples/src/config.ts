/*
 * `dataMesh.examples.activity.*` (see config.d.ts). Off unless enabled:
 * the example activity writes synthetic data into the warehouse, which only
 * the embedded demo wants.
 */
import {
  type SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { type Config, ConfigReader } from '@backstage/config';
import { durationToMillis } from '@datamesh/plugin-data-mesh-common';

/** @public */
export interface ExampleActivityConfig {
  /** The activity profile, resolved against the backend's working directory. */
  profile: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  backfill: {
    enabled: boolean;
    windowMs: number;
    stepMs: number;
  };
  /** How long startup waits for the catalog to hold the example products. */
  catalogTimeoutMs: number;
}

const DEFAULT_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 4 },
  initialDelay: { seconds: 20 },
};

function duration(
  config: Config | undefined,
  key: string,
  fallback: string,
): number {
  const text = config?.getOptionalString(key) ?? fallback;
  const ms = durationToMillis(text);
  if (ms === undefined) {
    throw new Error(
      `Invalid dataMesh.examples.activity.${key} '${text}': write a whole number and m, h, d or w, e.g. ${fallback}`,
    );
  }
  return ms;
}

/**
 * The example activity's config, or undefined when it is not enabled.
 * Throws on invalid values, so a typo stops the backend at startup.
 * @public
 */
export function readExampleActivityConfig(
  config: Config,
): ExampleActivityConfig | undefined {
  const c = config.getOptionalConfig('dataMesh.examples.activity');
  if (!c?.getOptionalBoolean('enabled')) return undefined;
  const profile = c.getOptionalString('profile');
  if (!profile) {
    throw new Error(
      'dataMesh.examples.activity.profile is required when the example activity is enabled (e.g. ../../examples/warehouse/activity.yaml)',
    );
  }
  const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({
      ...DEFAULT_SCHEDULE,
      ...(c.getOptionalConfig('schedule')?.get<object>() ?? {}),
    }),
  );
  const windowMs = duration(c, 'backfill.window', '20d');
  const stepMs = duration(c, 'backfill.step', '1h');
  if (stepMs > windowMs) {
    throw new Error(
      'Invalid dataMesh.examples.activity.backfill: the step is longer than the window',
    );
  }
  return {
    profile,
    schedule,
    backfill: {
      enabled: c.getOptionalBoolean('backfill.enabled') ?? true,
      windowMs,
      stepMs,
    },
    catalogTimeoutMs: duration(c, 'catalogTimeout', '10m'),
  };
}
