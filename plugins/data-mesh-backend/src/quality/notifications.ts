/*
 * The owners of a product hear when one of its blocking data-quality
 * checks starts failing, with each failure in words and a link to the
 * product page, whose Data quality card shows the checks.
 */
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { ownerRefOf } from '../slo/monitors';
import type { QualityFailureNotifier } from './collector';

/** Topic of the notifications: owners may mute it in their settings. @public */
export const QUALITY_TOPIC = 'data-mesh-quality';

export function createQualityNotifier(
  notifications: NotificationService,
): QualityFailureNotifier {
  return {
    async failing(entity: DataProductEntityV1alpha1, failures) {
      const owner = ownerRefOf(entity);
      if (!owner) return;
      const namespace = entity.metadata.namespace ?? 'default';
      const title = entity.metadata.title ?? entity.metadata.name;
      const n = failures.length;
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `${title} fails ${n} data-quality check${n === 1 ? '' : 's'}`,
          description: failures
            .map(f => `${f.key}: ${f.outcome?.reason ?? f.message}`)
            .join('; '),
          link: `/catalog/${namespace}/dataproduct/${entity.metadata.name}`,
          severity: 'high',
          topic: QUALITY_TOPIC,
        },
      });
    },
  };
}
