/*
 * What the catalog tells the data mesh plugins as it processes products.
 *
 * The catalog has no event for "an entity changed" (it publishes processing
 * errors and conflicts only), so the data mesh catalog module publishes one
 * when it processes a DataProduct whose spec differs from what it last saw.
 * Subscribers (the SLO engine) react within seconds instead of waiting for
 * their next full reconcile of the catalog, which stays as the safety net.
 */

/** Topic of {@link DataProductProcessedEvent}. @public */
export const DATA_PRODUCT_PROCESSED_TOPIC = 'datamesh.data-product.processed';

/**
 * Payload of an event on {@link DATA_PRODUCT_PROCESSED_TOPIC}: the product as
 * processed (what the catalog is about to store; it may take a moment to
 * be served by the catalog API).
 * @public
 */
export interface DataProductProcessedEvent {
  /** `dataproduct:<namespace>/<name>`, lowercase. */
  entityRef: string;
  /** The processed entity (catalog form). */
  entity: unknown;
}
