import { formatAge, type SloStatus } from '@datamesh/plugin-data-mesh-common';

/** 0.75 → "75 %", 0.9567 → "95.7 %"; null/undefined → "—". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  const pct = value * 100;
  const text = Number.isInteger(Math.round(pct * 10) / 10)
    ? String(Math.round(pct))
    : (Math.round(pct * 10) / 10).toFixed(1);
  return `${text} %`;
}

/**
 * Remaining error budget: 1 untouched, 0 used up, negative overspent. An
 * overspent budget reads "overspent by 25 %" rather than "-25 %", which
 * owners misread as a typo.
 */
export function formatBudget(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'none (100 % target)';
  if (value < 0) return `overspent by ${formatPercent(-value)}`;
  return `${formatPercent(value)} left`;
}

/** Burn rate: 1 spends the budget exactly over the window. */
export function formatBurnRate(value: number | null | undefined): string {
  if (value === null || value === undefined) return '∞';
  return `${(Math.round(value * 100) / 100).toString()}×`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});

// Slices are aligned on UTC (see timeslices.ts), so every time shown next
// to them is UTC too; a local-time label would put a slice on the wrong day.
export function formatDateTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

export function formatDate(ms: number): string {
  return dateOnly.format(new Date(ms));
}

/** "3h 20m ago" relative to `now`; "just now" within a minute either way. */
export function formatAgo(ms: number, now: number): string {
  if (Math.abs(now - ms) < 60_000) return 'just now';
  return now >= ms ? `${formatAge(now - ms)} ago` : `in ${formatAge(ms - now)}`;
}

export const STATUS_LABELS: Record<SloStatus, string> = {
  ok: 'OK',
  breaching: 'Breaching',
  'no-data': 'No data',
};

const STATUS_RANK: Record<SloStatus, number> = {
  breaching: 0,
  'no-data': 1,
  ok: 2,
};

/**
 * Worst first: breaching, then no data, then ok; within a status the lowest
 * remaining budget first (unknown budgets last), then by name. The backend
 * sorts the same way; the UI sorts again so that the order does not depend
 * on a backend version.
 */
export function compareByHealth(
  a: { status: SloStatus; minErrorBudget?: number; entityRef: string },
  b: { status: SloStatus; minErrorBudget?: number; entityRef: string },
): number {
  const byStatus = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (byStatus !== 0) return byStatus;
  const ba = a.minErrorBudget ?? Number.POSITIVE_INFINITY;
  const bb = b.minErrorBudget ?? Number.POSITIVE_INFINITY;
  if (ba !== bb) return ba < bb ? -1 : 1;
  return a.entityRef.localeCompare(b.entityRef);
}
