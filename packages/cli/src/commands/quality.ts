/*
 * `datamesh quality`: measure the data-quality checks of products' specs
 * (ODCS `quality[]`) in the warehouse, from a product repo's CI after its
 * pipeline ran — the same counting the portal does, one statement per
 * database. A failing check of severity `error` (the default) fails the
 * run; `warning` and `info` checks are shown and do not. With
 * `--report-to`, the counts go to the portal, so the product's page shows
 * this run. With `--branch`, the checks are measured in the branch's
 * sandbox (`datamesh sandbox create`), where the branch's pipeline built
 * its tables: a pull request is checked before it is merged. With
 * `--sql`, the specs' own `sql` checks run too, with this connection's
 * privileges: the pipeline of the product whose spec it is may run its
 * own SQL (its dbt models do), the portal never does.
 */
import {
  describeQualityCheck,
  isBlockingQualityCheck,
  qualityCheckRunner,
} from '@datamesh/plugin-data-mesh-common';
import {
  type QualityCheckResult,
  productQualityChecks,
  runQualityChecks,
  sandboxSuffix,
} from '@datamesh/plugin-data-mesh-node';
import { type Io, EXIT_FAILED, EXIT_OK } from '../io';
import { portalReportTarget, reportQualityToPortal } from '../portalReport';
import { type InfraOptions, openWarehouse, prepare } from './infra';

/** @public */
export type QualityOptions = Pick<
  InfraOptions,
  'config' | 'stage' | 'dataDir' | 'reportTo' | 'reportReference'
> & {
  json?: boolean;
  /** Measure in this branch's sandbox. */
  branch?: string;
  /** Also run the specs' own `sql` checks with this connection's privileges. */
  sql?: boolean;
};

const MARKS: Record<QualityCheckResult['status'], string> = {
  passed: 'ok     ',
  failed: 'FAILED ',
  error: 'ERROR  ',
  'not-run': 'not run',
};

/** Whether a result fails the run: a blocking check that failed or could not be measured. */
export function failsTheRun(r: QualityCheckResult): boolean {
  return (
    isBlockingQualityCheck(r.check) &&
    (r.status === 'failed' || r.status === 'error')
  );
}

export async function qualityCommand(
  files: string[],
  options: QualityOptions,
  io: Io,
): Promise<number> {
  const report = portalReportTarget(options, files, process.env);
  if (report && 'error' in report) {
    io.err(report.error);
    return EXIT_FAILED;
  }
  let sandbox: string | undefined;
  if (options.branch !== undefined) {
    if (report) {
      // the portal shows the product's data, not a branch's
      io.err("--branch: a sandbox's results are not reported (--report-to)");
      return EXIT_FAILED;
    }
    try {
      sandbox = sandboxSuffix(options.branch);
    } catch (e) {
      io.err(`--branch: ${(e as Error).message}`);
      return EXIT_FAILED;
    }
  }
  const prepared = await prepare(files, options, io);
  if (!prepared) return EXIT_FAILED;
  const checks = prepared.entities.flatMap(entity =>
    productQualityChecks(entity, prepared.platform, { sandbox }).map(c => ({
      product: `dataproduct:${entity.metadata.namespace ?? 'default'}/${
        entity.metadata.name
      }`,
      ...c,
    })),
  );
  if (!checks.length) {
    io.err('no quality checks in these specs: nothing to measure');
    return EXIT_OK;
  }
  const adapter = await openWarehouse(prepared, io);
  if (!adapter) return EXIT_FAILED;
  try {
    const results = await runQualityChecks(adapter, checks, {
      sql: options.sql,
    });
    const withProduct = results.map((r, i) => ({
      product: checks[i].product,
      ...r,
    }));
    if (options.json) {
      io.out(
        JSON.stringify(
          withProduct.map(r => ({
            product: r.product,
            key: r.key,
            check: describeQualityCheck(r.check),
            severity: r.check.severity ?? 'error',
            status: r.status,
            ...(r.outcome
              ? { value: r.outcome.value, rows: r.outcome.rows }
              : {}),
            reason: r.outcome?.reason ?? r.message,
          })),
          null,
          2,
        ),
      );
    } else {
      io.err(
        `data quality in ${sandbox ? `the sandbox of ${sandbox} in ` : ''}${
          prepared.description
        }:`,
      );
      for (const r of withProduct) {
        const severity = r.check.severity ? ` [${r.check.severity}]` : '';
        io.out(
          `${MARKS[r.status]} ${r.product} ${r.key}${severity}: ${
            r.outcome?.reason ??
            `${describeQualityCheck(r.check)} — ${r.message}`
          }`,
        );
      }
    }
    if (report) {
      await reportQualityToPortal(
        io,
        report,
        prepared.entities[0],
        options.stage,
        results,
      );
    }
    const leftToPipeline = results.filter(
      r => r.status === 'not-run' && qualityCheckRunner(r.check) === 'pipeline',
    ).length;
    if (leftToPipeline) {
      io.err(
        `${leftToPipeline} sql checks not run: --sql runs the specs' own queries with this connection's privileges (in the product's own pipeline)`,
      );
    }
    const count = (s: QualityCheckResult['status']) =>
      results.filter(r => r.status === s).length;
    io.err(
      `${results.length} checks: ${count('passed')} passed, ${count(
        'failed',
      )} failed, ${count('error')} could not be measured, ${count(
        'not-run',
      )} not run`,
    );
    return results.some(failsTheRun) ? EXIT_FAILED : EXIT_OK;
  } finally {
    await adapter.close().catch(() => undefined);
  }
}
