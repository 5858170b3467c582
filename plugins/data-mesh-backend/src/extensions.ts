/*
 * What modules of the data-mesh plugin may add to its SLO engine. The
 * example mesh (@datamesh/plugin-data-mesh-backend-module-examples) uses it
 * to prepare its products and replay their history before live collection
 * begins, without the plugin knowing about examples.
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  AccessAgreementRecordBody,
  AccessRequest,
  DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import type { SloCollector } from './slo/collector';
import type { SloStore } from './slo/SloStore';

/**
 * The plugin as a startup job sees it: the SLO engine, and the access
 * registry.
 * @public
 */
export interface SloStartupContext {
  /** The plugin's SLO store (its database). */
  store: SloStore;
  /** The plugin's collector (with its notifier). */
  collector: SloCollector;
  /**
   * A collector with the plugin's settings on another store, without
   * notifier and entity listing, e.g. to replay history into a scoped store.
   */
  createCollector(store: SloStore): SloCollector;
  /** Every DataProduct in the catalog, with the fields the monitors need. */
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
  /** The plugin's access registry, as the backend itself. */
  access: {
    /**
     * Record access agreed outside the portal (`POST
     * /access-requests/record` with the system as recorder): stored
     * approved and granted; the example mesh records its lineage's reads.
     * Throws a `ConflictError` when the consumer already holds it.
     */
    recordAgreement(body: AccessAgreementRecordBody): Promise<AccessRequest>;
  };
}

/**
 * A job that runs once every plugin has started (the catalog included). The
 * scheduled collection skips its cycles until every job is over, so live
 * observations never land before what the jobs write; then one collection
 * runs at once. A job's failure does not hold the collection back.
 * @public
 */
export type SloStartupJob = (context: SloStartupContext) => Promise<void>;

/** @public */
export interface DataMeshSloExtensionPoint {
  addStartupJob(job: SloStartupJob): void;
}

/**
 * The data-mesh plugin's SLO engine, for modules of the plugin.
 * @public
 */
export const dataMeshSloExtensionPoint =
  createExtensionPoint<DataMeshSloExtensionPoint>({ id: 'data-mesh.slo' });
