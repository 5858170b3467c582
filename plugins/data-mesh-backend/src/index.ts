/**
 * The data-mesh backend plugin of Backstage Data Mesh: the SLO engine
 * (monitors derived from DataProduct entities, collection on the scheduler
 * with one stats query per warehouse database, OpenSLO timeslices, breach
 * notifications) and its REST API.
 *
 * @packageDocumentation
 */
export { dataMeshPlugin as default } from './plugin';
export {
  dataMeshPlugin,
  dataMeshClockServiceRef,
  SLO_COLLECTION_TASK_ID,
} from './plugin';
export * from './slo/collector';
export * from './slo/config';
export * from './slo/evaluation';
export * from './slo/monitors';
export * from './slo/notifications';
export * from './slo/router';
export * from './slo/SloStore';
export * from './infra';
export * from './examples';
