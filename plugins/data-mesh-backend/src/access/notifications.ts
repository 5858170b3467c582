/*
 * Access-request notifications through the Backstage notifications plugin:
 * the product's owners and the port's approvers (its ODCS roles) on a new
 * request or extension, never the person who asked; the requester (and a
 * teammate who asked for an extension) on a decision; the requester, the
 * owners and the consumer (a team's members; a consumer product's owners)
 * before the expiry, since any of the consumer's members may ask to extend;
 * the owners and approvers when the consumer cancels, and once more when a
 * request has waited long for their decision; on a port with two levels of
 * approvers, the first level on a new request or extension and the second
 * once the first approved it.
 * Each links to the product's Access tab.
 */
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { parseEntityRef } from '@backstage/catalog-model';
import { formatAge } from '@datamesh/plugin-data-mesh-common';
import type { AccessRequestRecord } from './AccessRequestStore';
import type { AccessHistoryRecord } from './accessRecords';

/** Notification topic of access requests (users can mute it). @public */
export const ACCESS_REQUEST_TOPIC = 'data-mesh-access-request';

/** What the service tells people. @public */
export interface AccessNotifier {
  /** `approvers`: the port's approvers (user/group refs) besides the owners. */
  requested(
    request: AccessRequestRecord,
    extension?: boolean,
    approvers?: string[],
  ): Promise<void>;
  /** `askedBy`: who asked for the extension decided, when not the requester. */
  decided(
    request: AccessRequestRecord,
    outcome:
      | 'approved'
      | 'rejected'
      | 'revoked'
      | 'extended'
      | 'extension rejected',
    askedBy?: string,
  ): Promise<void>;
  /** The first level approved (a request, or its extension): the second-level `approvers` decide now. */
  awaitsSecondApproval(
    request: AccessRequestRecord,
    approvers: string[],
  ): Promise<void>;
  expiring(request: AccessRequestRecord): Promise<void>;
  /**
   * The request has waited `waitedMs` for a decision: its deciders are
   * reminded, once — the owners and `approvers`, or only `approvers` (the
   * second level) once the first level approved it.
   */
  reminder(
    request: AccessRequestRecord,
    waitedMs: number,
    approvers?: string[],
  ): Promise<void>;
  /** The consumer withdrew the request or gave up its access: the owners and approvers no longer decide it. */
  cancelled(request: AccessRequestRecord, approvers?: string[]): Promise<void>;
}

function accessTab(productRef: string): string {
  const { namespace, name } = parseEntityRef(productRef);
  return `/catalog/${namespace}/dataproduct/${name}/access`;
}

/** The history action each told outcome is recorded as. */
const DECISION_ACTION = {
  approved: 'approve',
  rejected: 'reject',
  revoked: 'revoke',
  extended: 'extend-approve',
  'extension rejected': 'extend-reject',
} as const;

/** The first-level approval a second-level approval of each outcome follows. */
const FIRST_APPROVAL_ACTION = {
  approved: 'approve-first',
  extended: 'extend-approve-first',
} as const;

/** What a decision of each outcome answered: the request, or an extension. */
const ASK_ACTION = {
  approved: 'request',
  rejected: 'request',
  revoked: 'request',
  extended: 'extend-request',
  'extension rejected': 'extend-request',
} as const;

/**
 * Who decided and why, from the decision's history entry: ` by x: "why"`,
 * and ` by x after y` when y gave the first of two approvals of the same
 * ask (an approval of an earlier extension is not this one's, even if the
 * port lost its second level since).
 */
function decisionWords(
  r: AccessRequestRecord,
  outcome: keyof typeof DECISION_ACTION,
): string {
  let decision = r.history.length - 1;
  while (
    decision >= 0 &&
    r.history[decision].action !== DECISION_ACTION[outcome]
  )
    decision--;
  if (decision < 0) return '';
  const entry = r.history[decision];
  let first: AccessHistoryRecord | undefined;
  const firstAction =
    outcome === 'approved' || outcome === 'extended'
      ? FIRST_APPROVAL_ACTION[outcome]
      : undefined;
  for (let i = decision - 1; firstAction && i >= 0; i--) {
    const h = r.history[i];
    if (h.action === ASK_ACTION[outcome]) break;
    if (h.action === firstAction) {
      first = h;
      break;
    }
  }
  return ` by ${entry.actor}${first ? ` after ${first.actor}` : ''}${
    entry.comment ? `: "${entry.comment}"` : ''
  }`;
}

const day = (t?: number) =>
  t === undefined ? 'never' : new Date(t).toISOString().slice(0, 10);

/** @public */
export function createAccessNotifier(
  notifications: NotificationService,
): AccessNotifier {
  const send = (
    entityRefs: (string | undefined)[],
    r: AccessRequestRecord,
    title: string,
    description: string,
    exclude?: string | string[],
  ) => {
    const excluded = [exclude ?? []].flat();
    const refs = [
      ...new Set(
        entityRefs
          .filter((x): x is string => Boolean(x))
          .map(x => x.toLowerCase())
          .filter(x => !excluded.includes(x)),
      ),
    ];
    if (refs.length === 0) return Promise.resolve();
    return notifications.send({
      recipients: {
        type: 'entity',
        entityRef: refs,
        // a group naming the requester as member does not tell them either
        ...(excluded.length > 0
          ? {
              excludeEntityRef: excluded.length === 1 ? excluded[0] : excluded,
            }
          : {}),
      },
      payload: {
        title,
        description,
        link: accessTab(r.product),
        severity: 'normal',
        topic: ACCESS_REQUEST_TOPIC,
        scope: `data-mesh:access:${r.id}`,
      },
    });
  };
  return {
    requested: (r, extension, approvers = []) => {
      const asker = (
        (extension && r.extension?.requestedBy) ||
        r.requester
      ).toLowerCase();
      return send(
        [r.owner, ...approvers],
        r,
        extension
          ? `Extension requested: ${r.product} (${r.outputPort})`
          : `Access requested: ${r.product} (${r.outputPort})`,
        `${asker} asks ${
          extension ? 'to extend access' : 'for access'
        } on behalf of ${r.consumer}${r.pii ? ', with personal data' : ''}: ${
          extension && r.extension?.comment ? r.extension.comment : r.purpose
        }`,
        asker,
      );
    },
    decided: (r, outcome, askedBy) =>
      send(
        [r.requester, askedBy],
        r,
        `Access ${outcome}: ${r.product} (${r.outputPort})`,
        `Your request for ${r.consumer} was ${outcome}${decisionWords(
          r,
          outcome,
        )}${
          r.expiresAt && outcome !== 'rejected' && outcome !== 'revoked'
            ? `; access ends ${day(r.expiresAt)}`
            : ''
        }.${
          outcome === 'approved'
            ? ' Its row on the Access tab (and the port, and My access) shows how to read it.'
            : ''
        }`,
      ),
    reminder: (r, waitedMs, approvers = []) =>
      send(
        r.firstApproval ? approvers : [r.owner, ...approvers],
        r,
        `Waiting for your decision: ${r.product} (${r.outputPort})`,
        `${r.requester} asked ${formatAge(
          waitedMs,
        )} ago for access on behalf of ${r.consumer}${
          r.pii ? ', with personal data' : ''
        }: ${
          r.purpose
        }. Approve or reject it on the Access tab; the team waits.`,
        r.requester.toLowerCase(),
      ),
    cancelled: (r, approvers = []) => {
      const entry = [...r.history].reverse().find(h => h.action === 'cancel');
      const by = entry?.actor ?? r.requester;
      const granted = r.history.some(h => h.action === 'approve');
      return send(
        [r.owner, ...approvers],
        r,
        `Access ${granted ? 'given up' : 'request withdrawn'}: ${r.product} (${
          r.outputPort
        })`,
        `${by} ${granted ? 'gave up the access' : 'withdrew the request'} of ${
          r.consumer
        }${entry?.comment ? `: "${entry.comment}"` : ''}.${
          granted ? '' : ' Nothing is left to decide.'
        }`,
        by.toLowerCase(),
      );
    },
    awaitsSecondApproval: (r, approvers) => {
      const extension = Boolean(r.extension);
      const first = r.firstApproval?.by ?? 'the first level';
      return send(
        approvers,
        r,
        `Second approval needed: ${r.product} (${r.outputPort})`,
        `${first} approved ${
          extension ? 'extending the access' : 'the access'
        } of ${r.consumer}${r.pii ? ', with personal data' : ''} (asked by ${
          extension ? r.extension?.requestedBy : r.requester
        }: ${
          extension && r.extension?.comment ? r.extension.comment : r.purpose
        }). It is granted only once a second-level approver of the port approves it too; approve or reject it on the Access tab.`,
        // neither the requester nor the first approver decides the second level
        [
          (extension ? r.extension?.requestedBy : r.requester) ?? r.requester,
          r.firstApproval?.by ?? '',
        ]
          .filter(Boolean)
          .map(x => x.toLowerCase()),
      );
    },
    expiring: r =>
      send(
        [r.requester, r.owner, r.consumer],
        r,
        `Access expires ${day(r.expiresAt)}: ${r.product} (${r.outputPort})`,
        `The access of ${r.consumer} (requested by ${
          r.requester
        }) ends on ${day(r.expiresAt)}; the requester or any member of ${
          r.consumer
        } may ask to extend it from My access.`,
      ),
  };
}
