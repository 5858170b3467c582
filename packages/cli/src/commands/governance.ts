/*
 * The governance section of `datamesh check`: the platform's policies
 * (built-in rules, and CEL rules from `dataMesh.governance` in the app-config
 * files given with --config) evaluated by the same engine the scaffolder and
 * the catalog run, at the stage given with --stage (else the spec's own, else
 * the platform's default). The SLO status is not known here, so a rule that
 * needs it is reported as not evaluated, never as passed.
 */
import {
  type GovernanceResult,
  evaluateGovernance,
} from '@datamesh/plugin-data-mesh-common';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import { loadCliConfig } from '../config';
import type { CheckInput, CheckSection } from './check';
import type { Finding } from './diff';

const LEVEL: Record<GovernanceResult['status'], Finding['level'] | undefined> =
  {
    fail: 'error',
    warn: 'warning',
    'not-evaluated': 'notice',
    pass: undefined,
  };

/** The governance policies as a check section. */
export async function governanceSection(
  input: CheckInput,
): Promise<CheckSection> {
  const config = await loadCliConfig(input.config ?? []);
  const settings = await readGovernanceSettings(config);
  const report = evaluateGovernance(input.current.entity!, settings, {
    stage: input.stage,
    defaultStage: settings.defaultStage,
  });
  const findings: Finding[] = settings.issues.map(issue => ({
    level: issue.severity === 'error' ? 'error' : 'warning',
    code: 'governance rule',
    message: `${issue.path}: ${issue.message}`,
    location: issue.file ? { file: issue.file, line: issue.line } : undefined,
  }));
  for (const result of report.results) {
    const level = LEVEL[result.status];
    if (!level) continue;
    findings.push({
      level,
      code: result.ruleId,
      message: `${result.message}${result.detail ? ` (${result.detail})` : ''}${
        result.link ? ` — ${result.link}` : ''
      }`,
      location: { file: input.specFile },
    });
  }
  const { counts } = report;
  const broken = settings.issues.filter(i => i.severity === 'error').length;
  return {
    name: 'governance',
    findings,
    failed: !report.ok || broken > 0,
    summary: `${counts.pass} passed, ${counts.warn} warnings, ${
      counts.fail
    } failed, ${counts['not-evaluated']} not evaluated here (stage ${
      report.stage
    })${broken ? `; ${broken} rule problem(s)` : ''}`,
    details: {
      stage: report.stage,
      counts,
      results: report.results,
      ruleProblems: settings.issues,
    },
  };
}
