export { dataMeshApiRef } from './DataMeshApi';
export type { DataMeshApi, SloFleetFilter } from './DataMeshApi';
export { DataMeshClient, DataMeshUnreachableError } from './DataMeshClient';
