export { dataMeshApiRef } from './DataMeshApi';
export type {
  AccessRequestOperation,
  AccessRequestFilter,
  DataMeshApi,
  SloFleetFilter,
} from './DataMeshApi';
export { DataMeshClient, DataMeshUnreachableError } from './DataMeshClient';
