/*
 * Data-quality checks measured by a product's pipeline (`datamesh quality
 * --report-to`, POST /products/:namespace/:name/quality/reports): the
 * pipeline counts right after it builds the tables, so the product page
 * shows that run instead of the portal's last scheduled one. A report
 * holds counts, not verdicts. Each is judged here by the check as the
 * catalog's entity declares it, and only when it was counted in the table
 * the portal measures that check in: a pipeline running an older or newer
 * spec, or another stage, cannot pass a check the catalog holds
 * differently. A `sql` check's number is judged the same way, and only
 * when it came from the query the catalog's check holds; those checks
 * are the pipeline's alone (the portal does not run a spec's SQL). Kept,
 * summarised and told exactly as the portal's own results
 * (recordQualityResults), with who reported them and their run.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  type DataProductEntityV1alpha1,
  type QualityReport,
  type QualityReportResponse,
  evaluateQualityCheck,
  qualityCheckColumn,
  qualityCheckRunner,
  qualityMeasureKey,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type QualityCheckResult,
  productQualityChecks,
  qualityNotRunReason,
} from '@datamesh/plugin-data-mesh-node';
import { actorOf } from '../lifecycle/LifecycleService';
import { productRefOf } from '../slo/monitors';
import { type QualityCycleOptions, recordQualityResults } from './collector';

const tableName = (t: { database: string; schema: string; table: string }) =>
  `${t.database}.${t.schema}.${t.table}`;

/** Judge and keep a pipeline's report of a product's checks. */
export async function recordQualityReport(
  options: Pick<QualityCycleOptions, 'store' | 'logger' | 'notifier'> & {
    platform: PlatformConfig;
    clock: { now(): number };
  },
  entity: DataProductEntityV1alpha1,
  report: QualityReport,
  credentials: BackstageCredentials,
): Promise<QualityReportResponse> {
  const keys = report.checks.map(c => c.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new InputError(`checks: '${twice}' reported twice`);

  const checks = productQualityChecks(entity, options.platform);
  const declared = new Map(checks.map(c => [c.key, c]));
  const results: QualityCheckResult[] = [];
  const skipped: QualityReportResponse['skipped'] = [];
  for (const reported of report.checks) {
    const check = declared.get(reported.key);
    const skip = (reason: string) =>
      skipped.push({ key: reported.key, reason });
    if (!check) {
      skip(
        "not declared in the catalog's spec of the product (a changed spec is read at the catalog's next refresh)",
      );
    } else if (!qualityCheckRunner(check.check)) {
      skip(qualityNotRunReason(check.check));
    } else if (!check.table) {
      skip(`the portal cannot tell its table: ${check.problem}`);
    } else if (!reported.table) {
      skip('the report does not say which table it counted');
    } else if (tableName(reported.table) !== tableName(check.table)) {
      skip(
        `counted in ${tableName(
          reported.table,
        )}; the portal measures it in ${tableName(
          check.table,
        )} (another stage or naming?)`,
      );
    } else if (reported.error !== undefined) {
      results.push({ ...check, status: 'error', message: reported.error });
    } else {
      const counts = new Map(
        (reported.counts ?? []).map(c => [
          qualityMeasureKey(c.measure),
          c.count,
        ]),
      );
      const outcome = evaluateQualityCheck(
        check.check,
        qualityCheckColumn(check),
        counts,
      );
      if (outcome) {
        results.push({
          ...check,
          status: outcome.passed ? 'passed' : 'failed',
          outcome,
        });
      } else {
        skip(
          "not counted as the catalog's check needs (the pipeline's spec may declare it differently)",
        );
      }
    }
  }

  const now = options.clock.now();
  const actor = actorOf(credentials);
  await recordQualityResults(options, [{ entity, checks, results }], {
    now,
    measuredBy: {
      source: report.source,
      actor,
      ...(report.reference ? { reference: report.reference } : {}),
    },
    replaceAll: false,
  });
  const entityRef = productRefOf(entity);
  options.logger.info(
    `Data-quality checks of ${entityRef} reported by ${actor} (${
      report.source
    }${report.stage ? `, stage ${report.stage}` : ''}${
      report.reference ? ` ${report.reference}` : ''
    }): ${results.length} recorded, ${skipped.length} skipped`,
  );
  return {
    entityRef,
    checkedAt: new Date(now).toISOString(),
    actor,
    recorded: results.map(r => ({
      key: r.key,
      status: r.status as 'passed' | 'failed' | 'error',
    })),
    skipped,
  };
}
