/*
 * One reader for the schedules of the plugin's tasks (`dataMesh.usage.schedule`,
 * `dataMesh.quality.schedule`, …): Backstage's task schedule definition
 * when the key is set, the task's documented default otherwise.
 */
import {
  type RootConfigService,
  type SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';

/** `key` as a task schedule, or `fallback` when the key is absent. */
export function readScheduleSetting(
  config: RootConfigService,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : fallback;
}
