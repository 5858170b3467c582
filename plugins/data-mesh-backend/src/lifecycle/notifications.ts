/*
 * Deprecation notices through the Backstage notifications plugin: the
 * consumers holding grants on a product (requesters and the groups or
 * products they asked on behalf of) learn the retirement date and the
 * successor, with a link to the product page, where the banner says the
 * same; and, when retirement takes their grants back, that their access
 * has ended.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
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
  };
}
