/*
 * `datamesh sandbox create|list|delete`: a feature branch's copy of a
 * product's schemas, from the product repo's CI (a sandbox per pull
 * request, deleted when it is merged), through the same engine as the
 * scaffolder's sandbox actions and retirement.
 *
 * As for plan and apply, the branch, the spec, the config and the names
 * are checked before the warehouse is opened.
 */
import fs from 'node:fs';
import {
  durationParts,
  parseDuration,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PortalSandboxClaims,
  type ProductLayer,
  type WarehouseAdapter,
  PRODUCT_LAYERS,
  SandboxError,
  assessProducts,
  createSandbox,
  dropSandboxes,
  findSandboxes,
  sandboxCreateFailureReportOf,
  sandboxCreateReportOf,
  sandboxDeleteReportsOf,
  sandboxSuffix,
} from '@datamesh/plugin-data-mesh-node';
import { type Io, EXIT_FAILED, EXIT_OK, hasErrors, reportIssues } from '../io';
import { envLines, openWarehouse, prepare } from './infra';
import {
  claimInPortal,
  cliChange,
  portalReportTarget,
  reportToPortal,
} from '../portalReport';

/** @public */
export interface SandboxOptions {
  config: string[];
  stage?: string;
  dataDir?: string;
  branch?: string;
  /** delete: every sandbox of the product. */
  all?: boolean;
  /** create: comma-separated layers (default all). */
  layers?: string;
  /** create: drop an existing sandbox of the branch first. */
  replace?: boolean;
  /** create: append the sandbox's names as DATAMESH_*=value lines. */
  writeEnv?: string;
  /** delete: list what would be dropped, drop nothing. */
  dryRun?: boolean;
  /** create, delete: the portal's data-mesh API, told of the change. */
  reportTo?: string;
  /** create, delete: where the run can be looked up (default: the CI run's URL). */
  reportReference?: string;
  /** create, delete: how long to wait for a branch another is changing (`10m`). */
  wait?: string;
}

type Mode = 'create' | 'list' | 'delete';

/** `--wait`'s units (days are longer than any CI job), and its limit. */
const WAIT_UNIT_MS: Partial<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
};
const WAIT_LIMIT_MS = 6 * 3_600_000;

/** The branch's suffix, the layers and the wait, or the problem with them. */
function readArguments(
  mode: Mode,
  options: SandboxOptions,
):
  | { suffix?: string; layers?: ProductLayer[]; waitMs?: number }
  | { error: string } {
  if (mode === 'create' && options.branch === undefined)
    return { error: '--branch: required' };
  if (mode === 'delete' && (options.branch === undefined) === !options.all)
    return { error: 'give --branch, or --all for every sandbox (not both)' };
  let suffix: string | undefined;
  if (options.branch !== undefined) {
    try {
      suffix = sandboxSuffix(options.branch);
    } catch (e) {
      return { error: `--branch: ${(e as Error).message}` };
    }
  }
  let layers: ProductLayer[] | undefined;
  if (options.layers !== undefined) {
    const asked = options.layers.split(',').map(l => l.trim());
    const unknown = asked.filter(
      l => !(PRODUCT_LAYERS as readonly string[]).includes(l),
    );
    if (unknown.length > 0 || asked.length === 0) {
      return {
        error: `--layers: ${JSON.stringify(
          options.layers,
        )} is not a list of ${PRODUCT_LAYERS.join(', ')}`,
      };
    }
    layers = asked as ProductLayer[];
  }
  let waitMs: number | undefined;
  if (options.wait !== undefined) {
    const wait = durationParts(parseDuration(options.wait));
    if (options.reportTo === undefined) {
      return { error: '--wait: needs --report-to (it waits for the portal)' };
    }
    const ms = wait && (WAIT_UNIT_MS[wait.unit] ?? 0) * wait.amount;
    if (!ms || ms > WAIT_LIMIT_MS) {
      return {
        error: `--wait: ${JSON.stringify(
          options.wait,
        )} is not minutes or hours up to 6h, e.g. 10m`,
      };
    }
    waitMs = ms;
  }
  return { suffix, layers, ...(waitMs ? { waitMs } : {}) };
}

/** `datamesh sandbox <mode> <spec-file>`. */
export async function sandboxCommand(
  mode: Mode,
  file: string,
  options: SandboxOptions,
  io: Io,
): Promise<number> {
  const args = readArguments(mode, options);
  if ('error' in args) {
    io.err(args.error);
    return EXIT_FAILED;
  }
  const report = portalReportTarget(options, [file], process.env);
  if (report && 'error' in report) {
    io.err(report.error);
    return EXIT_FAILED;
  }
  const prepared = await prepare([file], options, io);
  if (!prepared) return EXIT_FAILED;
  const entity = prepared.entities[0];
  // claimed in the portal while changed: neither makes or drops it under the other
  let claims: PortalSandboxClaims | undefined;
  const change = async (adapter: WarehouseAdapter): Promise<number> => {
    const { products, issues } = await assessProducts(
      prepared.entities,
      prepared.platform,
      adapter,
      // the sandbox engine asks the warehouse its own questions
      { requireAllValid: true, namesOnly: true },
    );
    reportIssues(io, issues);
    const product = products[0]?.desired?.products[0];
    if (!product || hasErrors(issues)) return EXIT_FAILED;
    const qualified = (ref: { database: string; schema: string }) =>
      adapter.dialect.qualifiedSchema(ref);

    if (mode === 'list') {
      const found = await findSandboxes(adapter, product);
      if (found.length === 0)
        io.err(
          `${product.entityRef} has no sandboxes (${prepared.description})`,
        );
      // when it was made and when its owners last kept it in the portal,
      // for a pipeline that drops the stale ones (its age runs from the later)
      for (const s of found)
        io.out(
          [s.suffix, qualified(s), s.createdAt ?? '-', s.keptAt ?? '-'].join(
            '\t',
          ),
        );
      return EXIT_OK;
    }

    if (mode === 'delete') {
      const found = (await findSandboxes(adapter, product)).filter(
        s => options.all || s.suffix === args.suffix,
      );
      if (report && !options.dryRun && found.length > 0) {
        claims = await claimInPortal(
          io,
          report,
          entity,
          [...new Set(found.map(s => s.suffix))],
          'delete',
          args.waitMs,
        );
      }
      // a branch the portal (or another pipeline) is changing is left alone
      const busy = new Set(claims?.busy.map(b => b.branch));
      const dropped = found.filter(s => !busy.has(s.suffix));
      // a drop the warehouse refused is the product's change too: reported, then failed
      let failure: Error | undefined;
      if (!options.dryRun) {
        await dropSandboxes(adapter, dropped).catch(e => {
          failure = e;
        });
      }
      for (const s of dropped) io.out(`- drop schema ${qualified(s)}`);
      if (found.length === 0) io.err('no sandbox to drop');
      else if (options.dryRun) io.err('dry run: nothing dropped');
      else if (report) {
        const reported = cliChange(report, entity, product.stage);
        for (const r of sandboxDeleteReportsOf(
          dropped,
          adapter.dialect,
          reported,
          failure?.message,
        )) {
          await reportToPortal(io, report, entity, r);
        }
      }
      if (failure) throw failure;
      return busy.size > 0 ? EXIT_FAILED : EXIT_OK;
    }

    const suffix = args.suffix!;
    const created = await createSandbox(adapter, product, {
      suffix,
      layers: args.layers,
      replace: options.replace,
      log: line => io.err(line),
    }).catch(async e => {
      // a copy the warehouse failed is the product's change too: reported, then failed
      if (report) {
        await reportToPortal(
          io,
          report,
          entity,
          sandboxCreateFailureReportOf(
            e,
            { dialect: adapter.dialect, product, suffix, layers: args.layers },
            cliChange(report, entity, product.stage),
          ),
        );
      }
      throw e;
    });
    if (report) {
      await reportToPortal(
        io,
        report,
        entity,
        sandboxCreateReportOf(
          suffix,
          created,
          adapter.dialect,
          cliChange(report, entity, product.stage),
        ),
      );
    }
    for (const note of created.notes) io.err(`note: ${note}`);
    for (const l of created.layers) {
      io.out(
        `sandbox ${l.layer} ${l.qualified} (${l.tables} table(s), ${created.method})`,
      );
    }
    if (options.writeEnv !== undefined) {
      // the pipeline of the branch writes to the sandbox's layers and reads
      // the product's own where no sandbox layer was asked for
      const schemas = { ...product.schemas };
      for (const l of created.layers) schemas[l.layer] = l.target.schema;
      fs.appendFileSync(
        options.writeEnv,
        `${[
          ...envLines({ ...product, schemas }, adapter.dialect),
          `DATAMESH_SANDBOX=${suffix}`,
        ].join('\n')}\n`,
      );
    }
    return EXIT_OK;
  };

  try {
    if (report && mode === 'create') {
      claims = await claimInPortal(
        io,
        report,
        entity,
        [args.suffix!],
        'create',
        args.waitMs,
      );
      if (claims.busy.length > 0) return EXIT_FAILED;
    }
    const adapter = await openWarehouse(prepared, io);
    if (!adapter) return EXIT_FAILED;
    try {
      return await change(adapter);
    } catch (e) {
      io.err(
        e instanceof SandboxError
          ? e.message
          : `sandbox ${mode} failed: ${(e as Error).message}`,
      );
      return EXIT_FAILED;
    } finally {
      await adapter.close().catch(() => undefined);
    }
  } finally {
    await claims?.end();
  }
}
