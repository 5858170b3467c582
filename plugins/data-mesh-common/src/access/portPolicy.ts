/*
 * The access policy of an output port (issue 8): who decides a request,
 * how long access lasts, whether personal data is ever granted, and the
 * roles and approvers an ODCS contract names.
 *
 * The author-facing readers (OAM `access`, ODPS output-port custom property
 * `access`, ODCS `roles[]`) all go through readPortAccess/readAccessRoles,
 * so a policy means the same in every format, with the value rules of
 * values.ts. checkPortAccess holds the rules that span fields, for every
 * format including the native entity. The backend and the frontend read a
 * policy only through portAccessPolicy, so they cannot disagree on a
 * default.
 */
import type { DocumentPath, SpecIssue } from '../issues';
import { setSpecOrigin } from '../entity';
import {
  ACCESS_APPROVALS,
  ACCESS_AUTO_APPROVE_SCOPES,
  ACCESS_PII_RULES,
  type AccessApproval,
  type AccessAutoApproveScope,
  type AccessPiiRule,
  type OutputPort,
  type PortAccessPolicy,
  type PortAccessRole,
} from '../model';
import { DURATION_HINT, parseDuration, showValue } from '../values';
import { durationToMillis } from '../slo/duration';

type Report = (
  path: DocumentPath,
  message: string,
  severity?: SpecIssue['severity'],
) => void;
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// `maxDuration`, `max_duration` and `max-duration` are one key: the OAM
// format spells its properties in snake_case, ODPS in camelCase.
function normKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

const POLICY_KEYS = [
  'approval',
  'autoApprove',
  'defaultDuration',
  'maxDuration',
  'pii',
  'roles',
] as const;
const ROLE_KEYS = [
  'role',
  'access',
  'description',
  'firstLevelApprovers',
  'secondLevelApprovers',
] as const;

/** Keys of `value` by their canonical name; unknown keys reported (or, with `report` undefined, ignored). */
function canonicalKeys<K extends string>(
  value: Obj,
  keys: readonly K[],
  path: DocumentPath,
  what: string,
  report: Report | undefined,
): Map<K, { value: unknown; path: DocumentPath }> {
  const byNorm = new Map(keys.map(k => [normKey(k), k]));
  const out = new Map<K, { value: unknown; path: DocumentPath }>();
  for (const [key, v] of Object.entries(value)) {
    const canonical = byNorm.get(normKey(key));
    if (canonical && !out.has(canonical)) {
      out.set(canonical, { value: v, path: [...path, key] });
    } else {
      // An error, not a warning: a misspelt `pii: deny` would silently
      // grant personal data.
      report?.(
        [...path, key],
        canonical
          ? `${canonical} is given twice in ${what}`
          : `unknown field '${key}' in ${what}; known fields are ${keys.join(
              ', ',
            )}`,
      );
    }
  }
  return out;
}

function choice<T extends string>(
  value: unknown,
  choices: readonly T[],
  path: DocumentPath,
  key: string,
  report: Report,
): T | undefined {
  const found =
    typeof value === 'string'
      ? choices.find(c => normKey(c) === normKey(value.trim()))
      : undefined;
  if (!found) {
    report(
      path,
      `${key} ${showValue(value)} is not one of ${choices.join(', ')}`,
    );
  }
  return found;
}

function text(
  value: unknown,
  path: DocumentPath,
  key: string,
  report: Report,
): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  report(path, `${key} must be non-empty text, not ${showValue(value)}`);
  return undefined;
}

/**
 * The roles and their approvers, as ODCS `roles[]` writes them (also the
 * `roles` of an OAM or ODPS port policy). With `checkedBySchema` (an ODCS
 * contract, already validated against the standard's schema) problems of
 * shape are not reported a second time; such entries are left out.
 * @public
 */
export function readAccessRoles(
  value: unknown,
  path: DocumentPath,
  report: Report,
  options: { checkedBySchema?: boolean } = {},
): PortAccessRole[] {
  const shape = options.checkedBySchema ? undefined : report;
  if (!Array.isArray(value)) {
    shape?.(
      path,
      'roles must be a list of { role, access, firstLevelApprovers, secondLevelApprovers }',
    );
    return [];
  }
  const roles: PortAccessRole[] = [];
  value.forEach((entry, i) => {
    const at = [...path, i];
    if (!isObj(entry)) {
      shape?.(at, `a role must be a mapping with role, access and approvers`);
      return;
    }
    // ODCS also allows an id and customProperties on a role; the portal
    // has no use for them.
    const known = options.checkedBySchema
      ? Object.fromEntries(
          Object.entries(entry).filter(
            ([k]) => k !== 'id' && k !== 'customProperties',
          ),
        )
      : entry;
    const fields = canonicalKeys(known, ROLE_KEYS, at, 'a role', shape);
    const roleField = fields.get('role');
    if (!roleField) {
      shape?.(at, 'a role needs role: the name of the role that gives access');
      return;
    }
    // The schema has said it when a value is not text; an empty one it allows.
    const check = (f: { value: unknown; path: DocumentPath }, key: string) =>
      typeof f.value === 'string' || !options.checkedBySchema
        ? text(f.value, f.path, key, report)
        : undefined;
    const role = check(roleField, 'role');
    if (role === undefined) return;
    const out: PortAccessRole = { role };
    const origin: Record<string, DocumentPath> = { role: roleField.path };
    for (const key of ROLE_KEYS.slice(1)) {
      const f = fields.get(key);
      if (!f) continue;
      const v = check(f, key);
      if (v !== undefined) out[key] = v;
      origin[key] = f.path;
    }
    setSpecOrigin(out, at, origin);
    roles.push(out);
  });
  return roles;
}

/**
 * An output port's policy as an author wrote it (OAM `access`, ODPS
 * custom property `access`): values follow the value rules (`90 days`,
 * `Auto`), keys may be camelCase or snake_case, unknown keys are errors.
 * Undefined when nothing usable is left.
 * @public
 */
export function readPortAccess(
  value: unknown,
  path: DocumentPath,
  report: Report,
): PortAccessPolicy | undefined {
  if (!isObj(value)) {
    report(
      path,
      `access must be a mapping with approval, autoApprove, defaultDuration, maxDuration, pii or roles, not ${showValue(
        value,
      )}`,
    );
    return undefined;
  }
  const fields = canonicalKeys(value, POLICY_KEYS, path, 'access', report);
  const policy: PortAccessPolicy = {};
  const origin: Record<string, DocumentPath> = {};
  for (const [key, f] of fields) {
    origin[key] = f.path;
    switch (key) {
      case 'approval':
        policy.approval = choice<AccessApproval>(
          f.value,
          ACCESS_APPROVALS,
          f.path,
          key,
          report,
        );
        break;
      case 'autoApprove':
        policy.autoApprove = choice<AccessAutoApproveScope>(
          f.value,
          ACCESS_AUTO_APPROVE_SCOPES,
          f.path,
          key,
          report,
        );
        break;
      case 'pii':
        policy.pii = choice<AccessPiiRule>(
          f.value,
          ACCESS_PII_RULES,
          f.path,
          key,
          report,
        );
        break;
      case 'defaultDuration':
      case 'maxDuration': {
        const d = parseDuration(f.value);
        if (d === undefined) {
          report(
            f.path,
            `${key} ${showValue(f.value)} is not a duration; ${DURATION_HINT}`,
          );
        }
        policy[key] = d;
        break;
      }
      case 'roles': {
        const roles = readAccessRoles(f.value, f.path, report);
        if (roles.length) policy.roles = roles;
        break;
      }
      default:
    }
  }
  for (const key of POLICY_KEYS) {
    if (policy[key] === undefined) delete policy[key];
  }
  if (Object.keys(policy).length === 0) return undefined;
  setSpecOrigin(policy, path, origin);
  return policy;
}

/**
 * The rules of a policy that span its fields, for every format (the
 * readers' origins locate them in the author's document).
 * @internal
 */
export function checkPortAccess(e: Record<string, any>, report: Report) {
  const ports = Array.isArray(e.spec?.outputPorts) ? e.spec.outputPorts : [];
  ports.forEach((port: unknown, i: number) => {
    const access = isObj(port) ? port.access : undefined;
    if (!isObj(access)) return;
    const at: DocumentPath = ['spec', 'outputPorts', i, 'access'];
    const def = durationToMillis(access.defaultDuration);
    const max = durationToMillis(access.maxDuration);
    if (def !== undefined && max !== undefined && def > max) {
      report(
        [...at, 'defaultDuration'],
        `defaultDuration ${access.defaultDuration} is longer than maxDuration ${access.maxDuration}; a request without a duration could never be granted`,
      );
    }
    if (access.autoApprove !== undefined && access.approval !== 'auto') {
      report(
        [...at, 'autoApprove'],
        `autoApprove says whose requests are approved automatically, but approval is ${
          access.approval ?? 'owner (the default)'
        }; add approval: auto or remove autoApprove`,
      );
    }
  });
}

/** A port's policy with its defaults applied and durations in milliseconds. @public */
export type PortAccessRules = {
  approval: AccessApproval;
  /** Set exactly when `approval` is `auto`. */
  autoApprove?: AccessAutoApproveScope;
  /** Absent: the platform's configured default applies. */
  defaultDurationMs?: number;
  /** Absent: only the platform's configured maximum applies. */
  maxDurationMs?: number;
  pii: AccessPiiRule;
  roles: PortAccessRole[];
};

/**
 * What a port's policy means for a request: the one reading of
 * `OutputPort.access` that the backend and the access screens share.
 * @public
 */
export function portAccessPolicy(
  port: Pick<OutputPort, 'access'>,
): PortAccessRules {
  const access = port.access ?? {};
  const approval = access.approval ?? 'owner';
  const maxDurationMs = durationToMillis(access.maxDuration);
  const defaultMs = durationToMillis(access.defaultDuration);
  return {
    approval,
    ...(approval === 'auto'
      ? { autoApprove: access.autoApprove ?? 'same-domain' }
      : {}),
    ...(defaultMs !== undefined
      ? {
          defaultDurationMs: Math.min(defaultMs, maxDurationMs ?? Infinity),
        }
      : {}),
    ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
    pii: access.pii ?? 'owner',
    roles: access.roles ?? [],
  };
}

// `user:jane`, `group:default/clinical-leads`: a principal the portal can
// check; anything else ("Reporting Manager") is text for people.
const APPROVER_REF =
  /^(user|group):(?:([a-z0-9][a-z0-9._-]{0,62})\/)?([a-z0-9][a-z0-9._-]{0,62})$/i;

/**
 * The principals an approvers text names: its comma-separated items that
 * are `user:` or `group:` entity refs (namespace `default` when absent),
 * as full lower-case refs. Other items are free text, shown only.
 * @public
 */
export function approverRefs(approvers: string | undefined): string[] {
  return (approvers ?? '').split(',').flatMap(item => {
    const m = APPROVER_REF.exec(item.trim());
    return m ? [`${m[1]}:${m[2] ?? 'default'}/${m[3]}`.toLowerCase()] : [];
  });
}

/** A port's approver principals (full lower-case refs) at each level. @public */
export type PortApproverLevels = { first: string[]; second: string[] };

/**
 * Who decides a port's requests at each level, besides the product's owners
 * (and admins) at the first: the principals its ODCS `roles[]` name as
 * first-level and as second-level approvers. When `second` is not empty the
 * two levels are chained: a request (or an extension) is approved only
 * when, after a first-level approval, one of `second` approves too, and not
 * the person who gave the first (four eyes). Free-text approvers name no
 * principal and chain nothing.
 * @public
 */
export function portApproverLevels(
  port: Pick<OutputPort, 'access'>,
): PortApproverLevels {
  const roles = port.access?.roles ?? [];
  const refs = (pick: (r: PortAccessRole) => string | undefined) => [
    ...new Set(roles.flatMap(r => approverRefs(pick(r)))),
  ];
  return {
    first: refs(r => r.firstLevelApprovers),
    second: refs(r => r.secondLevelApprovers),
  };
}

/**
 * Who besides the product's owners (and admins) takes part in deciding
 * requests for a port: the principals its ODCS `roles[]` name as first- or
 * second-level approvers (see `portApproverLevels` for who decides when).
 * Empty when the roles name none (free text only).
 * @public
 */
export function portApprovers(port: Pick<OutputPort, 'access'>): string[] {
  const { first, second } = portApproverLevels(port);
  return [...new Set([...first, ...second])];
}

/**
 * Where a user stands among a port's approvers: named (they or a group of
 * theirs) at the first level, at the second; and the port's second-level
 * approvers (empty: one approval decides).
 * @public
 */
export type PortApproverPlace = {
  first: boolean;
  second: boolean;
  secondLevel: string[];
};

/** The user's place among the port's approvers; `claims`: their ref and groups, full lower-case refs. @public */
export function portApproverPlace(
  port: Pick<OutputPort, 'access'>,
  claims: ReadonlySet<string>,
): PortApproverPlace {
  const levels = portApproverLevels(port);
  return {
    first: levels.first.some(a => claims.has(a)),
    second: levels.second.some(a => claims.has(a)),
    secondLevel: levels.second,
  };
}

/**
 * Whether `user` may approve what a request waits for (the request, or its
 * extension) — the rule the backend enforces and the screens and the inbox
 * follow: on a port with two levels, once the first level approved, only a
 * second-level approver other than the first approver; otherwise those the
 * permission framework lets decide (`decides`: owners, admins) and the
 * first-level approvers.
 * @public
 */
export function mayApproveNow(
  request: { firstApproval?: { by: string } | null },
  user: string,
  place: PortApproverPlace | undefined,
  decides: boolean,
): boolean {
  if (place && place.secondLevel.length > 0 && request.firstApproval) {
    return place.second && request.firstApproval.by !== user;
  }
  return decides || Boolean(place?.first);
}

/**
 * Whether a request is approved without the owner: it does not ask for
 * personal data (which always needs a person's decision), and either the
 * consumer is of the product's own team (`sameTeam`: the team reads what it
 * owns, whatever the port says) or the port approves automatically and the
 * request is in its scope.
 * @public
 */
export function autoApproves(
  rules: PortAccessRules,
  request: { pii: boolean; sameDomain: boolean; sameTeam?: boolean },
): boolean {
  return (
    !request.pii &&
    (request.sameTeam === true ||
      (rules.approval === 'auto' &&
        (rules.autoApprove === 'any' || request.sameDomain)))
  );
}
