/*
 * The warehouse side of an access request, behind one interface: the
 * access-request service calls grant when a request is approved and revoke
 * when it is revoked or expires, and records the statements each returns.
 * The interface and its service ref live here, beside the warehouse
 * service, so that a backend installs the warehouse executor without the
 * plugin depending on any warehouse package.
 */
import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { applyPlan } from '../warehouse/apply';
import { appliedStatements } from '../warehouse/changeReport';
import type { Plan, WarehouseAdapter } from '../warehouse/types';
import { WarehouseError } from '../warehouse/types';
import {
  type WarehouseService,
  warehouseServiceRef,
} from '../service/warehouseService';
import { planAccessGrant, planAccessRevoke } from './grants';
import { planAccessRevokes } from './revokes';

/** What the warehouse needs to grant or revoke one request. @public */
export interface AccessGrant {
  /** The request id. */
  id: string;
  /** Entity ref of the product. */
  product: string;
  outputPort: string;
  /** The per-request role to create (grant) or drop (revoke). */
  role: string;
  /** The product's role the request role receives (consumer, or PII consumer). */
  providerRole: string;
  /** The consumer's role the request role is granted to. */
  grantee: string;
  pii: boolean;
}

/**
 * Makes and takes back the warehouse grant of a request. Both must be
 * idempotent: a grant or revoke that failed half-way is retried.
 * @public
 */
export interface AccessGrantExecutor {
  /** Create the request role, grant it the provider role and grant it to the grantee. Returns the statements sent. */
  grant(grant: AccessGrant): Promise<string[]>;
  /** Drop the request role (and with it every grant it carried). Returns the statements sent. */
  revoke(grant: AccessGrant): Promise<string[]>;
  /**
   * Revoke many requests with a number of warehouse queries that does not
   * grow with them besides each one's drop statements; a request that fails
   * does not stop the others. Optional: without it, callers revoke one by one.
   */
  revokeMany?(grants: AccessGrant[]): Promise<AccessRevokeOutcome[]>;
}

/** What a batch revoke did for one request: the statements sent, or the error. @public */
export type AccessRevokeOutcome =
  | { id: string; statements: string[] }
  | { id: string; error: string };

/** The installed executor, if any. @public */
export interface AccessGrantExecutorService {
  executor?: AccessGrantExecutor;
}

/**
 * Where the access-request service finds its warehouse executor. The default
 * has none: approvals are recorded and wait for the warehouse. A backend
 * installs {@link warehouseAccessGrantExecutorServiceFactory} to grant in
 * its configured warehouse.
 * @public
 */
export const accessGrantExecutorServiceRef =
  createServiceRef<AccessGrantExecutorService>({
    id: 'data-mesh.access-grant-executor',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({ service, deps: {}, factory: () => ({}) }),
  });

/** Run a plan's steps (revokes and drops too when asked); the SQL sent, or the warehouse's refusal as a WarehouseError. */
async function run(
  plan: Plan,
  adapter: WarehouseAdapter,
  allowDestructive: boolean,
): Promise<string[]> {
  const result = await applyPlan(plan, adapter, { allowDestructive });
  const sent = appliedStatements(result);
  if (result.error) {
    throw new WarehouseError(
      `${result.error.message}${
        sent.length > 0
          ? ` (after ${sent.length} statements that succeeded)`
          : ''
      }`,
      { code: result.error.code, statement: result.error.statement },
    );
  }
  return sent;
}

/**
 * An executor that grants in the process's warehouse, through the
 * provisioning engine: each call introspects the request's roles and sends
 * only what is missing, so a retry after a failure, or a second grant of
 * the same request, sends nothing that already holds.
 * @public
 */
export function createWarehouseAccessGrantExecutor(options: {
  warehouse: Pick<WarehouseService, 'getAdapter'>;
}): AccessGrantExecutor {
  return {
    async grant(grant) {
      const adapter = await options.warehouse.getAdapter();
      return run(await planAccessGrant(grant, adapter), adapter, false);
    },
    async revoke(grant) {
      const adapter = await options.warehouse.getAdapter();
      return run(await planAccessRevoke(grant, adapter), adapter, true);
    },
    async revokeMany(grants) {
      const adapter = await options.warehouse.getAdapter();
      const outcomes: AccessRevokeOutcome[] = [];
      // one introspection for all, then each request's drops on their own,
      // so a failure is that request's alone and is retried later
      for (const planned of await planAccessRevokes(grants, adapter)) {
        const id = planned.grant.id;
        try {
          if ('error' in planned) throw planned.error;
          outcomes.push({
            id,
            statements: await run(planned.plan, adapter, true),
          });
        } catch (e) {
          outcomes.push({
            id,
            error: e instanceof Error ? e.message : String(e),
          });
        }
      }
      return outcomes;
    },
  };
}

/**
 * Installs the warehouse executor: approvals are granted in the warehouse
 * `dataMesh.warehouse` configures. Add it to a backend with `backend.add`.
 * @public
 */
export const warehouseAccessGrantExecutorServiceFactory = createServiceFactory({
  service: accessGrantExecutorServiceRef,
  deps: { warehouse: warehouseServiceRef },
  factory: ({ warehouse }) => ({
    executor: createWarehouseAccessGrantExecutor({ warehouse }),
  }),
});
