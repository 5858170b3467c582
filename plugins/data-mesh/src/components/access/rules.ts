/*
 * What the access screens need to know about a port and an error, without
 * React: the port's duration limits and which form field a backend refusal
 * names.
 */
import {
  type AccessRequest,
  type DataProductEntityV1alpha1,
  type OutputPort,
  isOpenState,
  personalDataColumns,
  portAccessPolicy,
  type PortApproverPlace,
} from '@datamesh/plugin-data-mesh-common';
import { errorMessage } from '../slo/SloErrors';

const DAY = 86_400_000;

/** The backend's default when neither the port nor its config says otherwise. */
export const DEFAULT_ACCESS_DAYS = 90;

/** Days a request lasts by default, and at most when the port says. */
export interface PortDurationLimits {
  defaultDays: number;
  /** Absent: the port sets no maximum (the backend's configured one still applies). */
  maxDays?: number;
}

function days(ms: number | undefined): number | undefined {
  return ms && ms >= DAY ? Math.floor(ms / DAY) : undefined;
}

/**
 * The port's duration limits in whole days, from common's
 * portAccessPolicy, the reading the backend enforces. A port without a
 * policy gets the 90-day default and no maximum of its own.
 */
export function portDurationLimits(port: OutputPort): PortDurationLimits {
  const rules = portAccessPolicy(port);
  const maxDays = days(rules.maxDurationMs);
  const defaultDays = days(rules.defaultDurationMs) ?? DEFAULT_ACCESS_DAYS;
  return {
    defaultDays: maxDays ? Math.min(defaultDays, maxDays) : defaultDays,
    maxDays,
  };
}

/** The port's policy refuses personal data (`pii: deny`). */
export function portDeniesPii(port: OutputPort): boolean {
  return portAccessPolicy(port).pii === 'deny';
}

/** The personal-data columns of the dataset the port serves. */
export function portPiiColumns(
  product: DataProductEntityV1alpha1,
  port: OutputPort,
): string[] {
  return personalDataColumns(product, port.dataset).map(c => c.column);
}

/** Whether the user may reject it: either level, owners and admins. */
export function mayReject(
  approval: PortApproverPlace | undefined,
  allowed: boolean,
): boolean {
  return allowed || Boolean(approval?.first || approval?.second);
}

/**
 * The field a backend refusal names, and its message: the backend answers
 * 400 with `<field>: <why>`, after `Invalid <what>: ` when its input
 * parser refused. Undefined when the message names none of `fields`.
 */
export function refusedField<F extends string>(
  error: Error,
  fields: readonly F[],
): { field: F; message: string } | undefined {
  const message = errorMessage(error).replace(/^Invalid [^:]+: /, '');
  const m = /^(\w+): (.*)$/s.exec(message);
  const field = m?.[1] as F | undefined;
  return field && fields.includes(field)
    ? { field, message: m![2] }
    : undefined;
}

// Expiries can be a year or more away, so unlike the SLO day labels they
// carry the year; UTC like every time the portal shows.
const expiryFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `2026-05-31T10:00:00Z` → "31 May 2026"; null → "—". */
export function formatExpiry(iso: string | null | undefined): string {
  return iso ? expiryFormat.format(new Date(iso)) : '—';
}

/** How soon granted access ends, when it is soon enough to act on. */
export const EXPIRY_SOON_DAYS = 14;

/** `in 5 days`, `today`: granted access ending within {@link EXPIRY_SOON_DAYS}; undefined otherwise. */
export function expiresSoon(
  iso: string | null | undefined,
  now: number,
): string | undefined {
  if (!iso) return undefined;
  const left = Date.parse(iso) - now;
  if (left < 0 || left >= EXPIRY_SOON_DAYS * DAY) return undefined;
  const d = Math.floor(left / DAY);
  if (d === 0) return 'today';
  return d === 1 ? 'in 1 day' : `in ${d} days`;
}

/** A request that still needs someone: waiting for a decision, or holding its grant. */
export const isOpenRequest = (r: AccessRequest) => isOpenState(r.state);

/** Open requests first, then ended ones, each group in its given order. */
export function openFirst(requests: AccessRequest[]): AccessRequest[] {
  return [
    ...requests.filter(isOpenRequest),
    ...requests.filter(r => !isOpenRequest(r)),
  ];
}

const counted = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * Who reads a product, in words: "2 teams, 1 data product" (the counts
 * that are not 0), or undefined when nobody does.
 */
export function readersPhrase(readers: {
  teams: number;
  products: number;
}): string | undefined {
  const parts = [
    readers.teams > 0 && counted(readers.teams, 'team', 'teams'),
    readers.products > 0 &&
      counted(readers.products, 'data product', 'data products'),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
