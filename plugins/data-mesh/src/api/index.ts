export { dataMeshApiRef } from './DataMeshApi';
export type {
  AccessRequestOperation,
  AccessRequestFilter,
  DataMeshApi,
  SloFleetFilter,
  SpecProblemsFilter,
} from './DataMeshApi';
export { DataMeshClient, DataMeshUnreachableError } from './DataMeshClient';
