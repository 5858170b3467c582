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

/**
 * Annotation in which the catalog processor records a product's governance
 * results, so the catalog itself shows whether a product complies.
 * @public
 */
export const ANNOTATION_GOVERNANCE = 'datamesh.dev/governance';

/** What the annotation holds: compact, without messages (they are the rules'). @public */
export interface GovernanceAnnotation {
  stage: string;
  ok: boolean;
  counts: Record<GovernanceStatus, number>;
  results: Array<{ ruleId: string; status: GovernanceStatus }>;
}

/** The annotation value for a report. @public */
export function governanceAnnotation(report: GovernanceReport): string {
  const value: GovernanceAnnotation = {
    stage: report.stage,
    ok: report.ok,
    counts: report.counts,
    results: report.results.map(r => ({ ruleId: r.ruleId, status: r.status })),
  };
  return JSON.stringify(value);
}

/** The annotation of an entity, or undefined when absent or not ours. @public */
export function readGovernanceAnnotation(entity: {
  metadata: { annotations?: Record<string, string> };
}): GovernanceAnnotation | undefined {
  const text = entity.metadata.annotations?.[ANNOTATION_GOVERNANCE];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return Array.isArray(value?.results) ? value : undefined;
  } catch {
    return undefined;
  }
}
