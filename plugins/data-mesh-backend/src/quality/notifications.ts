/*
 * When one of a product's blocking data-quality checks starts failing, its
 * owners hear it with each failure in words, and so do the product's
 * readers (the consumers holding access, apart from the owners) in words
 * of their own: what they read may be wrong until the owners fix it. Both
 * link to the product page, whose Data quality card shows the checks.
 */
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { readersApartFromOwner } from '../access/parties';
import { ownerRefOf, productRefOf } from '../slo/monitors';
import type { QualityFailureNotifier } from './collector';

/** Topic of the owners' notifications: they may mute it in their settings. @public */
export const QUALITY_TOPIC = 'data-mesh-quality';
/** Topic of the readers' notifications. @public */
export const QUALITY_READ_TOPIC = 'data-mesh-quality-read';

export function createQualityNotifier(
  notifications: NotificationService,
  options: {
    /** Entity refs of who reads a product (its access holders). */
    readersOf?(product: string): Promise<string[]>;
  } = {},
): QualityFailureNotifier {
  return {
    async failing(entity: DataProductEntityV1alpha1, failures) {
      const owner = ownerRefOf(entity);
      const namespace = entity.metadata.namespace ?? 'default';
      const title = entity.metadata.title ?? entity.metadata.name;
      const n = failures.length;
      const checks = `${n} data-quality check${n === 1 ? '' : 's'}`;
      const what = failures
        .map(f => `${f.key}: ${f.outcome?.reason ?? f.message}`)
        .join('; ');
      const link = `/catalog/${namespace}/dataproduct/${entity.metadata.name}`;
      if (owner) {
        await notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title: `${title} fails ${checks}`,
            description: what,
            link,
            severity: 'high',
            topic: QUALITY_TOPIC,
          },
        });
      }
      const readers = readersApartFromOwner(
        (await options.readersOf?.(productRefOf(entity))) ?? [],
        owner,
      );
      if (readers) {
        await notifications.send({
          recipients: readers,
          payload: {
            title: `A data product you read fails ${checks}: ${title}`,
            description: `What you read from it may be wrong until its owners (${
              owner ?? 'unknown'
            }) fix it. ${what}`,
            link,
            severity: 'normal',
            topic: QUALITY_READ_TOPIC,
          },
        });
      }
    },
  };
}
