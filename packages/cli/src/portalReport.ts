/*
 * `--report-to <url>` of `datamesh apply` and `datamesh sandbox
 * create|delete`: what a pipeline changed in a product's warehouse objects
 * told to the portal's data-mesh backend, so the product's audit trail in
 * the portal has it beside the portal's own changes; a sandbox's branch is
 * claimed there first, so the portal and the pipeline do not change it at
 * once. Of `datamesh quality`: the counts of its checks, so the product's
 * page shows the run that just built its tables. The token comes from
 * the environment (a CI secret), never from the command line, which CI logs
 * and process lists show.
 */
import type {
  DataProductEntityV1alpha1,
  InfrastructureChangeReport,
  ReportedChange,
  SandboxChange,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PortalSandboxClaims,
  type QualityCheckResult,
  claimSandboxesInPortal,
  qualityReportedChecks,
  reportedProduct,
  sendChangeReport,
  sendQualityReport,
} from '@datamesh/plugin-data-mesh-node';
import type { Io } from './io';

/** The environment variable holding the Backstage token the report is sent with. */
export const PORTAL_TOKEN_ENV = 'DATAMESH_PORTAL_TOKEN';

/** Where to report, checked before anything is applied. */
export interface PortalReportTarget {
  baseUrl: string;
  token: string;
  reference?: string;
}

/**
 * The address of the CI run executing the command, where a known CI tells
 * it (GitHub Actions, GitLab CI, Jenkins): where an auditor looks next.
 */
export function ciRunReference(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  return env.CI_JOB_URL || env.BUILD_URL || undefined;
}

/**
 * The report's target from `--report-to` and `--report-reference`, or an
 * error to print; `undefined` when not asked to report.
 */
export function portalReportTarget(
  options: { reportTo?: string; reportReference?: string },
  files: string[],
  env: NodeJS.ProcessEnv,
): PortalReportTarget | { error: string } | undefined {
  if (options.reportTo === undefined) {
    return options.reportReference === undefined
      ? undefined
      : { error: '--report-reference: needs --report-to' };
  }
  let url: URL;
  try {
    url = new URL(options.reportTo);
  } catch {
    return {
      // not echoed: a mistyped address may hold a password
      error: `--report-to: not a URL (the portal's data-mesh API, e.g. https://portal.example.com/api/data-mesh)`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: '--report-to: needs an http(s) URL' };
  }
  if (url.username || url.password) {
    return {
      error: `--report-to: no credentials in the URL; the token goes in ${PORTAL_TOKEN_ENV}`,
    };
  }
  if (files.length !== 1) {
    return {
      error: '--report-to: reports on one product; give one spec file',
    };
  }
  const token = env[PORTAL_TOKEN_ENV];
  if (!token) {
    return {
      error: `--report-to: ${PORTAL_TOKEN_ENV} is not set (a Backstage token the portal accepts, e.g. a static external access token)`,
    };
  }
  const reference = options.reportReference ?? ciRunReference(env);
  return {
    baseUrl: url.toString(),
    token,
    ...(reference ? { reference } : {}),
  };
}

/** What every report of this run says: the CLI, the stage, the run, the declared owner. */
export function cliChange(
  target: PortalReportTarget,
  entity: DataProductEntityV1alpha1,
  stage: string | undefined,
): ReportedChange {
  return {
    source: 'cli',
    ...(stage ? { stage } : {}),
    ...(target.reference ? { reference: target.reference } : {}),
    ...(entity.spec.owner ? { owner: entity.spec.owner } : {}),
  };
}

/**
 * Tells the portal of a change, if there is one. Never fails the command:
 * the warehouse has changed already (and a second apply sends nothing to
 * report); a refusal is a warning naming why.
 */
export async function reportToPortal(
  io: Io,
  target: PortalReportTarget,
  entity: DataProductEntityV1alpha1,
  report: InfrastructureChangeReport | undefined,
): Promise<void> {
  if (!report) return;
  const product = reportedProduct(entity);
  try {
    const recorded = await sendChangeReport(target, product, report);
    io.err(
      `recorded in the portal's audit trail of ${recorded.entityRef} (${recorded.action} by ${recorded.actor})`,
    );
  } catch (e) {
    io.err(
      `warning: not in the portal's audit trail of ${product.namespace}/${
        product.name
      } (${report.action}): ${(e as Error).message}`,
    );
  }
}

/**
 * Tells the portal what this run measured of the product's checks. Never
 * fails the command (its exit code is the checks' verdict); a refusal or a
 * check the portal judged otherwise is a warning naming why.
 */
export async function reportQualityToPortal(
  io: Io,
  target: PortalReportTarget,
  entity: DataProductEntityV1alpha1,
  stage: string | undefined,
  results: QualityCheckResult[],
): Promise<void> {
  const product = reportedProduct(entity);
  const checks = qualityReportedChecks(results);
  if (!checks.length) return;
  try {
    const judged = await sendQualityReport(target, product, {
      source: 'cli',
      ...(stage ? { stage } : {}),
      ...(target.reference ? { reference: target.reference } : {}),
      checks,
    });
    io.err(
      `reported to the portal: ${judged.recorded.length} of ${checks.length} results of ${judged.entityRef} kept (by ${judged.actor})`,
    );
    for (const s of judged.skipped) {
      io.err(`warning: the portal did not keep ${s.key}: ${s.reason}`);
    }
  } catch (e) {
    io.err(
      `warning: not reported to the portal (${product.namespace}/${
        product.name
      }): ${(e as Error).message}`,
    );
  }
}

/**
 * Claims in the portal the branches' sandboxes this command is about to
 * make or drop, so that no one makes or drops them from the portal
 * meanwhile (see `claimSandboxesInPortal`). Says which branches another is
 * changing — the caller leaves those alone — and, as a warning, why the
 * command goes on unclaimed when the portal cannot be asked.
 */
export async function claimInPortal(
  io: Io,
  target: PortalReportTarget,
  entity: DataProductEntityV1alpha1,
  branches: string[],
  change: SandboxChange,
  waitMs?: number,
): Promise<PortalSandboxClaims> {
  const claims = await claimSandboxesInPortal(
    target,
    reportedProduct(entity),
    {
      branches,
      change,
      source: 'cli',
      ...(target.reference ? { reference: target.reference } : {}),
    },
    line => io.err(line.startsWith('waiting') ? line : `warning: ${line}`),
    { waitMs },
  );
  if (claims.unclaimed) io.err(`warning: ${claims.unclaimed}; going on`);
  for (const b of claims.busy) io.err(b.message);
  return claims;
}
