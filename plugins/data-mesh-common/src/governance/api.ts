/*
 * Shapes of the governance REST API of the data-mesh backend
 * (`/api/data-mesh/governance`), shared by the backend router and the
 * frontend client.
 */
import {
  GOVERNANCE_STATUSES,
  type GovernanceReport,
  type GovernanceStatus,
  countGovernanceStatuses,
} from './types';

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

/**
 * The annotation value for a report: `{"stage","ok","results":{ruleId:
 * status}}`. The catalog stores it in the processed entity and again in
 * every stitched copy, so it carries no counts (`readGovernanceAnnotation`
 * derives them) and no repeated keys per result.
 * @public
 */
export function governanceAnnotation(report: GovernanceReport): string {
  const results: Record<string, GovernanceStatus> = {};
  for (const r of report.results) results[r.ruleId] = r.status;
  return JSON.stringify({ stage: report.stage, ok: report.ok, results });
}

/**
 * The annotation of an entity, or undefined when absent or not ours. Reads
 * the earlier form (`counts`, `results` as a list) too, which an entity keeps
 * until the catalog processes it again.
 * @public
 */
export function readGovernanceAnnotation(entity: {
  metadata: { annotations?: Record<string, string> };
}): GovernanceAnnotation | undefined {
  const text = entity.metadata.annotations?.[ANNOTATION_GOVERNANCE];
  if (!text) return undefined;
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value?.stage !== 'string' || typeof value.ok !== 'boolean') {
    return undefined;
  }
  let entries: Array<[unknown, unknown]>;
  if (Array.isArray(value.results)) {
    entries = value.results.map((r: any) => [r?.ruleId, r?.status]);
  } else if (value.results && typeof value.results === 'object') {
    entries = Object.entries(value.results);
  } else {
    return undefined;
  }
  const results: GovernanceAnnotation['results'] = [];
  for (const [ruleId, status] of entries) {
    if (
      typeof ruleId !== 'string' ||
      !GOVERNANCE_STATUSES.includes(status as GovernanceStatus)
    ) {
      return undefined;
    }
    results.push({ ruleId, status: status as GovernanceStatus });
  }
  return {
    stage: value.stage,
    ok: value.ok,
    counts: countGovernanceStatuses(results),
    results,
  };
}
