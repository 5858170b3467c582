/*
 * Configuration of access requests (`dataMesh.access`), read once at
 * startup; config.d.ts documents the keys.
 */
import type {
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { accessRef } from '@datamesh/plugin-data-mesh-common';
import { readDurationSetting } from '../durationSetting';
import { readScheduleSetting } from '../scheduleSetting';

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
  /** How long a request waits for a decision before its deciders are reminded, once. */
  remindAfterMs: number;
  /** The expiry sweep (expire, warn, retry warehouse work). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  notifications: boolean;
  /** `dataMesh.access.auditorGroups` as full lower-case group refs: told of personal data read by hand too. */
  auditorGroups: string[];
  /** `dataMesh.access.adminGroups` (the platform team) as full lower-case group refs: told of what products gone from the catalog left behind. */
  adminGroups: string[];
  /** The unexplained-grants watch; undefined when it is off. */
  unexplainedGrants?: { schedule: SchedulerServiceTaskScheduleDefinition };
}

const D = 24 * 3_600_000;

/** Read `dataMesh.access`, with the documented defaults. @public */
export function readAccessConfig(config: RootConfigService): AccessConfig {
  const defaultDurationMs = readDurationSetting(
    config,
    'dataMesh.access.defaultDuration',
    90 * D,
  );
  const maxDurationMs = readDurationSetting(
    config,
    'dataMesh.access.maxDuration',
    365 * D,
  );
  if (defaultDurationMs > maxDurationMs) {
    throw new Error(
      'dataMesh.access.defaultDuration is longer than dataMesh.access.maxDuration',
    );
  }
  const schedule = readScheduleSetting(config, 'dataMesh.access.schedule', {
    frequency: { minutes: 15 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
  });
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
    warnBeforeMs: readDurationSetting(
      config,
      'dataMesh.access.warnBefore',
      7 * D,
    ),
    remindAfterMs: readDurationSetting(
      config,
      'dataMesh.access.remindAfter',
      3 * D,
    ),
    schedule,
    auditorGroups: (
      config.getOptionalStringArray('dataMesh.access.auditorGroups') ?? []
    ).map(group => accessRef(group, 'group')),
    adminGroups: (
      config.getOptionalStringArray('dataMesh.access.adminGroups') ?? []
    ).map(group => accessRef(group, 'group')),
    notifications:
      config.getOptionalBoolean('dataMesh.access.notifications.enabled') ??
      true,
    ...(config.getOptionalBoolean(
      'dataMesh.access.unexplainedGrants.enabled',
    ) ?? true
      ? {
          unexplainedGrants: {
            schedule: readScheduleSetting(
              config,
              'dataMesh.access.unexplainedGrants.schedule',
              {
                frequency: { hours: 1 },
                timeout: { minutes: 10 },
                initialDelay: { minutes: 5 },
              },
            ),
          },
        }
      : {}),
  };
}
