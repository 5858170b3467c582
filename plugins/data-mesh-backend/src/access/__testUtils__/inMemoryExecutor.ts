/*
 * An in-memory AccessGrantExecutor for tests: it keeps the request roles it
 * "granted" in a map, records every call, and can be told to fail or to
 * hold a grant until released (to race a revoke against it). It sends no
 * SQL; the statements it returns are what a warehouse executor would send.
 */
import type {
  AccessGrant,
  AccessGrantExecutor,
} from '@datamesh/plugin-data-mesh-node';

export interface InMemoryAccessGrantExecutor extends AccessGrantExecutor {
  /** Request role → the grant it carries, for roles that exist now. */
  roles: Map<string, AccessGrant>;
  calls: { op: 'grant' | 'revoke'; id: string }[];
  /** How many times revokeMany was called (each is one warehouse introspection). */
  revokeBatches: number;
  /** The next calls throw this error while set. */
  failWith?: string;
}

export function createInMemoryAccessGrantExecutor(): InMemoryAccessGrantExecutor {
  const executor: InMemoryAccessGrantExecutor = {
    roles: new Map(),
    calls: [],
    revokeBatches: 0,
    async grant(grant) {
      executor.calls.push({ op: 'grant', id: grant.id });
      if (executor.failWith) throw new Error(executor.failWith);
      executor.roles.set(grant.role, grant);
      return [
        `CREATE ROLE IF NOT EXISTS "${grant.role}"`,
        `GRANT ROLE "${grant.providerRole}" TO ROLE "${grant.role}"`,
        `GRANT ROLE "${grant.role}" TO ROLE "${grant.grantee}"`,
      ];
    },
    async revoke(grant) {
      executor.calls.push({ op: 'revoke', id: grant.id });
      if (executor.failWith) throw new Error(executor.failWith);
      executor.roles.delete(grant.role);
      return [`DROP ROLE IF EXISTS "${grant.role}"`];
    },
    async revokeMany(grants) {
      executor.revokeBatches++;
      const outcomes = [];
      for (const grant of grants) {
        try {
          outcomes.push({
            id: grant.id,
            statements: await executor.revoke(grant),
          });
        } catch (e) {
          outcomes.push({ id: grant.id, error: (e as Error).message });
        }
      }
      return outcomes;
    },
  };
  return executor;
}
