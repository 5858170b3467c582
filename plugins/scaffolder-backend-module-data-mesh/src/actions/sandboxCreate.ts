import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type PlatformConfig,
  type ProductLayer,
  type WarehouseService,
  PRODUCT_LAYERS,
  SandboxError,
  createSandbox,
  sandboxCreateFailureReportOf,
  sandboxCreateReportOf,
} from '@datamesh/plugin-data-mesh-node';
import {
  type PortalConnection,
  busyError,
  claimInPortal,
  reportToPortal,
  templateChange,
} from '../portalReport';
import type { Z } from './infraInputs';
import {
  assessSandboxProduct,
  sandboxInputs,
  sandboxSuffix,
  waitFor,
} from './sandbox';
import { examples } from './sandboxCreate.examples';

/**
 * `datamesh:sandbox:create` — a development environment for a feature
 * branch: the product's schemas cloned to `<schema>_sbx_<branch>` in the
 * same database, owned by the product's owner role, their tables by its
 * service role (the pipeline's). Snowflake clones zero-copy
 * (`CREATE SCHEMA … CLONE`); PostgreSQL and PGlite have no such thing, so
 * their adapter copies the tables (structure, then rows) and the output
 * says `method: copy`.
 * @public
 */
export function createSandboxCreateAction(options: {
  warehouse: WarehouseService;
  platform: PlatformConfig;
  /** How often to ask again for a busy branch while waiting (default 10 s). */
  claimRetryMs?: number;
  /** The data-mesh backend, told of each sandbox made. */
  portal?: PortalConnection;
}) {
  return createTemplateAction({
    id: 'datamesh:sandbox:create',
    description:
      "Clones the workspace data product's schemas into a sandbox for a feature branch (zero-copy where the warehouse can)",
    examples,
    schema: {
      input: {
        ...sandboxInputs,
        branch: (z: Z) =>
          z.string({
            description:
              "Feature branch; its name (lower-cased, other characters as '_') is the schemas' suffix",
          }),
        layers: (z: Z) =>
          z
            .array(z.enum(PRODUCT_LAYERS))
            .nonempty()
            .optional()
            .describe('Layers to clone. Default: raw, intermediate, output'),
        replace: (z: Z) =>
          z
            .boolean({
              description:
                'Drop an existing sandbox of this branch first (destructive). Default false: an existing sandbox fails the step',
            })
            .optional(),
      },
      output: {
        method: (z: Z) =>
          z.enum(['zero-copy', 'copy']).describe('How the warehouse cloned'),
        suffix: (z: Z) => z.string(),
        schemas: (z: Z) =>
          z.array(
            z.object({
              layer: z.string(),
              database: z.string(),
              source: z.string(),
              schema: z.string(),
              qualified: z.string(),
              tables: z.number(),
            }),
          ),
        notes: (z: Z) => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const suffix = sandboxSuffix(ctx.input.branch);
      const layers: ProductLayer[] = ctx.input.layers ?? [...PRODUCT_LAYERS];
      const { adapter, product, entity } = await assessSandboxProduct(
        ctx,
        options,
      );

      const result = await ctx.checkpoint({
        key: `sandbox.${product.entityRef}.${product.stage}.${suffix}`,
        fn: async () => {
          // claimed in the portal while made: no one makes or drops it there meanwhile
          const claims = await claimInPortal(
            ctx,
            options.portal,
            entity,
            [suffix],
            'create',
            waitFor(ctx.input.waitSeconds, options.claimRetryMs),
          );
          try {
            if (claims?.busy.length) throw busyError(claims);
            const cloned = await createSandbox(adapter, product, {
              suffix,
              layers,
              replace: ctx.input.replace,
              log: line =>
                line.startsWith('-')
                  ? ctx.logger.warn(line)
                  : ctx.logger.info(line),
            }).catch(async e => {
              // a copy the warehouse failed is the product's change too
              await reportToPortal(
                ctx,
                options.portal,
                entity,
                sandboxCreateFailureReportOf(
                  e,
                  { dialect: adapter.dialect, product, suffix, layers },
                  templateChange(ctx, entity, product.stage),
                ),
              );
              throw e instanceof SandboxError ? new InputError(e.message) : e;
            });
            // in the checkpoint: a retried task does not report it twice
            await reportToPortal(
              ctx,
              options.portal,
              entity,
              sandboxCreateReportOf(
                suffix,
                cloned,
                adapter.dialect,
                templateChange(ctx, entity, product.stage),
              ),
            );
            return {
              method: cloned.method,
              notes: cloned.notes,
              schemas: cloned.layers.map(l => ({
                layer: l.layer,
                database: l.target.database,
                source: l.source.schema,
                schema: l.target.schema,
                qualified: l.qualified,
                tables: l.tables,
              })),
            };
          } finally {
            await claims?.end();
          }
        },
      });
      for (const n of result.notes) ctx.logger.info(`! note: ${n}`);
      ctx.logger.info(
        `Sandbox for '${ctx.input.branch}' (${result.method}): ${result.schemas
          .map(s => `${s.qualified} (${s.tables} table(s))`)
          .join(', ')}`,
      );
      ctx.output('method', result.method);
      ctx.output('suffix', suffix);
      ctx.output('schemas', result.schemas);
      ctx.output('notes', result.notes);
    },
  });
}
