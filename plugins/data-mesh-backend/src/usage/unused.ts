/*
 * Unused grants (issue 9 §3): an active access whose roles have not read
 * the product for `dataMesh.access.unusedAfter` (default 30 days), counted
 * from the later of the grant and the window start, is flagged and its
 * product's owners and its consumer are told once. Only products whose warehouse reports
 * reads by role can be judged: table-level counters cannot say whose grant
 * went unused, so nothing is flagged there rather than everything.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';
import { readersApartFromOwner, readersOf } from '../access/parties';
import { type DailyUsage, type UsageStore, utcDay } from './UsageStore';

/** Notification topic of unused grants. @public */
export const UNUSED_GRANT_TOPIC = 'data-mesh-access-unused';

/** @public */
export interface UnusedGrantNotifier {
  unused(request: AccessRequestRecord, unusedAfterDays: number): Promise<void>;
}

/** The warehouse roles whose reads count for a request: its own role and the grantee it is granted to. */
export const requestRoles = (r: AccessRequestRecord) => [
  ...new Set([r.role, r.grantee].map(x => x.toLowerCase())),
];

/** When the access started: the approval, else the request (auto-approved). */
export const grantedAt = (r: AccessRequestRecord) =>
  r.decidedAt ?? r.requestedAt;

/** Reads of a request's roles among some daily rows of its product. */
export function readsOf(request: AccessRequestRecord, rows: DailyUsage[]) {
  const roles = new Set(requestRoles(request));
  let reads = 0;
  let lastReadAt: number | undefined;
  for (const row of rows) {
    if (row.product !== request.product || !roles.has(row.reader)) continue;
    reads += row.reads;
    if (row.lastReadAt !== undefined && (lastReadAt ?? -1) < row.lastReadAt)
      lastReadAt = row.lastReadAt;
  }
  return { reads, lastReadAt };
}

/** Flag (and notify once) the unused active grants of `byRole` products; returns how many were newly flagged. */
export async function checkUnusedGrants(options: {
  store: UsageStore;
  accessStore: AccessRequestStore;
  /** Products whose latest reading was by role. */
  byRole: string[];
  now: number;
  unusedAfterMs: number;
  notifier?: UnusedGrantNotifier;
  logger: LoggerService;
}): Promise<number> {
  const { store, now, unusedAfterMs } = options;
  if (options.byRole.length === 0) return 0;
  const judged = new Set(options.byRole);
  const active = (await options.accessStore.list({ state: 'active' })).filter(
    r => judged.has(r.product),
  );
  const since = now - unusedAfterMs;
  const rows = await store.since([...judged], utcDay(since));
  const unused: AccessRequestRecord[] = [];
  const read: string[] = [];
  for (const r of active) {
    const { reads } = readsOf(r, rows);
    if (reads > 0) read.push(r.id);
    else if (grantedAt(r) <= since) unused.push(r);
  }
  await store.clearUnused(read);
  const fresh = new Set(
    await store.flagUnused(
      unused.map(r => ({ requestId: r.id, product: r.product })),
      now,
    ),
  );
  if (options.notifier) {
    const days = Math.round(unusedAfterMs / (24 * 3_600_000));
    for (const r of unused) {
      // the claim makes the notice go out once, whichever instance runs
      if (!(await store.claimNotification(r.id, now))) continue;
      try {
        await options.notifier.unused(r, days);
      } catch (e) {
        options.logger.warn(
          `Unused-grant notification for ${r.id} failed: ${e}`,
        );
      }
    }
  }
  return fresh.size;
}

/**
 * The product's owners, and the consumer (its requester and members), each
 * in words of their own, through the Backstage notifications plugin: the
 * owners may revoke, the consumer may give the access up from My access.
 * @public
 */
export function createUnusedGrantNotifier(
  notifications: NotificationService,
): UnusedGrantNotifier {
  return {
    async unused(r, days) {
      const { namespace, name } = parseEntityRef(r.product);
      const scope = `data-mesh:access-unused:${r.id}`;
      const owner = r.owner?.toLowerCase();
      if (owner) {
        await notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title: `Unused access: ${r.consumer} on ${r.product}`,
            description: `${r.consumer} has not read ${r.product} (${r.outputPort}) for ${days} days; consider revoking the grant.`,
            link: `/catalog/${namespace}/dataproduct/${name}/access`,
            severity: 'low',
            topic: UNUSED_GRANT_TOPIC,
            scope,
          },
        });
      }
      const recipients = readersApartFromOwner(readersOf([r]), owner);
      if (!recipients) return;
      await notifications.send({
        recipients,
        payload: {
          title: `Access you do not use: ${r.product} (${r.outputPort})`,
          description: `${r.consumer} has not read ${r.product} (${r.outputPort}) for ${days} days. If it is no longer needed, give it up from My access; its owners were told too.`,
          link: '/data-products/my-access',
          severity: 'low',
          topic: UNUSED_GRANT_TOPIC,
          scope: `${scope}:consumer`,
        },
      });
    },
  };
}
