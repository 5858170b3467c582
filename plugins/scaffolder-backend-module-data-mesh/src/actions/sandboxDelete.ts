import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type PlatformConfig,
  type WarehouseService,
  dropSandboxes,
  findSandboxes,
  sandboxDeleteReportsOf,
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
import { examples } from './sandboxDelete.examples';

/**
 * `datamesh:sandbox:delete` — removes the sandbox of a feature branch (or
 * every sandbox of the product) once it is merged or abandoned: sandboxes
 * hold copies of the product's data. Only schemas marked as this product's
 * sandboxes are dropped (`datamesh:sandbox:create` marks them); a schema
 * that merely has a sandbox's name is left alone.
 * @public
 */
export function createSandboxDeleteAction(options: {
  warehouse: WarehouseService;
  platform: PlatformConfig;
  /** How often to ask again for a busy branch while waiting (default 10 s). */
  claimRetryMs?: number;
  /** The data-mesh backend, told of each branch's sandbox dropped. */
  portal?: PortalConnection;
}) {
  return createTemplateAction({
    id: 'datamesh:sandbox:delete',
    description:
      "Drops the sandbox schemas of a feature branch (or all of the workspace data product's sandboxes)",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...sandboxInputs,
        branch: (z: Z) =>
          z
            .string({
              description:
                'Feature branch whose sandbox is dropped (as given to datamesh:sandbox:create)',
            })
            .optional(),
        all: (z: Z) =>
          z
            .boolean({
              description:
                'Drop every sandbox of the product instead of one branch',
            })
            .optional(),
      },
      output: {
        dropped: (z: Z) =>
          z
            .array(
              z.object({
                branch: z.string(),
                database: z.string(),
                schema: z.string(),
                qualified: z.string(),
              }),
            )
            .describe(
              'Sandbox schemas dropped (in a dry run: that would be dropped)',
            ),
        remaining: (z: Z) =>
          z
            .array(z.string())
            .describe("Branch suffixes of the product's sandboxes left"),
      },
    },
    async handler(ctx) {
      const { branch, all } = ctx.input;
      if (Boolean(branch) === Boolean(all)) {
        throw new InputError(
          'name the branch whose sandbox to delete, or set all: true (not both)',
        );
      }
      const suffix = branch ? sandboxSuffix(branch) : undefined;
      const { adapter, product, entity } = await assessSandboxProduct(
        ctx,
        options,
      );
      const doomed = await ctx.checkpoint({
        key: `sandbox-delete.${product.entityRef}.${product.stage}.${
          suffix ?? '*'
        }.${ctx.isDryRun ? 'dry' : 'run'}`,
        fn: async () => {
          const found = (await findSandboxes(adapter, product)).filter(
            s => all || s.suffix === suffix,
          );
          // claimed in the portal while dropped; a branch the portal (or a
          // pipeline) is changing is left alone
          const claims = ctx.isDryRun
            ? undefined
            : await claimInPortal(
                ctx,
                options.portal,
                entity,
                [...new Set(found.map(s => s.suffix))],
                'delete',
                waitFor(ctx.input.waitSeconds, options.claimRetryMs),
              );
          try {
            const busy = new Set(claims?.busy.map(b => b.branch));
            const dropped = found.filter(s => !busy.has(s.suffix));
            if (!ctx.isDryRun) {
              // a drop the warehouse refused is the product's change too
              let failure: Error | undefined;
              await dropSandboxes(adapter, dropped).catch(e => {
                failure = e;
              });
              // in the checkpoint: a retried task does not report it twice
              for (const report of sandboxDeleteReportsOf(
                dropped,
                adapter.dialect,
                templateChange(ctx, entity, product.stage),
                failure?.message,
              )) {
                await reportToPortal(ctx, options.portal, entity, report);
              }
              if (failure) throw failure;
            }
            const listed = dropped.map(s => ({
              branch: s.suffix,
              database: s.database,
              schema: s.schema,
              qualified: adapter.dialect.qualifiedSchema(s),
            }));
            if (claims?.busy.length) {
              for (const s of listed) {
                ctx.logger.warn(`- drop schema ${s.qualified}`);
              }
              throw busyError(claims);
            }
            return listed;
          } finally {
            await claims?.end();
          }
        },
      });
      for (const s of doomed) ctx.logger.warn(`- drop schema ${s.qualified}`);
      if (doomed.length === 0) {
        ctx.logger.info(
          suffix
            ? `No sandbox of branch '${branch}' (${suffix}) for ${product.entityRef}: nothing to drop`
            : `${product.entityRef} has no sandboxes: nothing to drop`,
        );
      }
      if (ctx.isDryRun) ctx.logger.info('Dry run: nothing dropped');
      const remaining = [
        ...new Set((await findSandboxes(adapter, product)).map(s => s.suffix)),
      ].sort();
      ctx.output('dropped', doomed);
      ctx.output('remaining', remaining);
    },
  });
}
