/*
 * Data-quality checks a product's pipeline measured (`datamesh quality
 * --report-to`), told to the portal's data-mesh backend (POST
 * /products/{namespace}/{name}/quality/reports), so the product page shows
 * the result of the run that just built the tables instead of waiting for
 * the portal's next scheduled run. The report holds counts, not verdicts:
 * the portal judges them by the check its catalog entity declares.
 */
import {
  type QualityReport,
  type QualityReportResponse,
  type QualityReportedCheck,
  dataMeshApiUrl,
} from '@datamesh/plugin-data-mesh-common';
import { type PortalTarget, postReport } from './changeReport';
import type { QualityCheckResult } from './qualityRun';

/**
 * The report of a run's results: each measured check's table and counts,
 * each check that could not be measured with why; checks the platform does
 * not run (`sql`, `custom`, `text`) are left out.
 * @public
 */
export function qualityReportedChecks(
  results: QualityCheckResult[],
): QualityReportedCheck[] {
  return results.flatMap((r): QualityReportedCheck[] => {
    if (r.status === 'not-run') return [];
    const table = r.table
      ? {
          table: {
            database: r.table.database,
            schema: r.table.schema,
            table: r.table.table,
          },
        }
      : {};
    if (r.counts) return [{ key: r.key, ...table, counts: r.counts }];
    // a long warehouse message is cut, not refused
    const error = (r.message ?? 'not measured').slice(0, 2_000);
    return [{ key: r.key, ...table, error }];
  });
}

/**
 * Sends `report` for the product to the data-mesh backend at `baseUrl`
 * with a Backstage token. Throws with the backend's own message when it
 * refuses (403: not an owner, 404: not in the catalog, 400: a bad report)
 * or cannot be reached.
 * @public
 */
export async function sendQualityReport(
  target: PortalTarget,
  product: { namespace: string; name: string },
  report: QualityReport,
): Promise<QualityReportResponse> {
  return postReport(
    target,
    dataMeshApiUrl('/products/{namespace}/{name}/quality/reports', product),
    {
      ...report,
      ...(report.reference
        ? { reference: report.reference.slice(0, 500) }
        : {}),
    },
  );
}
