/*
 * Deprecation notices through the Backstage notifications plugin: the
 * consumers holding grants on a product (requesters and the groups or
 * products they asked on behalf of) learn the retirement date and the
 * successor, with a link to the product page, where the banner says the
 * same; and, when retirement takes their grants back, that their access
 * has ended. The owners of the products a retired product read learn that
 * the reader left.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { ACCESS_REQUEST_TOPIC } from '../access/notifications';
import type { LifecycleRecord } from './LifecycleStore';

/** Notification topic of deprecations (users can mute it). @public */
export const PRODUCT_DEPRECATION_TOPIC = 'data-mesh-deprecation';

/** @public */
export interface LifecycleNotifier {
  deprecated(
    entity: DataProductEntityV1alpha1,
    record: LifecycleRecord,
    recipients: string[],
  ): Promise<void>;
  /** Retirement took back their grants: what they read is gone. */
  accessEnded?(
    entity: DataProductEntityV1alpha1,
    record: LifecycleRecord,
    recipients: string[],
  ): Promise<void>;
  /**
   * Retirement gave up the product's own access to other products (its
   * inputs): their owners learn that a reader left, on each request's
   * thread.
   */
  readerLeft?(
    entity: DataProductEntityV1alpha1,
    requests: {
      id: string;
      product: string;
      outputPort: string;
      owner?: string;
    }[],
  ): Promise<void>;
}

/** The product's page, relative to the app. */
export function productPage(productRef: string): string {
  const { namespace, name } = parseEntityRef(productRef);
  return `/catalog/${namespace}/dataproduct/${name}`;
}

/** @public */
export function createLifecycleNotifier(
  notifications: NotificationService,
): LifecycleNotifier {
  return {
    async deprecated(entity, record, recipients) {
      if (recipients.length === 0) return;
      const date = new Date(record.retireAt).toISOString().slice(0, 10);
      const title = entity.metadata.title ?? entity.metadata.name;
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: `${title} is deprecated: it retires on ${date}`,
          description: [
            record.successor
              ? `Move to its successor ${record.successor}.`
              : 'It has no successor.',
            record.reason,
          ]
            .filter(Boolean)
            .join(' '),
          link: productPage(record.product),
          severity: 'high',
          topic: PRODUCT_DEPRECATION_TOPIC,
          // a changed date is a new notice; the same date is not repeated
          scope: `data-mesh:deprecation:${record.product}:${record.retireAt}`,
        },
      });
    },

    async accessEnded(entity, record, recipients) {
      if (recipients.length === 0) return;
      const title = entity.metadata.title ?? entity.metadata.name;
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: `${title} is retired: your access to it has ended`,
          description: [
            `Its grants are revoked and its data leaves the warehouse.`,
            record.successor
              ? `Request access to its successor ${record.successor}.`
              : '',
          ]
            .filter(Boolean)
            .join(' '),
          // the product leaves the catalog: where the access was listed
          link: '/data-products/my-access',
          severity: 'high',
          topic: PRODUCT_DEPRECATION_TOPIC,
          scope: `data-mesh:retired:${record.product}`,
        },
      });
    },

    async readerLeft(entity, requests) {
      const title = entity.metadata.title ?? entity.metadata.name;
      for (const r of requests) {
        if (!r.owner) continue;
        await notifications.send({
          recipients: { type: 'entity', entityRef: r.owner },
          payload: {
            title: `${title} is retired: it no longer reads ${r.product} (${r.outputPort})`,
            description: `Its access request ${r.id} is given up and its request role dropped; nothing is left to decide or extend.`,
            link: `${productPage(r.product)}/access`,
            severity: 'normal',
            topic: ACCESS_REQUEST_TOPIC,
            // the request's own thread: this replaces its earlier notices
            scope: `data-mesh:access:${r.id}`,
          },
        });
      }
    },
  };
}
