/**
 * The data-mesh backend plugin of Backstage Data Mesh: the SLO engine
 * (monitors derived from DataProduct entities, collection on the scheduler
 * with one stats query per warehouse database, OpenSLO timeslices, breach
 * notifications), infrastructure drift, access requests and their REST API.
 * The engine's parts, for modules and benches, are in `/alpha`.
 *
 * @packageDocumentation
 */
export { dataMeshPlugin as default } from './plugin';
export {
  dataMeshPlugin,
  dataMeshClockServiceRef,
  SLO_COLLECTION_TASK_ID,
} from './plugin';
export * from './extensions';
