/*
 * Configuration of the Changes timeline (`dataMesh.changes`), read once at
 * startup; config.d.ts documents the keys.
 */
import {
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readScheduleSetting } from '../scheduleSetting';

/** @public */
export interface ChangesConfig {
  /** The reconcile: one catalog read, revisions recorded, notifications sent. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Notify consumers holding a grant of breaking revisions. */
  notifications: boolean;
}

/** Read `dataMesh.changes`, with the documented defaults. @public */
export function readChangesConfig(config: RootConfigService): ChangesConfig {
  const schedule = readScheduleSetting(config, 'dataMesh.changes.schedule', {
    // a product page should show a pushed change within a minute or so;
    // a cycle is one paginated catalog read and one indexed query
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 20 },
  });
  return {
    schedule,
    notifications:
      config.getOptionalBoolean('dataMesh.changes.notifications.enabled') ??
      true,
  };
}
