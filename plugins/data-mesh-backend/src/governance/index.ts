/*
 * Governance in the backend: the store of results per product and its REST
 * API. The rules are data-mesh-node's `readGovernanceSettings`, read per
 * request so a rules file edit applies without a restart.
 */
import type {
  AuthService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { GovernanceSloStatus } from '@datamesh/plugin-data-mesh-common';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import type { SloStore } from '../slo/SloStore';
import { GovernanceService } from './GovernanceService';
import { createGovernanceRouter } from './router';

export { GovernanceService } from './GovernanceService';
export { createGovernanceRouter } from './router';

/**
 * The SLO status the `certified` rule needs: met while no objective is
 * breaching; unknown (not evaluated) while a product has no data yet.
 */
export function sloStatusFromStore(store: SloStore) {
  return async () => {
    const map = new Map<string, GovernanceSloStatus | undefined>();
    for (const row of await store.status.fleet({})) {
      if (row.status === 'no-data') continue;
      map.set(row.entityRef.toLocaleLowerCase('en-US'), {
        met: row.breaching === 0,
        breached: row.breaching
          ? [`${row.breaching} of ${row.objectives} objectives`]
          : [],
      });
    }
    return map;
  };
}

export async function setupGovernance(options: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  sloStore: SloStore;
  now: () => number;
}) {
  const service = new GovernanceService({
    // the SLO store has run the plugin's migrations, this table's included
    db: await options.database.getClient(),
    catalog: options.catalog,
    auth: options.auth,
    logger: options.logger,
    rules: () => readGovernanceSettings(options.config),
    sloStatus: sloStatusFromStore(options.sloStore),
    now: options.now,
  });
  return createGovernanceRouter({ service, httpAuth: options.httpAuth });
}
