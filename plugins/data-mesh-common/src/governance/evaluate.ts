/*
 * Evaluating the rules in force against one product. The CLI, the
 * scaffolder action, the catalog processor and the backend all call this
 * one function with the same entity, so they reach the same results; only
 * the backend knows the SLO status, so elsewhere a rule that reads `slo` is
 * reported as not evaluated (never as passed).
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { fromCatalogForm } from '../catalogForm';
import type { DataProductEntityV1alpha1 } from '../model';
import type { CompiledGovernanceRule, GovernanceRuleSet } from './compile';
import { celProblem } from './compile';
import type {
  GovernanceLevel,
  GovernanceReport,
  GovernanceResult,
  GovernanceStatus,
} from './types';
import { countGovernanceStatuses } from './types';

/** The SLO status of a product, as the SLO engine knows it. @public */
export interface GovernanceSloStatus {
  /** True when every objective meets its target over its window. */
  met: boolean;
  /** Names of the objectives that do not. */
  breached: string[];
}

/** @public */
export interface GovernanceEvaluationOptions {
  /**
   * Stage to judge at; default the product's `spec.infrastructure.stage`,
   * else `defaultStage`.
   */
  stage?: string;
  /** The platform's default stage. Default `dev`. */
  defaultStage?: string;
  /** For `enforceFrom`. Default now. */
  now?: Date;
  /** The SLO status; without it, rules reading `slo` are not evaluated. */
  slo?: GovernanceSloStatus;
}

/** The stage a product is judged at, the same way everywhere. @public */
export function governanceStage(
  entity: DataProductEntityV1alpha1,
  options: Pick<GovernanceEvaluationOptions, 'stage' | 'defaultStage'> = {},
): string {
  return (
    options.stage ||
    entity.spec.infrastructure?.stage ||
    options.defaultStage ||
    'dev'
  );
}

/** The level of a rule at a stage, before `enforceFrom`. @public */
export function governanceLevelAt(
  rule: CompiledGovernanceRule['rule'],
  stage: string,
): GovernanceLevel {
  return rule.levels?.[stage] ?? rule.level ?? 'warn';
}

/**
 * The canonical entity with every optional list and field rules commonly
 * test present (empty), so that `size(spec.slos) > 0` or `p.description !=
 * ""` need no `has()` guards and a missing list is not an evaluation error.
 */
function ruleContext(entity: DataProductEntityV1alpha1, stage: string) {
  const spec = entity.spec;
  const normalized = {
    ...spec,
    certified: spec.certified ?? false,
    datasets: (spec.datasets ?? []).map(d => ({
      description: '',
      quality: [],
      ...d,
      columns: (d.columns ?? []).map(c => ({
        description: '',
        classification: '',
        pii: false,
        tags: [],
        quality: [],
        ...c,
      })),
    })),
    inputPorts: (spec.inputPorts ?? []).map(p => ({ description: '', ...p })),
    outputPorts: (spec.outputPorts ?? []).map(p => ({
      description: '',
      dataset: '',
      ...p,
    })),
    slos: spec.slos ?? [],
    dataSharingAgreement: spec.dataSharingAgreement ?? {},
    infrastructure: spec.infrastructure ?? {},
  };
  const metadata = {
    namespace: 'default',
    title: '',
    description: '',
    tags: [],
    labels: {},
    annotations: {},
    ...entity.metadata,
  };
  const plainSpec = plain(normalized);
  const plainMetadata = plain(metadata);
  const { metadata: _m, spec: _s, ...envelope } = entity;
  return {
    // spec and metadata are copied once, not again as parts of the entity
    entity: { ...plain(envelope), metadata: plainMetadata, spec: plainSpec },
    metadata: plainMetadata,
    spec: plainSpec,
    stage,
  };
}

/*
 * JSON values rebuilt in this realm without undefined members: CEL knows a
 * list by its constructor being this realm's Array (a value cloned with
 * structuredClone under jest's vm is not), and has no undefined.
 */
function plain(value: unknown): any {
  if (Array.isArray(value)) return Array.from(value, plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = plain(v);
    }
    return out;
  }
  return value;
}

function evaluateRule(
  compiled: CompiledGovernanceRule,
  context: Record<string, unknown>,
  stage: string,
  now: Date,
  slo: GovernanceSloStatus | undefined,
): GovernanceResult | undefined {
  const { rule, source } = compiled;
  let level = governanceLevelAt(rule, stage);
  if (level === 'off') return undefined;
  const base = {
    ruleId: rule.id,
    message: rule.message,
    link: rule.link,
    source,
  };
  if (compiled.broken || !compiled.run) {
    return { ...base, status: 'fail', level: 'error', detail: compiled.broken };
  }
  let detail: string | undefined;
  if (
    level === 'error' &&
    rule.enforceFrom &&
    now < new Date(rule.enforceFrom)
  ) {
    level = 'warn';
    detail = `an error from ${rule.enforceFrom}; a warning until then`;
  }
  let outcome: unknown;
  try {
    outcome = compiled.run(context);
  } catch (e) {
    outcome = e;
  }
  if (outcome === true) return { ...base, status: 'pass', level, detail };
  if (compiled.usesSlo && !slo && outcome !== false) {
    // CEL decides `!spec.certified || slo.met` without `slo` when the
    // product is not certified; otherwise it needs what only the backend has
    return {
      ...base,
      status: 'not-evaluated',
      level,
      detail:
        'needs the SLO status, which only the portal knows: not evaluated here',
    };
  }
  const status: GovernanceStatus = level === 'error' ? 'fail' : 'warn';
  if (outcome !== false) {
    // an evaluation error, or a value that is not a bool: never a pass
    const why =
      outcome instanceof Error
        ? celProblem(outcome)
        : `the expression gave ${JSON.stringify(outcome)}, not true or false`;
    detail = [`the rule could not be evaluated: ${why}`, detail]
      .filter(Boolean)
      .join('; ');
  } else if (compiled.usesSlo && slo && !slo.met && slo.breached.length) {
    detail = [`breached: ${slo.breached.join(', ')}`, detail]
      .filter(Boolean)
      .join('; ');
  }
  return { ...base, status, level, detail };
}

/**
 * All rules in force for one product, at its stage.
 * @public
 */
export function evaluateGovernance(
  product: DataProductEntityV1alpha1,
  ruleSet: GovernanceRuleSet,
  options: GovernanceEvaluationOptions = {},
): GovernanceReport {
  const entity = fromCatalogForm(product);
  const stage = governanceStage(entity, options);
  const now = options.now ?? new Date();
  const context: Record<string, unknown> = ruleContext(entity, stage);
  if (options.slo) context.slo = options.slo;
  const results: GovernanceResult[] = [];
  for (const rule of ruleSet.rules) {
    const result = evaluateRule(rule, context, stage, now, options.slo);
    if (result) results.push(result);
  }
  const counts = countGovernanceStatuses(results);
  return {
    entityRef: stringifyEntityRef(entity),
    stage,
    results,
    counts,
    ok: counts.fail === 0,
  };
}

/** `fail [naming-conventions] message (detail) — link`: one line for logs and the CLI. @public */
export function formatGovernanceResult(result: GovernanceResult): string {
  const detail = result.detail ? ` (${result.detail})` : '';
  const link = result.link ? ` — ${result.link}` : '';
  return `${result.status} [${result.ruleId}] ${result.message}${detail}${link}`;
}
