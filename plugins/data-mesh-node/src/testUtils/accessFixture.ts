/*
 * What the access suites (grants, drift, batch revokes) stand on: one test
 * product provisioned by the engine, a team role as an identity provider
 * sync makes it, the warehouse executor, and a cleanup that drops all of it
 * with every role the suite made. Each suite registers its own, under its
 * own names, so suites sharing a server never touch each other's objects.
 */
/* eslint-disable jest/no-export -- a fixture of the shared suites, not a test file of its own */
import {
  type AccessGrant,
  type AccessGrantExecutor,
  createWarehouseAccessGrantExecutor,
} from '../access/executor';
import { applyPlan } from '../warehouse/apply';
import { planProducts } from '../warehouse/assess';
import { diff } from '../warehouse/plan';
import { emptyState, scopeOf, unionScope } from '../warehouse/scope';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import type {
  Change,
  DesiredState,
  ProvisionedProduct,
  WarehouseAdapter,
} from '../warehouse/types';
import type { WarehouseTestHarness } from './behaviourSuite';
import { testDataProduct } from './products';

/** The access suites' shared state, filled in by the fixture's `beforeAll`. */
export interface AccessFixture {
  h: WarehouseTestHarness;
  adapter: WarehouseAdapter;
  /** The one test product, as its spec says. */
  product: DataProductEntityV1alpha1;
  /** Its desired state. */
  desired: DesiredState;
  /** Its provisioned names (database, schemas, roles). */
  names: ProvisionedProduct;
  /** The team role requests grant to. */
  team: string;
  executor: AccessGrantExecutor;
  /** An access request of the team to the product's `events` port; its role is dropped at cleanup. */
  request(key: string): AccessGrant;
  /** Which of these roles the warehouse has, by one introspection. */
  existingRoles(roles: string[]): Promise<string[]>;
  /** Run changes as the engine would send them. */
  run(...changes: Change[]): Promise<unknown>;
  /**
   * Make a role as an identity provider sync does: under the warehouse's
   * parent role where there is one (Snowflake SYSADMIN), which is also what
   * lets a test session switch to it. Dropped at cleanup.
   */
  makeRole(role: string, options?: { underParent?: boolean }): Promise<void>;
}

export interface AccessFixtureOptions {
  /** Suffix of the product's domain after the run's prefix, e.g. `access`. */
  domain: string;
  /** Suffix of request role names, `<prefix>_<requestRoles>_<key>`. */
  requestRoles: string;
  /** Suffix of the team role's name. */
  team: string;
  /** Options of the test product (PII columns). */
  product?: { pii?: boolean };
  /** Setup between provisioning and making the team role. */
  afterProvision?(fx: AccessFixture): Promise<void>;
  timeoutMs: number;
}

/**
 * Register the fixture's `beforeAll` and `afterAll` in the calling
 * `describe`, and return the state they fill in (read it inside hooks and
 * tests only).
 */
export function setUpAccessFixture(
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: AccessFixtureOptions,
): AccessFixture {
  const made: string[] = [];
  const fx = {
    executor: createWarehouseAccessGrantExecutor({
      warehouse: { getAdapter: async () => fx.adapter },
    }),
    request(key: string): AccessGrant {
      const role = `${fx.h.domainPrefix}_${options.requestRoles}_${key}`;
      if (!made.includes(role)) made.push(role);
      return {
        id: key,
        product: fx.names.entityRef,
        outputPort: 'events',
        role,
        providerRole: fx.names.roles.consumer,
        grantee: fx.team,
        pii: false,
      };
    },
    existingRoles: async (roles: string[]) =>
      (
        await fx.adapter.introspect({ ...scopeOf(emptyState()), roles })
      ).roles.map(r => r.name),
    run: (...changes: Change[]) =>
      fx.adapter.execute(
        changes.flatMap(c => fx.adapter.dialect.statements(c)),
      ),
    async makeRole(role: string, { underParent = true } = {}) {
      made.push(role);
      const parent = fx.h.platform.parentRole ?? fx.adapter.defaultParentRole;
      await fx.run(
        { action: 'create-role', role: { name: role } },
        ...(parent && underParent
          ? [
              {
                action: 'grant-role',
                membership: { role, member: parent },
              } as Change,
            ]
          : []),
      );
    },
  } as AccessFixture;

  beforeAll(async () => {
    fx.h = await makeHarness();
    fx.adapter = fx.h.adapter;
    fx.product = testDataProduct(
      'orders',
      `${fx.h.domainPrefix}_${options.domain}`,
      // the run's own namespace: request markers of other runs on a
      // shared server never match this run's product
      { ...options.product, namespace: fx.h.domainPrefix },
    );
    const planned = await planProducts([fx.product], fx.h.platform, fx.adapter);
    if (!planned.plan || !planned.desired) {
      throw new Error(
        `test product not planned: ${JSON.stringify(planned.issues)}`,
      );
    }
    fx.desired = planned.desired;
    fx.names = fx.desired.products[0];
    const provisioned = await applyPlan(planned.plan, fx.adapter);
    if (provisioned.error) throw new Error(provisioned.error.message);
    await options.afterProvision?.(fx);
    fx.team = `${fx.h.domainPrefix}_${options.team}`;
    await fx.makeRole(fx.team);
  }, options.timeoutMs);

  afterAll(async () => {
    if (!fx.h) return;
    try {
      const scope = unionScope([
        ...(fx.desired ? [scopeOf(fx.desired)] : []),
        { ...scopeOf(emptyState()), roles: made },
      ]);
      const plan = diff(
        emptyState(),
        await fx.adapter.introspect(scope),
        fx.adapter,
      );
      const result = await applyPlan(plan, fx.adapter, {
        allowDestructive: true,
      });
      if (result.error) {
        // eslint-disable-next-line no-console
        console.warn(`engine cleanup failed: ${result.error.message}`);
      }
    } finally {
      await fx.h.cleanup();
    }
  }, options.timeoutMs);

  return fx;
}
