/*
 * Governance policies as code: the shapes shared by the rule engine, the
 * places that run it (CLI check, scaffolder validate, catalog processor,
 * backend) and the pages that show its results.
 */

/** How much a failing rule matters at a stage. @public */
export const GOVERNANCE_LEVELS = ['error', 'warn', 'off'] as const;
/** @public */
export type GovernanceLevel = (typeof GOVERNANCE_LEVELS)[number];

/**
 * A rule as a platform team writes it (config or rules file) and as the
 * built-ins are written: a CEL expression over the canonical model that is
 * true when the product complies.
 * @public
 */
export interface GovernanceRuleSpec {
  /** Stable identifier, e.g. `pii-classified`; a config rule with a built-in's id replaces it. */
  id: string;
  /** CEL, evaluated with `entity`, `metadata`, `spec`, `stage` and `slo` (see README). */
  expression: string;
  /** Shown when the rule fails: what is wrong and what to do. */
  message: string;
  /** Where the convention is explained. */
  link?: string;
  /** Level at stages not named in `levels`. Default `warn`. */
  level?: GovernanceLevel;
  /** Level per stage, e.g. `{ dev: warn, prod: error }`. */
  levels?: Record<string, GovernanceLevel>;
  /**
   * ISO date (`2027-01-31`) from which an `error` is enforced; before it a
   * failure is only a warning, so teams get a grace period for a new rule.
   */
  enforceFrom?: string;
}

/** Where a rule was written, so a broken rule can be found and fixed. @public */
export interface GovernanceRuleSource {
  /** `builtin`, `config` or `file`. */
  kind: 'builtin' | 'config' | 'file';
  /** `data-mesh-rules.yaml:12` or `dataMesh.governance.rules[2]`. */
  location: string;
}

/**
 * The outcome of one rule for one product:
 * - `pass`: the expression was true (or the rule is off at this stage: never shown as such);
 * - `warn`: it failed at level warn, or at level error before `enforceFrom`;
 * - `fail`: it failed at level error, or the rule itself is broken
 *   (does not compile, or its evaluation errors): a broken rule never passes;
 * - `not-evaluated`: it needs data this place does not have (the SLO status
 *   outside the backend).
 * @public
 */
export type GovernanceStatus = 'pass' | 'warn' | 'fail' | 'not-evaluated';

/** Every status, in the order reports list their counts. @public */
export const GOVERNANCE_STATUSES: readonly GovernanceStatus[] = [
  'pass',
  'warn',
  'fail',
  'not-evaluated',
];

/** How many results have each status (every status present, 0 when none). @public */
export function countGovernanceStatuses(
  results: ReadonlyArray<{ status: GovernanceStatus }>,
): Record<GovernanceStatus, number> {
  const counts = Object.fromEntries(
    GOVERNANCE_STATUSES.map(status => [status, 0]),
  ) as Record<GovernanceStatus, number>;
  for (const r of results) counts[r.status]++;
  return counts;
}

/** @public */
export interface GovernanceResult {
  ruleId: string;
  status: GovernanceStatus;
  /** The level that applied at the stage, after `enforceFrom`. */
  level: GovernanceLevel;
  /** The rule's message (or why it is broken / not evaluated). */
  message: string;
  link?: string;
  /** Extra explanation: the CEL error, the grace date, what was missing. */
  detail?: string;
  source: GovernanceRuleSource;
}

/** All results for one product. @public */
export interface GovernanceReport {
  /** `dataproduct:default/orders`. */
  entityRef: string;
  stage: string;
  results: GovernanceResult[];
  counts: Record<GovernanceStatus, number>;
  /** True when no result is `fail`. */
  ok: boolean;
}
