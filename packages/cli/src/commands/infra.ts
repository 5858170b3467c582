/*
 * `datamesh plan` and `datamesh apply`: the same engine as the scaffolder
 * actions and drift detection, run from a product repo's CI.
 *
 * Order matters for safety: the specs, the stage, the config and the
 * desired state are all checked before the warehouse is opened, so invalid
 * or hostile input is rejected before any connection, file or statement.
 */
import fs from 'node:fs';
import {
  type DataProductEntityV1alpha1,
  validateIdentifier,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type ProvisionedProduct,
  type WarehouseAdapter,
  type WarehouseDialect,
  applyPlan,
  applyReportOf,
  assessProducts,
  computeDesiredState,
  isPlanEmpty,
  readPlatformConfig,
  renderPlan,
} from '@datamesh/plugin-data-mesh-node';
import {
  type Io,
  EXIT_CHANGES,
  EXIT_FAILED,
  EXIT_OK,
  hasErrors,
  reportIssues,
} from '../io';
import { loadCliConfig } from '../config';
import { loadSpecFile } from '../specs';
import { cliChange, portalReportTarget, reportToPortal } from '../portalReport';
import { resolveCliWarehouse } from '../warehouse';

/** Options shared by plan and apply. */
export interface InfraOptions {
  config: string[];
  stage?: string;
  dataDir?: string;
  sql?: boolean;
  writeEnv?: string;
  /** plan only: exit 2 when there are changes. */
  detailedExitcode?: boolean;
  /** apply only: run revoke and drop steps too. */
  allowDestructive?: boolean;
  /** apply and quality: the portal's data-mesh API, told of the apply or the counts. */
  reportTo?: string;
  /** apply and quality: where the run can be looked up (default: the CI run's URL). */
  reportReference?: string;
}

/** A dialect that can tell the physical schema name (PostgreSQL's schema-prefix layout). */
type PhysicalNames = WarehouseDialect & {
  physicalSchema?(ref: { database: string; schema: string }): string;
};

/** Physical schema names: what a client such as dbt connects to. */
export function physicalSchemas(
  p: ProvisionedProduct,
  dialect: WarehouseDialect,
): ProvisionedProduct['schemas'] {
  const d = dialect as PhysicalNames;
  const physical = (schema: string) =>
    d.physicalSchema?.({ database: p.database, schema }) ?? schema;
  return {
    raw: physical(p.schemas.raw),
    intermediate: physical(p.schemas.intermediate),
    output: physical(p.schemas.output),
  };
}

/**
 * The provisioned names as `KEY=value` lines, for a CI job's environment
 * (e.g. `--write-env "$GITHUB_ENV"`) and the dbt profile that reads them.
 */
export function envLines(
  p: ProvisionedProduct,
  dialect: WarehouseDialect,
): string[] {
  const schemas = physicalSchemas(p, dialect);
  return [
    `DATAMESH_STAGE=${p.stage}`,
    `DATAMESH_COMPUTE=${p.compute}`,
    `DATAMESH_DATABASE=${p.database}`,
    `DATAMESH_RAW_SCHEMA=${schemas.raw}`,
    `DATAMESH_INTERMEDIATE_SCHEMA=${schemas.intermediate}`,
    `DATAMESH_OUTPUT_SCHEMA=${schemas.output}`,
    `DATAMESH_CONSUMER_ROLE=${p.roles.consumer}`,
    `DATAMESH_SERVICE_ROLE=${p.roles.service}`,
    `DATAMESH_OWNER_ROLE=${p.roles.owner}`,
  ];
}

function describeProduct(
  p: ProvisionedProduct,
  dialect: WarehouseDialect,
): string[] {
  const schemas = physicalSchemas(p, dialect);
  return [
    `${p.entityRef} (stage ${p.stage}):`,
    `  database ${p.database}, compute ${p.compute}`,
    `  schemas  raw ${schemas.raw}, intermediate ${schemas.intermediate}, output ${schemas.output}`,
    `  roles    consumer ${p.roles.consumer}, service ${p.roles.service}, owner ${p.roles.owner}`,
  ];
}

/** Specs, config and names, checked; the warehouse not yet opened. */
export interface Prepared {
  entities: DataProductEntityV1alpha1[];
  platform: PlatformConfig;
  open(): Promise<WarehouseAdapter>;
  description: string;
}

/** Everything that can be checked without a warehouse; undefined when something failed (already reported). */
export async function prepare(
  files: string[],
  options: Pick<InfraOptions, 'config' | 'stage' | 'dataDir' | 'writeEnv'>,
  io: Io,
): Promise<Prepared | undefined> {
  const entities: DataProductEntityV1alpha1[] = [];
  let failed = false;
  for (const file of files) {
    const result = loadSpecFile(file);
    reportIssues(io, result.issues);
    if (hasErrors(result.issues) || !result.entity) failed = true;
    else entities.push(result.entity);
  }
  if (options.stage !== undefined) {
    const problem = validateIdentifier(options.stage, 'stage');
    if (problem) {
      io.err(`--stage: ${problem}`);
      failed = true;
    }
  }
  if (options.writeEnv !== undefined && files.length !== 1) {
    io.err('--write-env: names the objects of one product; give one spec file');
    failed = true;
  }
  if (failed) return undefined;
  if (options.stage !== undefined) {
    // The OAM spec has no place for the stage: it belongs to the
    // deployment (the same spec goes to dev, then test, then prod).
    for (const entity of entities) {
      entity.spec.infrastructure = {
        ...entity.spec.infrastructure,
        stage: options.stage,
      };
    }
  }

  let platform: PlatformConfig;
  let target: ReturnType<typeof resolveCliWarehouse>;
  try {
    const config = await loadCliConfig(options.config);
    platform = readPlatformConfig(config);
    target = resolveCliWarehouse(config, { dataDir: options.dataDir });
  } catch (e) {
    io.err(`config: ${(e as Error).message}`);
    return undefined;
  }
  if ('error' in target) {
    io.err(`config: ${target.error}`);
    return undefined;
  }
  // The desired state is pure: computing it here checks every composed
  // name before the warehouse is opened. The plan computes it again with
  // the adapter's parent role.
  const { issues } = computeDesiredState(entities, platform);
  reportIssues(io, issues);
  if (hasErrors(issues)) return undefined;

  return {
    entities,
    platform,
    open: target.open,
    description: target.description,
  };
}

/** The configured warehouse, or undefined when it cannot be opened (reported). */
export async function openWarehouse(
  prepared: Prepared,
  io: Io,
): Promise<WarehouseAdapter | undefined> {
  try {
    return await prepared.open();
  } catch (e) {
    io.err(
      `cannot open the warehouse (${prepared.description}): ${
        (e as Error).message
      }`,
    );
    return undefined;
  }
}

/** `datamesh plan` (mode `plan`) and `datamesh apply` (mode `apply`). */
export async function infraCommand(
  mode: 'plan' | 'apply',
  files: string[],
  options: InfraOptions,
  io: Io,
): Promise<number> {
  const report = portalReportTarget(options, files, process.env);
  if (report && 'error' in report) {
    io.err(report.error);
    return EXIT_FAILED;
  }
  const prepared = await prepare(files, options, io);
  if (!prepared) return EXIT_FAILED;

  const adapter = await openWarehouse(prepared, io);
  if (!adapter) return EXIT_FAILED;

  try {
    const result = await assessProducts(
      prepared.entities,
      prepared.platform,
      adapter,
      { requireAllValid: true },
    );
    reportIssues(io, result.issues);
    const plan = result.plan;
    if (!plan || hasErrors(result.issues)) return EXIT_FAILED;

    io.err(`plan against ${prepared.description}:`);
    for (const line of renderPlan(plan, { sql: options.sql })) io.out(line);
    if (plan.conflicts.length > 0) return EXIT_FAILED;

    if (options.writeEnv !== undefined && plan.products.length === 1) {
      fs.appendFileSync(
        options.writeEnv,
        `${envLines(plan.products[0], adapter.dialect).join('\n')}\n`,
      );
    }

    if (mode === 'plan') {
      return options.detailedExitcode && !isPlanEmpty(plan)
        ? EXIT_CHANGES
        : EXIT_OK;
    }

    if (isPlanEmpty(plan)) return EXIT_OK;
    const applied = await applyPlan(plan, adapter, {
      allowDestructive: options.allowDestructive,
    });
    if (report) {
      await reportToPortal(
        io,
        report,
        prepared.entities[0],
        applyReportOf(applied, {
          ...cliChange(report, prepared.entities[0], plan.products[0]?.stage),
          allowDestructive: options.allowDestructive === true,
        }),
      );
    }
    if (applied.error) {
      io.err(
        `apply failed${
          applied.error.step ? ` at: ${applied.error.step.line}` : ''
        }`,
      );
      if (applied.error.statement) {
        io.err(`  statement: ${applied.error.statement.sql}`);
      }
      io.err(
        `  ${applied.error.code ? `${applied.error.code}: ` : ''}${
          applied.error.message
        }`,
      );
      io.err(
        `${applied.applied.length} step(s) applied, ${applied.skipped.length} not run; a new plan starts from what was done`,
      );
      return EXIT_FAILED;
    }
    io.out(
      `applied ${applied.applied.length} step${
        applied.applied.length === 1 ? '' : 's'
      }`,
    );
    const skippedDestructive = options.allowDestructive
      ? 0
      : plan.destructive.length;
    if (skippedDestructive > 0) {
      io.err(
        `${skippedDestructive} destructive step(s) not run; rerun with --allow-destructive to run them`,
      );
    }
    for (const p of plan.products) {
      for (const line of describeProduct(p, adapter.dialect)) io.out(line);
    }
    return EXIT_OK;
  } catch (e) {
    io.err(`${mode} failed: ${(e as Error).message}`);
    return EXIT_FAILED;
  } finally {
    await adapter.close().catch(() => undefined);
  }
}
