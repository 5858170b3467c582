/*
 * What the sandbox actions share: the branch's suffix, their inputs, and
 * the workspace product as the engine assesses it.
 */
import { InputError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { formatIssue } from '@datamesh/plugin-data-mesh-common';
import {
  type ActualState,
  type PlatformConfig,
  type ProvisionedProduct,
  type WarehouseAdapter,
  type WarehouseService,
  assessProducts,
} from '@datamesh/plugin-data-mesh-node';
import { printable } from '../paths';
import { loadProduct } from '../spec';
import { type Z, infraInputs } from './infraInputs';

/** Characters git allows in branch names that are also harmless everywhere else. */
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/**
 * The schema-name suffix of a branch's sandbox: `feature/New-Visits` →
 * `feature_new_visits`. The branch is refused, not cleaned, when it holds
 * anything but letters, digits and `._/-`: such a name is not a branch a
 * developer would type, and it is what an injection attempt looks like.
 */
export function sandboxSuffix(branch: string): string {
  if (!BRANCH.test(branch) || branch.includes('..')) {
    throw new InputError(
      `branch '${printable(
        branch,
      )}' must be 1-100 characters of letters, digits, '.', '_', '/' and '-', starting with a letter or digit`,
    );
  }
  const suffix = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!suffix)
    throw new InputError(`branch '${branch}' has no letters or digits`);
  return /^[a-z]/.test(suffix) ? suffix : `b${suffix}`;
}

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
};

/**
 * The workspace's product as the engine assesses it: names checked by the
 * dialect, and which of its schemas the warehouse holds.
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
  productActual: ActualState;
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
    { requireAllValid: true },
  );
  const { desired, actual } = products[0];
  if (!desired || !actual) {
    throw new InputError(
      issues
        .filter(i => i.severity === 'error')
        .map(formatIssue)
        .join('\n'),
    );
  }
  return { adapter, product: desired.products[0], productActual: actual };
}
