import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type PlatformConfig,
  type WarehouseService,
  WarehouseError,
  applyPlan,
  applyReportOf,
  isPlanEmpty,
  planProducts,
} from '@datamesh/plugin-data-mesh-node';
import { planWorkspaceProduct } from '../infra';
import {
  type PortalConnection,
  reportToPortal,
  templateChange,
} from '../portalReport';
import { examples } from './infraApply.examples';
import { type Z, infraInputs, objectOutputs } from './infraInputs';

/**
 * `datamesh:infra:apply` — plans, prints the plan, then applies it: the safe
 * steps always, revokes and drops only with `allowDestructive`. The apply
 * runs in a checkpoint, so a retried task does not apply again what a
 * previous attempt finished; an attempt that failed half-way is planned
 * afresh from the actual state, which picks up where it stopped. What it
 * sent (or its failure) is reported to the data-mesh backend, when given,
 * for the product's audit trail.
 * @public
 */
export function createInfraApplyAction(options: {
  warehouse: WarehouseService;
  platform: PlatformConfig;
  /** The data-mesh backend, told of each apply that sent something or failed. */
  portal?: PortalConnection;
}) {
  return createTemplateAction({
    id: 'datamesh:infra:apply',
    description:
      "Creates the warehouse objects (database, schemas, roles, grants) of the workspace's data product; prints the plan first",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...infraInputs,
        allowDestructive: (z: Z) =>
          z
            .boolean({
              description:
                'Also run revoke and drop steps. Default false: they are printed and skipped',
            })
            .optional(),
      },
      output: {
        ...objectOutputs,
        applied: (z: Z) =>
          z.number({ description: 'Number of plan steps that ran' }),
        appliedSteps: (z: Z) =>
          z.array(z.string()).describe('Plan lines of the steps that ran'),
        skipped: (z: Z) =>
          z
            .array(z.string())
            .describe('Destructive steps not run because not allowed'),
        inSync: (z: Z) =>
          z.boolean({
            description:
              'The warehouse matches the declared state after the apply (false when destructive steps were skipped)',
          }),
      },
    },
    async handler(ctx) {
      const adapter = await options.warehouse.getAdapter();
      const planned = await planWorkspaceProduct({
        workspacePath: ctx.workspacePath,
        specPath: ctx.input.path,
        stage: ctx.input.stage,
        showSql: ctx.input.showSql,
        platform: options.platform,
        adapter,
        logger: ctx.logger,
      });
      const { objects, plan, summary, entity } = planned;
      for (const [k, v] of Object.entries(objects)) ctx.output(k as any, v);
      ctx.output('summary', summary);
      ctx.output('lines', planned.lines);
      ctx.output('steps', plan.steps.length);
      ctx.output('destructive', plan.destructive.length);

      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: nothing applied');
        ctx.output('applied', 0);
        ctx.output('appliedSteps', []);
        ctx.output(
          'skipped',
          plan.destructive.map(s => s.line),
        );
        ctx.output('inSync', summary.inSync);
        return;
      }

      const allowDestructive = ctx.input.allowDestructive ?? false;
      const done = await ctx.checkpoint({
        key: `apply.${objects.entityRef}.${objects.stage}`,
        fn: async () => {
          const result = await applyPlan(plan, adapter, {
            allowDestructive,
            onStep: step => ctx.logger.info(`applying: ${step.line}`),
          });
          // in the checkpoint: a retried task does not report it twice
          await reportToPortal(
            ctx,
            options.portal,
            entity,
            applyReportOf(result, {
              ...templateChange(ctx, entity, objects.stage),
              allowDestructive,
            }),
          );
          if (result.error) {
            const { code, statement, message } = result.error;
            throw new WarehouseError(
              `apply stopped at ${
                result.error.step?.line ?? 'the start'
              }: ${message}${code ? ` (code ${code})` : ''}; ${
                result.applied.length
              } step(s) had been applied, a retry plans again from there`,
              { code, statement },
            );
          }
          return {
            applied: result.applied.map(s => s.line),
            skipped: result.skipped.map(s => s.line),
          };
        },
      });
      ctx.logger.info(
        `Applied ${done.applied.length} step(s)${
          done.skipped.length
            ? `; skipped ${done.skipped.length} destructive step(s) (allowDestructive is false)`
            : ''
        }`,
      );
      for (const line of done.skipped) ctx.logger.warn(`skipped: ${line}`);

      // one more introspection proves the apply converged (re-apply is a no-op)
      const again = await planProducts([entity], options.platform, adapter);
      const inSync = !!again.plan && isPlanEmpty(again.plan);
      if (inSync) {
        ctx.logger.info(
          `Verified: ${objects.entityRef} matches the declared state`,
        );
      } else if (done.skipped.length === 0) {
        ctx.logger.warn(
          `After the apply the warehouse still differs from the declared state (changed by someone else meanwhile?)`,
        );
      }
      ctx.output('applied', done.applied.length);
      ctx.output('appliedSteps', done.applied);
      ctx.output('skipped', done.skipped);
      ctx.output('inSync', inSync);
    },
  });
}
