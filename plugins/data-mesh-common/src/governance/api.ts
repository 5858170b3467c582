/*
 * Shapes of the governance REST API of the data-mesh backend
 * (`/api/data-mesh/governance`), shared by the backend router and the
 * frontend client.
 */
import type { GovernanceReport, GovernanceStatus } from './types';

/** `GET /governance?product=<ref>`: the stored results of one product. @public */
export interface GovernanceProductResponse extends GovernanceReport {
  /** When the results were computed (ISO 8601). */
  evaluatedAt: string;
  /** Problems with the rules themselves (a rule that does not compile), located. */
  ruleProblems: string[];
}

/** Compliance of the products of one domain. @public */
export interface GovernanceDomainSummary {
  /** Entity ref of the domain, e.g. `domain:default/claims`. */
  domain: string;
  products: number;
  /** Products with no failing rule. */
  compliant: number;
  /** Results by status, over all the domain's products. */
  counts: Record<GovernanceStatus, number>;
  /** Per rule: how many of the domain's products fail / warn it. */
  rules: Array<{ ruleId: string; fail: number; warn: number }>;
}

/** `GET /governance/summary`: compliance per domain, the fleet page. @public */
export interface GovernanceSummaryResponse {
  domains: GovernanceDomainSummary[];
  ruleProblems: string[];
  /** Oldest evaluation the summary includes (ISO 8601), when any. */
  evaluatedAt?: string;
}
