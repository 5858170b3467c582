/*
 * What the sandbox actions share: the branch's suffix, their inputs, and
 * the workspace product as the engine assesses it.
 */
import { InputError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type DataProductEntityV1alpha1,
  formatIssue,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type ProvisionedProduct,
  type WarehouseAdapter,
  type WarehouseService,
  SandboxError,
  assessProducts,
  sandboxSuffix as engineSandboxSuffix,
} from '@datamesh/plugin-data-mesh-node';
import { loadProduct } from '../spec';
import { type Z, infraInputs } from './infraInputs';

/**
 * The schema-name suffix of a branch's sandbox (the engine's rule), refused
 * as the scaffolder's input error.
 */
export function sandboxSuffix(branch: string): string {
  try {
    return engineSandboxSuffix(branch);
  } catch (e) {
    throw e instanceof SandboxError ? new InputError(e.message) : e;
  }
}

/** The longest a step waits for another's change of a branch: as the CLI's `--wait`. */
const MAX_WAIT_SECONDS = 6 * 60 * 60;

/** Inputs both sandbox actions take. */
export const sandboxInputs = {
  path: infraInputs.path,
  stage: (z: Z) =>
    z
      .string({
        description:
          "Stage of the product's schemas. Default: spec.infrastructure.stage, else the platform default stage",
      })
      .optional(),
  waitSeconds: (z: Z) =>
    z
      .number({
        description:
          'How long to wait for a branch the portal or a pipeline is making or deleting, asking again every 10 s (at most 21600, 6 hours). Default 0: the step fails at once, naming who is changing it',
      })
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .optional(),
};

/** How long to wait for a busy branch, as `claimInPortal` takes it. */
export function waitFor(waitSeconds: number | undefined, retryMs?: number) {
  return { waitMs: (waitSeconds ?? 0) * 1000, retryMs };
}

/**
 * The workspace's product as the engine names it, every name checked by
 * the warehouse's dialect.
 */
export async function assessSandboxProduct(
  ctx: {
    workspacePath: string;
    input: { path?: string; stage?: string };
    logger: LoggerService;
  },
  options: { warehouse: WarehouseService; platform: PlatformConfig },
): Promise<{
  adapter: WarehouseAdapter;
  product: ProvisionedProduct;
  entity: DataProductEntityV1alpha1;
}> {
  const entity = await loadProduct(
    ctx.workspacePath,
    ctx.input.path,
    ctx.logger,
    ctx.input.stage,
  );
  const adapter = await options.warehouse.getAdapter();
  const { products, issues } = await assessProducts(
    [entity],
    options.platform,
    adapter,
    // the sandbox engine asks the warehouse its own questions
    { requireAllValid: true, namesOnly: true },
  );
  const { desired } = products[0];
  if (!desired) {
    throw new InputError(
      issues
        .filter(i => i.severity === 'error')
        .map(formatIssue)
        .join('\n'),
    );
  }
  return { adapter, product: desired.products[0], entity };
}
