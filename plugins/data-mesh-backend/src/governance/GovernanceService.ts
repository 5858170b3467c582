/*
 * Governance results of the portal: the same engine as the CLI, the
 * scaffolder and the catalog processor, here with the SLO status (so
 * `certified` is judged), stored per product for the Governance card and
 * the compliance page.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  type GovernanceDomainSummary,
  type GovernanceProductResponse,
  type GovernanceReport,
  type GovernanceRuleSet,
  type GovernanceSloStatus,
  type GovernanceSummaryResponse,
  evaluateGovernance,
  formatIssue,
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const TABLE = 'data_mesh_governance';

/** The SLO status of every monitored product, by lowercase entity ref. */
export type SloStatusLookup = () => Promise<
  Map<string, GovernanceSloStatus | undefined>
>;

/** @public */
export interface GovernanceServiceOptions {
  db: Knex;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  rules: () => Promise<GovernanceRuleSet & { defaultStage?: string }>;
  sloStatus: SloStatusLookup;
  now: () => number;
  /** Stored results older than this are recomputed for the summary. Default 5 minutes. */
  maxAgeMs?: number;
}

export class GovernanceService {
  private lastRefresh = 0;

  constructor(private readonly options: GovernanceServiceOptions) {}

  /** One product, evaluated now and stored; read with the caller's credentials, so only visible products answer. */
  async product(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<GovernanceProductResponse> {
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity || !isDataProductEntity(entity)) {
      throw new NotFoundError(`no data product ${ref}`);
    }
    const rules = await this.options.rules();
    const slo = await this.options.sloStatus();
    const report = await this.evaluate(fromCatalogForm(entity), rules, slo);
    return this.view(report, this.options.now(), rules);
  }

  /** Compliance per domain, from the stored results (recomputed when stale). */
  async summary(): Promise<GovernanceSummaryResponse> {
    const rules = await this.options.rules();
    if (
      this.options.now() - this.lastRefresh >
      (this.options.maxAgeMs ?? 300_000)
    ) {
      await this.refreshAll(rules);
    }
    const rows: Array<{
      domain: string | null;
      report: string;
      evaluated_at: string | number;
    }> = await this.options
      .db(TABLE)
      .select('domain', 'report', 'evaluated_at');
    const byDomain = new Map<string, GovernanceDomainSummary>();
    let oldest: number | undefined;
    for (const row of rows) {
      const report: GovernanceReport = JSON.parse(row.report);
      const domain = row.domain ?? '(no domain)';
      const at = Number(row.evaluated_at);
      oldest = oldest === undefined ? at : Math.min(oldest, at);
      let d = byDomain.get(domain);
      if (!d) {
        d = {
          domain,
          products: 0,
          compliant: 0,
          counts: { pass: 0, warn: 0, fail: 0, 'not-evaluated': 0 },
          rules: [],
        };
        byDomain.set(domain, d);
      }
      d.products++;
      if (report.ok) d.compliant++;
      for (const r of report.results) {
        d.counts[r.status]++;
        if (r.status !== 'fail' && r.status !== 'warn') continue;
        let rule = d.rules.find(x => x.ruleId === r.ruleId);
        if (!rule) {
          rule = { ruleId: r.ruleId, fail: 0, warn: 0 };
          d.rules.push(rule);
        }
        rule[r.status]++;
      }
    }
    return {
      domains: [...byDomain.values()].sort((a, b) =>
        a.domain.localeCompare(b.domain),
      ),
      ruleProblems: rules.issues.map(formatIssue),
      ...(oldest !== undefined
        ? { evaluatedAt: new Date(oldest).toISOString() }
        : {}),
    };
  }

  /** Every product in the catalog, evaluated and stored; products gone are removed. */
  async refreshAll(rules?: GovernanceRuleSet & { defaultStage?: string }) {
    const set = rules ?? (await this.options.rules());
    const slo = await this.options.sloStatus();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const seen: string[] = [];
    for await (const page of this.options.catalog.streamEntities(
      { filter: { kind: 'DataProduct' } },
      { credentials },
    )) {
      for (const entity of page) {
        if (!isDataProductEntity(entity)) continue;
        try {
          const report = await this.evaluate(fromCatalogForm(entity), set, slo);
          seen.push(report.entityRef);
        } catch (e) {
          // one unreadable product must not hide the others' compliance
          this.options.logger.warn(
            `Governance not evaluated for ${stringifyEntityRef(entity)}: ${e}`,
          );
        }
      }
    }
    await this.options.db(TABLE).whereNotIn('entity_ref', seen).delete();
    this.lastRefresh = this.options.now();
  }

  private async evaluate(
    entity: DataProductEntityV1alpha1,
    rules: GovernanceRuleSet & { defaultStage?: string },
    slo: Map<string, GovernanceSloStatus | undefined>,
  ): Promise<GovernanceReport> {
    const ref = stringifyEntityRef(entity);
    const report = evaluateGovernance(entity, rules, {
      defaultStage: rules.defaultStage,
      now: new Date(this.options.now()),
      slo: slo.get(ref.toLocaleLowerCase('en-US')),
    });
    await this.options
      .db(TABLE)
      .insert({
        entity_ref: report.entityRef,
        domain: domainRef(entity),
        report: JSON.stringify(report),
        evaluated_at: this.options.now(),
      })
      .onConflict('entity_ref')
      .merge();
    return report;
  }

  private view(
    report: GovernanceReport,
    at: number,
    rules: GovernanceRuleSet,
  ): GovernanceProductResponse {
    return {
      ...report,
      evaluatedAt: new Date(at).toISOString(),
      ruleProblems: rules.issues.map(formatIssue),
    };
  }
}

/** `care` and `domain:default/care` are one domain on the fleet page. */
function domainRef(entity: DataProductEntityV1alpha1): string | null {
  if (!entity.spec.domain) return null;
  try {
    return stringifyEntityRef(
      parseEntityRef(entity.spec.domain, {
        defaultKind: 'domain',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return entity.spec.domain;
  }
}
