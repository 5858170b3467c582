/*
 * Breaking-change notifications through the Backstage notifications
 * plugin: the consumers of a product (the requesters of its access requests
 * holding a grant and the groups or products they asked on behalf of) are told
 * once per breaking revision, with a link to the product's Changes tab.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { RevisionRecord } from './ChangeStore';

/** Notification topic of breaking changes (users can mute it). @public */
export const PRODUCT_CHANGE_TOPIC = 'data-mesh-breaking-change';

/** Tells consumers of a breaking revision. @public */
export interface ChangeNotifier {
  breaking(revision: RevisionRecord, recipients: string[]): Promise<void>;
}

/** The product's Changes tab, relative to the app. */
export function changesTab(productRef: string): string {
  const { namespace, name } = parseEntityRef(productRef);
  return `/catalog/${namespace}/dataproduct/${name}/changes`;
}

// a notification is read in a list: the first few reasons, then a count
const SHOWN = 3;

/** @public */
export function createChangeNotifier(
  notifications: NotificationService,
): ChangeNotifier {
  return {
    async breaking(r, recipients) {
      if (recipients.length === 0) return;
      const breaking = r.changes.filter(c => c.kind === 'breaking');
      const more = breaking.length - SHOWN;
      const version = r.version ? ` ${r.version}` : '';
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: `Breaking change: ${r.product}${version}`,
          description: `${breaking
            .slice(0, SHOWN)
            .map(c => c.message)
            .join('; ')}${more > 0 ? `; and ${more} more` : ''}${
            r.versionOk ? '' : `. ${r.versionMessage}`
          }`,
          link: changesTab(r.product),
          severity: 'high',
          topic: PRODUCT_CHANGE_TOPIC,
          scope: `data-mesh:changes:${r.product}:${r.revision}`,
        },
      });
    },
  };
}
