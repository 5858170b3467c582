import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  PlatformConfig,
  WarehouseService,
} from '@datamesh/plugin-data-mesh-node';
import { planWorkspaceProduct } from '../infra';
import { examples } from './infraPlan.examples';
import { infraInputs, objectOutputs } from './infraInputs';

/**
 * `datamesh:infra:plan` — the plan that would bring the warehouse to the
 * product's declared state, printed in the task log; changes nothing.
 * @public
 */
export function createInfraPlanAction(options: {
  warehouse: WarehouseService;
  platform: PlatformConfig;
}) {
  return createTemplateAction({
    id: 'datamesh:infra:plan',
    description:
      "Plans the warehouse objects (database, schemas, roles, grants) of the workspace's data product and prints the plan; changes nothing",
    examples,
    supportsDryRun: true,
    schema: { input: infraInputs, output: objectOutputs },
    async handler(ctx) {
      const adapter = await options.warehouse.getAdapter();
      const { objects, summary, lines, plan } = await planWorkspaceProduct({
        workspacePath: ctx.workspacePath,
        specPath: ctx.input.path,
        stage: ctx.input.stage,
        showSql: ctx.input.showSql,
        platform: options.platform,
        adapter,
        logger: ctx.logger,
      });
      for (const [k, v] of Object.entries(objects)) ctx.output(k as any, v);
      ctx.output('summary', summary);
      ctx.output('lines', lines);
      ctx.output('steps', plan.steps.length);
      ctx.output('destructive', plan.destructive.length);
      ctx.output('inSync', summary.inSync);
    },
  });
}
