/*
 * Reading and compiling governance rules. Rules come from three places —
 * the built-ins, `dataMesh.governance.rules` in config and the YAML file
 * named by `dataMesh.governance.rulesFile` — and every problem with one is
 * located where its author wrote it: the config key path, or file and line.
 * A rule that does not compile is kept as a broken rule, which fails
 * wherever it is evaluated: it is never silently dropped or passed.
 */
import type { Environment } from '@marcbachmann/cel-js';
import {
  type SpecIssue,
  SourceDocument,
  formatIssue,
  formatPath,
} from '../issues';
import { BUILTIN_GOVERNANCE_RULES } from './builtins';
import {
  GOVERNANCE_LEVELS,
  type GovernanceLevel,
  type GovernanceRuleSource,
  type GovernanceRuleSpec,
} from './types';

/** The variables a rule's expression can use. @public */
export const GOVERNANCE_VARIABLES = [
  'entity',
  'metadata',
  'spec',
  'stage',
  'slo',
] as const;

/** A rule ready to evaluate, or a broken one that says why. @public */
export interface CompiledGovernanceRule {
  rule: GovernanceRuleSpec;
  source: GovernanceRuleSource;
  /** Evaluates the expression; absent when the rule is broken. */
  run?: (context: Record<string, unknown>) => unknown;
  /** Why the rule cannot be evaluated (compile error), located. */
  broken?: string;
  /** True when the expression reads `slo`, known only where SLOs are collected. */
  usesSlo: boolean;
}

/** Every rule in force and the problems found reading them. @public */
export interface GovernanceRuleSet {
  rules: CompiledGovernanceRule[];
  issues: SpecIssue[];
}

// One environment for every rule: the variables are maps (the canonical
// model is JSON), so a typo in a field name is an evaluation error of that
// rule, while an unknown variable or a syntax error is a compile error.
// cel-js is ESM only: imported on first use, so that CommonJS code (jest's
// node environments among it) that loads this package without evaluating
// rules is unaffected.
let sharedEnvironment: Promise<Environment> | undefined;

function celEnvironment(): Promise<Environment> {
  sharedEnvironment ??= import('@marcbachmann/cel-js').then(cel => {
    const env = new cel.Environment({
      homogeneousAggregateLiterals: false,
      limits: { maxAstNodes: 2000, maxDepth: 50 },
    });
    for (const name of GOVERNANCE_VARIABLES) {
      env.registerVariable(name, name === 'stage' ? 'string' : 'map');
    }
    return env;
  });
  return sharedEnvironment;
}

const RULE_ID = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

type Located = (path: Array<string | number>, message: string) => SpecIssue;

function compile(
  environment: Environment,
  rule: GovernanceRuleSpec,
  source: GovernanceRuleSource,
): CompiledGovernanceRule {
  try {
    const parsed = environment.parse(rule.expression);
    const check = parsed.check();
    if (!check.valid) throw check.error;
    if (check.type !== 'bool' && check.type !== 'dyn') {
      throw new Error(`the expression is a ${check.type}, not a bool`);
    }
    return {
      rule,
      source,
      run: context => parsed(context),
      usesSlo: mentions(parsed.ast, 'slo'),
    };
  } catch (e) {
    return { rule, source, broken: celProblem(e), usesSlo: false };
  }
}

/** `Unexpected token: EOF at character 12`: the CEL error without its ASCII art. */
export function celProblem(e: unknown): string {
  const err = e as {
    summary?: string;
    message?: string;
    range?: { start: number };
  };
  const text = err.summary ?? err.message ?? String(e);
  return err.range ? `${text} (at character ${err.range.start + 1})` : text;
}

function mentions(node: unknown, variable: string): boolean {
  if (!node || typeof node !== 'object') return false;
  const { op, args } = node as { op?: string; args?: unknown };
  if (op === 'id') return args === variable;
  if (Array.isArray(args)) return args.some(a => mentions(a, variable));
  return mentions(args, variable);
}

/**
 * Checks one written rule; returns it, or undefined after reporting why not.
 * `at` locates a problem at a path under the rule.
 */
function readRule(
  value: unknown,
  at: Located,
  issues: SpecIssue[],
): GovernanceRuleSpec | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    issues.push(at([], 'a rule is a map with id, expression and message'));
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const before = issues.length;
  const text = (key: string, required: boolean) => {
    const v = raw[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || !v.trim()) {
      issues.push(at([key], `${key} must be a non-empty string`));
      return undefined;
    }
    return v;
  };
  const level = (path: Array<string | number>, v: unknown) => {
    if (GOVERNANCE_LEVELS.includes(v as GovernanceLevel)) {
      return v as GovernanceLevel;
    }
    issues.push(
      at(
        path,
        `'${String(v)}' is not a level: use ${GOVERNANCE_LEVELS.join(', ')}`,
      ),
    );
    return undefined;
  };
  const id = text('id', true);
  if (id && !RULE_ID.test(id)) {
    issues.push(
      at(
        ['id'],
        `'${id}' is not a rule id: lowercase words joined by - _ or .`,
      ),
    );
  }
  const spec: GovernanceRuleSpec = {
    id: id ?? '',
    expression: text('expression', true) ?? '',
    message: text('message', true) ?? '',
    link: text('link', false),
  };
  if (raw.level !== undefined) spec.level = level(['level'], raw.level);
  if (raw.levels !== undefined) {
    if (
      !raw.levels ||
      typeof raw.levels !== 'object' ||
      Array.isArray(raw.levels)
    ) {
      issues.push(
        at(
          ['levels'],
          'levels is a map of stage to level, e.g. { prod: error }',
        ),
      );
    } else {
      spec.levels = {};
      for (const [stage, v] of Object.entries(raw.levels)) {
        const l = level(['levels', stage], v);
        if (l) spec.levels[stage] = l;
      }
    }
  }
  if (raw.enforceFrom !== undefined) {
    const date =
      raw.enforceFrom instanceof Date
        ? raw.enforceFrom.toISOString().slice(0, 10)
        : raw.enforceFrom;
    if (
      typeof date !== 'string' ||
      !ISO_DATE.test(date) ||
      isNaN(Date.parse(date))
    ) {
      issues.push(
        at(
          ['enforceFrom'],
          `'${String(raw.enforceFrom)}' is not a date: write YYYY-MM-DD`,
        ),
      );
    } else {
      spec.enforceFrom = date;
    }
  }
  const known = new Set([
    'id',
    'expression',
    'message',
    'link',
    'level',
    'levels',
    'enforceFrom',
  ]);
  for (const key of Object.keys(raw).filter(k => !known.has(k))) {
    issues.push(
      at([key], `unknown field '${key}' (known: ${[...known].join(', ')})`),
    );
  }
  return issues.length === before ? spec : undefined;
}

/**
 * Reads a list of written rules and compiles them; a rule whose shape is
 * wrong is reported and left out, a rule whose expression does not compile
 * is reported and kept as broken (it fails every product).
 */
function readRules(
  environment: Environment,
  list: unknown,
  at: Located,
  listPath: Array<string | number>,
  source: (index: number) => GovernanceRuleSource,
  issues: SpecIssue[],
): CompiledGovernanceRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    issues.push(at(listPath, 'rules must be a list'));
    return [];
  }
  const out: CompiledGovernanceRule[] = [];
  list.forEach((value, index) => {
    const path = [...listPath, index];
    const rule = readRule(value, (p, m) => at([...path, ...p], m), issues);
    if (!rule) return;
    const compiled = compile(environment, rule, source(index));
    if (compiled.broken) {
      const issue = at(
        [...path, 'expression'],
        `rule '${rule.id}' does not compile: ${compiled.broken}`,
      );
      issues.push(issue);
      // the result says where to fix it, wherever it is shown
      compiled.broken = formatIssue(issue);
    }
    out.push(compiled);
  });
  return out;
}

/** Rules written by a platform team, from config and from a rules file. @public */
export interface GovernanceRuleInputs {
  /** The value of `dataMesh.governance.rules`. */
  configRules?: unknown;
  /** Key path of `configRules`, for messages. Default `dataMesh.governance.rules`. */
  configPath?: string;
  /** The text of the rules file (`rules:` list, or a list) and its name. */
  rulesFile?: { name: string; text: string };
}

/**
 * The rules in force: the built-ins, then config rules, then file rules; a
 * later rule with an earlier rule's id replaces it (in its place).
 * @public
 */
export async function loadGovernanceRules(
  inputs: GovernanceRuleInputs = {},
): Promise<GovernanceRuleSet> {
  const environment = await celEnvironment();
  const issues: SpecIssue[] = [];
  const rules = new Map<string, CompiledGovernanceRule>();
  for (const rule of BUILTIN_GOVERNANCE_RULES) {
    const compiled = compile(environment, rule, {
      kind: 'builtin',
      location: 'builtin',
    });
    if (compiled.broken)
      throw new Error(`built-in rule ${rule.id}: ${compiled.broken}`);
    rules.set(rule.id, compiled);
  }
  const configPath = inputs.configPath ?? 'dataMesh.governance.rules';
  const fromConfig = readRules(
    environment,
    inputs.configRules,
    (path, message) => ({
      severity: 'error',
      path: joinPath(configPath, path),
      message,
    }),
    [],
    index => ({ kind: 'config', location: joinPath(configPath, [index]) }),
    issues,
  );
  let fromFile: CompiledGovernanceRule[] = [];
  if (inputs.rulesFile) {
    const { name, text } = inputs.rulesFile;
    const doc = new SourceDocument(text, name);
    issues.push(...doc.issues);
    const value = doc.value as unknown;
    const listPath = Array.isArray(value) ? [] : ['rules'];
    const list = Array.isArray(value)
      ? value
      : (value as { rules?: unknown } | null)?.rules;
    fromFile = readRules(
      environment,
      list,
      (path, message) => doc.issue(path, message),
      listPath,
      index => ({
        kind: 'file',
        location: `${name}:${doc.locate([...listPath, index])?.line ?? 1}`,
      }),
      issues,
    );
  }
  for (const rule of [...fromConfig, ...fromFile])
    rules.set(rule.rule.id, rule);
  return { rules: [...rules.values()], issues };
}

function joinPath(base: string, path: Array<string | number>): string {
  const rest = formatPath(path);
  if (rest === '(document)') return base;
  return rest.startsWith('[') ? `${base}${rest}` : `${base}.${rest}`;
}
