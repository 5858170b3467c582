/*
 * A product's audit trail entry (GET /lifecycle/{namespace}/{name}) in
 * words for its owners and auditors: what was done, whether it failed and
 * why, and the statements sent. The API keeps the codes and the details as
 * the backend wrote them; anything this file does not know is shown as
 * written rather than hidden.
 */
import {
  ACCESS_REPAIR_AUDIT_ACTION,
  CHANGE_SOURCE_WORDS,
  type AccessRepairAuditDetail,
  INFRASTRUCTURE_APPLY_AUDIT_ACTION,
  type InfrastructureApplyAuditDetail,
  type LifecycleAuditEntry,
  type ReportedChangeDetail,
  referenceLink,
  RETIREMENT_STEP_IDS,
  type RetirementStepId,
  SANDBOX_CREATE_AUDIT_ACTION,
  SANDBOX_DELETE_AUDIT_ACTION,
  SANDBOX_KEEP_AUDIT_ACTION,
  LEFTOVER_DROP_AUDIT_ACTION,
  LEFTOVER_KEEP_AUDIT_ACTION,
  type SandboxCreateAuditDetail,
  type SandboxDeleteAuditDetail,
  type SandboxKeepAuditDetail,
  type LeftoverDropAuditDetail,
  type LeftoverKeepAuditDetail,
} from '@datamesh/plugin-data-mesh-common';
import { RETIREMENT_STEP_TITLES } from '../lifecycle/RetirementDialog';

/** An entry as people read it. */
export interface AuditWords {
  /** One sentence: what was done. */
  what: string;
  /** The warehouse's (or the step's) error, when it failed. */
  failed?: string;
  /** What was sent, in order: statements, or the step's own lines. */
  lines: string[];
  /**
   * Where it ran, when not in the portal (an apply or a sandbox a template
   * or a pipeline reported): words, and the run's address when it is a web
   * address.
   */
  where?: {
    text: string;
    /** The task's page or the pipeline's run, shown in brackets after `text`. */
    link?: { text: string; href: string };
    /** Words after the link. */
    after?: string;
  };
}

/** Where the app shows what ran elsewhere, when it can. */
export interface ChangeLinks {
  /** The scaffolder's page of a task, by its id. */
  task?: (taskId: string) => string | undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const day = (iso: unknown) =>
  typeof iso === 'string' ? iso.slice(0, 10) : 'an unknown date';

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

function isStep(id: string): id is RetirementStepId {
  return (RETIREMENT_STEP_IDS as readonly string[]).includes(id);
}

function deprecationWords(detail: Record<string, unknown>): string {
  const successor = text(detail.successor);
  const reason = text(detail.reason);
  return `retires on ${day(detail.retireAt)}${
    successor ? `, succeeded by ${successor}` : ''
  }${
    detail.acceptNewRequests === true
      ? '; still accepts new access requests'
      : ''
  }${reason ? `: "${reason}"` : ''}`;
}

/**
 * Where a change outside the portal runs or ran: a template's task (linked
 * to its page when the app has the scaffolder), or the CLI in a pipeline
 * (its run linked when a web address).
 */
export function changeWhere(
  d: ReportedChangeDetail,
  links: ChangeLinks = {},
): AuditWords['where'] {
  if (d.source !== 'template' && d.source !== 'cli') return undefined;
  const reference = text(d.reference);
  const after = text(d.declaredOwner)
    ? `, before the catalog had the product (declared owner ${d.declaredOwner})`
    : undefined;
  const href =
    d.source === 'template'
      ? reference && links.task?.(reference)
      : referenceLink(reference);
  let words = CHANGE_SOURCE_WORDS[d.source];
  if (reference && !href) {
    words +=
      d.source === 'template' ? ` (task ${reference})` : ` (${reference})`;
  }
  return {
    text: words,
    ...(href
      ? {
          link: {
            text: d.source === 'template' ? `task ${reference}` : 'CI run',
            href,
          },
        }
      : {}),
    ...(after ? { after } : {}),
  };
}

const withWhere = (d: ReportedChangeDetail, links: ChangeLinks) => {
  const where = changeWhere(d, links);
  return where ? { where } : {};
};

/** What `entry` says, in words. */
export function auditWords(
  entry: LifecycleAuditEntry,
  links: ChangeLinks = {},
): AuditWords {
  const detail = entry.detail ?? {};
  const failed = text(detail.error);
  switch (entry.action) {
    case INFRASTRUCTURE_APPLY_AUDIT_ACTION: {
      const d = detail as Partial<InfrastructureApplyAuditDetail>;
      const statements = strings(d.statements);
      const stage = text(d.stage);
      const plan = `the warehouse plan${stage ? ` (stage ${stage})` : ''}`;
      const how = `${d.run ? ' (in a repair run)' : ''}${
        d.allowDestructive ? ', destructive changes allowed' : ''
      }`;
      let what = `Applied ${plan}: ${plural(
        statements.length,
        'statement',
      )}${how}`;
      if (failed) {
        what = `Applying ${plan} failed after ${plural(
          statements.length,
          'statement',
        )}${how}`;
      } else if (statements.length === 0) {
        what = `Applied ${plan}: nothing to change${how}`;
      }
      return { what, failed, lines: statements, ...withWhere(d, links) };
    }
    case ACCESS_REPAIR_AUDIT_ACTION: {
      const d = detail as Partial<AccessRepairAuditDetail>;
      const statements = strings(d.statements);
      const revoked = Array.isArray(d.revoked) ? d.revoked.length : 0;
      const requests = strings(d.requests).length;
      return {
        what: `${
          failed ? 'Repairing access drift failed' : 'Repaired access drift'
        }: ${plural(statements.length, 'statement')}${
          revoked
            ? `; ${plural(revoked, 'grant')} no request explained revoked`
            : ''
        }${
          requests ? `; recorded on ${plural(requests, 'access request')}` : ''
        }`,
        failed,
        lines: statements,
      };
    }
    case SANDBOX_CREATE_AUDIT_ACTION: {
      const d = detail as Partial<SandboxCreateAuditDetail>;
      const schemas = strings(d.schemas);
      const replaced = strings(d.replaced);
      const branch = text(d.branch) ?? '?';
      const how =
        d.method === 'zero-copy' ? ' (zero-copy clones)' : ' (tables copied)';
      return {
        what: failed
          ? `Making the sandbox of branch ${branch} failed`
          : `Made the sandbox of branch ${branch}${d.method ? how : ''}${
              replaced.length
                ? `, replacing ${plural(replaced.length, 'schema')}`
                : ''
            }`,
        failed,
        lines: schemas,
        ...withWhere(d, links),
      };
    }
    case SANDBOX_DELETE_AUDIT_ACTION: {
      const d = detail as Partial<SandboxDeleteAuditDetail>;
      const dropped = strings(d.dropped);
      const branch = text(d.branch) ?? '?';
      // the platform's expiry, or a person's (or a pipeline's) deletion
      const expired = d.expired
        ? ` at its expiry (made ${day(d.expired.createdAt)}, expired ${day(
            d.expired.expiresAt,
          )})`
        : '';
      let what = `Deleted the sandbox of branch ${branch}${expired}: ${plural(
        dropped.length,
        'schema',
      )} dropped`;
      if (failed) {
        what = `Deleting the sandbox of branch ${branch}${expired} failed`;
      }
      return { what, failed, lines: dropped, ...withWhere(d, links) };
    }
    case SANDBOX_KEEP_AUDIT_ACTION: {
      const d = detail as Partial<SandboxKeepAuditDetail>;
      return {
        what: `Kept the sandbox of branch ${
          text(d.branch) ?? '?'
        } past its expiry: the platform deletes it on ${day(d.expiresAt)}`,
        failed,
        lines: [],
      };
    }
    case LEFTOVER_DROP_AUDIT_ACTION: {
      const d = detail as Partial<LeftoverDropAuditDetail>;
      const dropped = strings(d.dropped);
      const roles = strings(d.roles);
      const whose =
        d.productInCatalog === false
          ? 'left behind when it left the catalog'
          : 'it no longer declared';
      const what = [
        ...(dropped.length ? [plural(dropped.length, 'schema')] : []),
        ...(roles.length ? [plural(roles.length, 'role')] : []),
      ].join(' and ');
      return {
        what: failed
          ? `Dropping ${what} ${whose} failed`
          : `Dropped ${what} ${whose}`,
        failed,
        lines: [...dropped, ...roles],
      };
    }
    case LEFTOVER_KEEP_AUDIT_ACTION: {
      const d = detail as Partial<LeftoverKeepAuditDetail>;
      if (!d.kept) {
        return { what: 'No longer keeps what it left behind', lines: [] };
      }
      const what = [
        ...(d.schemas ? [plural(d.schemas, 'schema')] : []),
        ...(d.roles ? [plural(d.roles, 'role')] : []),
      ].join(' and ');
      return {
        what: `Kept ${what || 'what it'} left behind on purpose: “${
          d.reason ?? ''
        }”`,
        lines: [],
      };
    }
    case 'deprecate':
      return {
        what: `Deprecated: ${deprecationWords(detail)}`,
        lines: [],
      };
    case 'deprecation-changed':
      return {
        what: `Changed the deprecation: ${deprecationWords(detail)}`,
        lines: [],
      };
    case 'retire-start': {
      const readers = strings(detail.readers);
      const reason = text(detail.reason);
      return {
        what: `Started the retirement${
          detail.force === true
            ? ` although ${plural(readers.length, 'consumer')} still read it${
                reason ? `: "${reason}"` : ''
              }`
            : ''
        }`,
        lines: readers,
      };
    }
    case 'step-failed': {
      const step = text(detail.step) ?? '?';
      return {
        what: `Retirement step failed: ${
          isStep(step) ? RETIREMENT_STEP_TITLES[step] : step
        }`,
        failed: failed ?? 'unknown error',
        lines: [],
      };
    }
    case 'archive-dropped':
      return { what: 'Dropped the archive of the output layer', lines: [] };
    case 'retired':
      return {
        what: 'Retired: the product is off the catalog; its archive is kept until its retention ends',
        lines: [],
      };
    default:
      if (entry.action.startsWith('step:')) {
        const step = entry.action.slice('step:'.length);
        return {
          what: `Retirement step done: ${
            isStep(step) ? RETIREMENT_STEP_TITLES[step] : step
          }`,
          lines: strings(detail.lines),
        };
      }
      // an action this portal does not know yet: as the backend wrote it
      return {
        what: entry.action,
        failed,
        lines: entry.detail ? [JSON.stringify(entry.detail)] : [],
      };
  }
}
