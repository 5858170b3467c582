import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatIssue } from '@datamesh/plugin-data-mesh-common';
import { DEFAULT_SPEC_PATH, readWorkspaceSpec } from '../spec';
import { examples } from './specValidate.examples';

/**
 * `datamesh:spec:validate` — reads the spec file from the task workspace
 * (OAM `data_product_spec.yml`, ODPS, or a native entity), logs every
 * problem with its file, path and line, and fails the task on errors.
 * @public
 */
export function createSpecValidateAction() {
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
