import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';

/** The settings under `dataMesh.catalog`, with defaults applied. */
export interface DataMeshCatalogConfig {
  verifyUpstreamPorts: boolean;
  storeNestedAsJson: boolean;
  /** Read OAM/ODPS documents as specs whatever their file name (the catalog's entity data parser). */
  recognizeSpecsByContent: boolean;
  discovery: string[];
  discoverySchedule: SchedulerServiceTaskScheduleDefinition;
}

const DEFAULT_DISCOVERY_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
};

export function readDataMeshCatalogConfig(
  config: Config,
): DataMeshCatalogConfig {
  const c = config.getOptionalConfig('dataMesh.catalog');
  return {
    verifyUpstreamPorts: c?.getOptionalBoolean('verifyUpstreamPorts') ?? true,
    storeNestedAsJson: c?.getOptionalBoolean('storeNestedAsJson') ?? true,
    recognizeSpecsByContent:
      c?.getOptionalBoolean('recognizeSpecsByContent') ?? true,
    discovery: c?.getOptionalStringArray('discovery') ?? [],
    discoverySchedule: c?.has('discoverySchedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          c.getConfig('discoverySchedule'),
        )
      : DEFAULT_DISCOVERY_SCHEDULE,
  };
}
