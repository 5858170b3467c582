import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type GovernanceRuleSet,
  evaluateGovernance,
  formatGovernanceResult,
  formatIssue,
  loadGovernanceRules,
} from '@datamesh/plugin-data-mesh-common';
import { DEFAULT_SPEC_PATH, readWorkspaceSpec } from '../spec';
import { examples } from './specValidate.examples';

/** @public */
export interface SpecValidateActionOptions {
  /**
   * The governance rules in force and the platform's default stage (data-mesh-node's
   * `readGovernanceSettings`), read per task so a rules file edit applies
   * at once. Default: the built-in rules, default stage `dev`.
   */
  governance?: () => Promise<GovernanceRuleSet & { defaultStage?: string }>;
}

/**
 * `datamesh:spec:validate` — reads the spec file from the task workspace
 * (OAM `data_product_spec.yml`, ODPS, or a native entity), logs every
 * problem with its file, path and line, evaluates the governance policies
 * at the stage, and fails the task on errors and failing policies.
 * @public
 */
export function createSpecValidateAction(
  options: SpecValidateActionOptions = {},
) {
  const governance: () => Promise<
    GovernanceRuleSet & { defaultStage?: string }
  > = options.governance ?? (() => loadGovernanceRules());
  return createTemplateAction({
    id: 'datamesh:spec:validate',
    description:
      'Validates a data product spec in the workspace and outputs the DataProduct entity it describes',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string({
              description: `Path of the spec file, relative to the workspace. Default ${DEFAULT_SPEC_PATH}`,
            })
            .optional(),
        format: z =>
          z
            .enum(['oam', 'odps', 'entity'])
            .optional()
            .describe('Read the file as this format. Default: detected'),
        failOnWarnings: z =>
          z
            .boolean({
              description: 'Fail on warnings too. Default false',
            })
            .optional(),
        stage: z =>
          z
            .string({
              description:
                "Stage the governance policies are judged at (warn in dev, error in prod). Default: the spec's infrastructure stage, else the platform's default stage",
            })
            .optional(),
      },
      output: {
        entityRef: z =>
          z.string({ description: 'e.g. dataproduct:default/orders' }),
        name: z => z.string({ description: 'metadata.name of the product' }),
        format: z =>
          z.string({ description: 'oam, odps or entity: what the file was' }),
        entity: z =>
          z
            .record(z.any())
            .describe('The canonical DataProduct entity the spec describes'),
        warnings: z =>
          z.array(z.string()).describe('Located warnings, one per line'),
        governance: z =>
          z
            .record(z.any())
            .describe(
              'Governance report: stage, results per rule (pass, warn, fail, not-evaluated), counts, ok',
            ),
      },
    },
    async handler(ctx) {
      const specPath = ctx.input.path ?? DEFAULT_SPEC_PATH;
      ctx.logger.info(`Validating ${specPath}`);
      const result = await readWorkspaceSpec(
        ctx.workspacePath,
        specPath,
        ctx.input.format,
      );
      const errors = result.issues.filter(i => i.severity === 'error');
      const warnings = result.issues.filter(i => i.severity === 'warning');
      for (const w of warnings) ctx.logger.warn(`warning: ${formatIssue(w)}`);
      for (const e of errors) ctx.logger.error(`error: ${formatIssue(e)}`);
      const failing = ctx.input.failOnWarnings ? result.issues : errors;
      if (!result.entity || failing.length > 0) {
        throw new InputError(
          `${specPath} is not a valid data product spec (${
            failing.length
          } problem${failing.length === 1 ? '' : 's'}):\n${failing
            .map(i => `  ${formatIssue(i)}`)
            .join('\n')}`,
        );
      }
      // policies, after the spec is known to be valid: the same engine and
      // results as `datamesh check` and the catalog
      const rules = await governance();
      const report = evaluateGovernance(result.entity, rules, {
        stage: ctx.input.stage,
        defaultStage: rules.defaultStage,
      });
      for (const r of report.results.filter(x => x.status !== 'pass')) {
        const line = `governance: ${formatGovernanceResult(r)}`;
        if (r.status === 'fail') ctx.logger.error(line);
        else if (r.status === 'warn') ctx.logger.warn(line);
        else ctx.logger.info(line);
      }
      const ruleProblems = rules.issues.filter(i => i.severity === 'error');
      for (const p of ruleProblems)
        ctx.logger.error(`governance rule: ${formatIssue(p)}`);
      ctx.output('governance', report as any);
      const failed = report.results.filter(r => r.status === 'fail');
      if (failed.length > 0 || ruleProblems.length > 0) {
        throw new InputError(
          `${specPath} fails ${failed.length} governance polic${
            failed.length === 1 ? 'y' : 'ies'
          } at stage ${report.stage}:\n${[
            ...ruleProblems.map(p => `  rule problem: ${formatIssue(p)}`),
            ...failed.map(r => `  ${formatGovernanceResult(r)}`),
          ].join('\n')}`,
        );
      }
      const entityRef = stringifyEntityRef(result.entity);
      ctx.logger.info(
        `${specPath} is valid (${result.format} format): ${entityRef}${
          warnings.length ? `, ${warnings.length} warning(s)` : ''
        }`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('name', result.entity.metadata.name);
      ctx.output('format', result.format ?? 'oam');
      ctx.output('entity', result.entity as any);
      ctx.output('warnings', warnings.map(formatIssue));
    },
  });
}
