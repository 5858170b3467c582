/*
 * The warehouse side of an access request, behind one interface: the
 * service calls grant when a request is approved and revoke when it is
 * revoked or expires, and records the statements each returns. The plugin
 * installs no executor yet (the warehouse grant is the next step), so
 * approved requests wait in `approved`; a backend installs one through
 * `accessGrantExecutorServiceRef`.
 */
import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

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
}

/** The installed executor, if any. @public */
export interface AccessGrantExecutorService {
  executor?: AccessGrantExecutor;
}

/**
 * Where the access-request service finds its warehouse executor. The default
 * has none: approvals are recorded and wait for the warehouse.
 * @public
 */
export const accessGrantExecutorServiceRef =
  createServiceRef<AccessGrantExecutorService>({
    id: 'data-mesh.access-grant-executor',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({ service, deps: {}, factory: () => ({}) }),
  });
