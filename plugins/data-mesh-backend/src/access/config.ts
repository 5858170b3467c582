/*
 * Configuration of access requests (`dataMesh.access`), read once at
 * startup; config.d.ts documents the keys.
 */
import type {
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { parseAccessDuration } from './policy';

/** @public */
export interface AccessConfig {
  /** Duration of a request that names none and whose port has no policy. */
  defaultDurationMs: number;
  /** Longest duration a request (or an extension, counted from now) may reach. */
  maxDurationMs: number;
  naming: {
    /** Per-request role; tokens `{org}`, `{id}`. */
    requestRole: string;
    /** A group's team role; tokens `{org}`, `{group}`. */
    teamRole: string;
  };
  /** How long before the expiry requester and owners are warned. */
  warnBeforeMs: number;
  /** The expiry sweep (expire, warn, retry warehouse work). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  notifications: boolean;
}

const D = 24 * 3_600_000;

function duration(config: RootConfigService, key: string, fallback: number) {
  const text = config.getOptionalString(key);
  if (text === undefined) return fallback;
  const ms = parseAccessDuration(text);
  if (ms === undefined) {
    throw new Error(
      `${key}: '${text}' is not a duration (write e.g. 90d or P90D)`,
    );
  }
  return ms;
}

/** Read `dataMesh.access`, with the documented defaults. @public */
export function readAccessConfig(config: RootConfigService): AccessConfig {
  const defaultDurationMs = duration(
    config,
    'dataMesh.access.defaultDuration',
    90 * D,
  );
  const maxDurationMs = duration(
    config,
    'dataMesh.access.maxDuration',
    365 * D,
  );
  if (defaultDurationMs > maxDurationMs) {
    throw new Error(
      'dataMesh.access.defaultDuration is longer than dataMesh.access.maxDuration',
    );
  }
  const schedule = config.has('dataMesh.access.schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('dataMesh.access.schedule'),
      )
    : {
        frequency: { minutes: 15 },
        timeout: { minutes: 5 },
        initialDelay: { minutes: 1 },
      };
  return {
    defaultDurationMs,
    maxDurationMs,
    naming: {
      requestRole:
        config.getOptionalString('dataMesh.access.naming.requestRole') ??
        '{org}_access_{id}',
      teamRole:
        config.getOptionalString('dataMesh.access.naming.teamRole') ??
        'team_{group}',
    },
    warnBeforeMs: duration(config, 'dataMesh.access.warnBefore', 7 * D),
    schedule,
    notifications:
      config.getOptionalBoolean('dataMesh.access.notifications.enabled') ??
      true,
  };
}
