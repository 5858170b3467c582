import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type ActualState,
  type WarehouseAdapter,
  actualForScope,
  computeDesiredState,
  scopeOf,
} from '@datamesh/plugin-data-mesh-node';
import {
  type TestWarehouse,
  provision,
  sloProduct,
  warehouseFactories,
} from '../__testUtils__/warehouse';
import {
  InfrastructureService,
  WarehouseUnavailableError,
} from './InfrastructureService';
import { createSecretRedactor } from './redact';

/** Arrays in a stable order, without the query count. */
function canonical(state: ActualState) {
  const sorted = <T>(xs: T[]) =>
    xs.map(x => JSON.stringify(x)).sort() as unknown as T[];
  return {
    computes: sorted(state.computes),
    databases: sorted(state.databases),
    schemas: sorted(state.schemas),
    roles: sorted(state.roles),
    memberships: sorted(state.memberships),
    grants: sorted(state.grants),
  };
}

describe.each(warehouseFactories)('InfrastructureService on %s', (_, make) => {
  let w: TestWarehouse;
  let a: DataProductEntityV1alpha1;
  let b: DataProductEntityV1alpha1;
  let c: DataProductEntityV1alpha1;

  beforeAll(async () => {
    w = await make();
    a = sloProduct('alpha', `${w.id}-shop`, []);
    b = sloProduct('beta', `${w.id}-shop`, []);
    c = sloProduct('gamma', `${w.id}-fin`, []);
    await provision(w, [a, b]);
  });

  afterAll(async () => {
    await w?.cleanup();
  });

  const desiredOf = (p: DataProductEntityV1alpha1) =>
    computeDesiredState([p], {
      ...w.platform,
      parentRole: (w.adapter as WarehouseAdapter).defaultParentRole,
    }).desired!;

  it('cuts from one introspection of many products what each scope alone returns', async () => {
    const shop = `${w.id}_shop`;
    const q = (n: string) => w.adapter.dialect.quoteIdentifier(n);
    const database = `${w.platform.organization}_${shop}_dev`;
    const aOutput = w.adapter.dialect.qualifiedSchema({
      database,
      schema: 'alpha_output',
    });
    // cross-product edges: a membership between two products' roles, and a
    // grant on one product's schema to another product's role
    await w.adapter.execute([
      {
        sql: `GRANT ${q(`${shop}_beta_consumer`)} TO ${q(
          `${shop}_alpha_service`,
        )}`,
      },
      {
        sql: `GRANT USAGE ON SCHEMA ${aOutput} TO ${q(
          `${shop}_beta_consumer`,
        )}`,
        database,
      },
    ]);
    const scopes = [a, b, c].map(p => scopeOf(desiredOf(p)));
    const union = await w.adapter.introspect({
      computes: scopes.flatMap(s => s.computes),
      databases: [...new Set(scopes.flatMap(s => s.databases))],
      schemas: scopes.flatMap(s => s.schemas),
      roles: scopes.flatMap(s => s.roles),
      parentRole: scopes[0].parentRole,
    });
    expect(union.memberships).toContainEqual({
      role: `${shop}_beta_consumer`,
      member: `${shop}_alpha_service`,
    });
    for (const scope of scopes) {
      const alone = await w.adapter.introspect(scope);
      expect(canonical(actualForScope(union, scope))).toEqual(canonical(alone));
    }
    // the stranger grant is a's drift, and the membership is nobody's
    const service = new InfrastructureService({
      catalog: catalogServiceMock({ entities: [a, b, c] }),
      platform: w.platform,
      getAdapter: async () => w.adapter,
      warehouseType: 'test',
    });
    const summary = await service.getDriftSummary(mockCredentials.user());
    const byRef = Object.fromEntries(summary.items.map(i => [i.entityRef, i]));
    expect(byRef['dataproduct:default/alpha'].status).toBe('drift');
    expect(byRef['dataproduct:default/alpha'].lines.join('\n')).toContain(
      `- revoke usage on schema ${aOutput} from ${q(`${shop}_beta_consumer`)}`,
    );
    expect(byRef['dataproduct:default/alpha'].lines.join('\n')).not.toMatch(
      /revoke role/,
    );
    expect(byRef['dataproduct:default/beta'].status).toBe('in-sync');
    expect(byRef['dataproduct:default/gamma'].status).toBe('not-provisioned');
  });

  it("notes where the entity's recorded spec.infrastructure differs from the platform's names", async () => {
    const recorded: DataProductEntityV1alpha1 = {
      ...b,
      spec: {
        ...b.spec,
        infrastructure: {
          stage: 'dev',
          database: 'legacy_db',
          schema: 'beta_output',
          roles: { consumer: 'old_consumer' },
        },
      },
    };
    const service = new InfrastructureService({
      catalog: catalogServiceMock({ entities: [recorded] }),
      platform: w.platform,
      getAdapter: async () => w.adapter,
      warehouseType: 'test',
    });
    const body = await service.getProductInfrastructure(
      { namespace: 'default', name: 'beta' },
      mockCredentials.user(),
    );
    const shop = `${w.id}_shop`;
    // one note, every differing name with the provisioned one, and the fix;
    // the schema recorded right is not named
    expect(body.notes).toEqual([
      `spec.infrastructure records names this portal does not provision for the product: database legacy_db (provisioned: ${w.platform.organization}_${shop}_dev), roles.consumer old_consumer (provisioned: ${shop}_beta_consumer). To fix, write the provisioned names into spec.infrastructure of the spec file, or remove spec.infrastructure: the portal derives the names from its naming configuration (dataMesh.provisioning).`,
    ]);
  });

  it('does not compare names recorded for another platform', async () => {
    const other =
      w.adapter.dialect.id === 'snowflake' ? 'postgresql' : 'snowflake';
    const recorded: DataProductEntityV1alpha1 = {
      ...b,
      spec: {
        ...b.spec,
        infrastructure: {
          stage: 'dev',
          platform: other,
          database: 'EH_SHOP_PROD',
          schema: 'BETA',
          roles: { consumer: 'BETA_CONSUMER' },
        },
      },
    };
    const service = new InfrastructureService({
      catalog: catalogServiceMock({ entities: [recorded] }),
      platform: w.platform,
      getAdapter: async () => w.adapter,
      warehouseType: 'test',
    });
    const body = await service.getProductInfrastructure(
      { namespace: 'default', name: 'beta' },
      mockCredentials.user(),
    );
    expect(body.status).toBe('in-sync');
    expect(body.notes).toEqual([]);
  });
});

describe('InfrastructureService without a warehouse', () => {
  it('turns a failed connection into a 502 error without the secrets', async () => {
    const password = 'Sn0wfl4ke-pa55';
    const service = new InfrastructureService({
      catalog: catalogServiceMock({
        entities: [sloProduct('orders', 'sales', [])],
      }),
      platform: (
        await import('@datamesh/plugin-data-mesh-node')
      ).platformConfig(),
      getAdapter: async () => {
        throw Object.assign(
          new Error(
            `Incorrect username or password was specified (${password}).`,
          ),
          { code: '390100' },
        );
      },
      warehouseType: 'snowflake',
      redact: createSecretRedactor(
        new ConfigReader({
          dataMesh: { warehouse: { snowflake: { password } } },
        }),
      ),
    });
    const error = await service
      .getProductInfrastructure(
        { namespace: 'default', name: 'orders' },
        mockCredentials.user(),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(WarehouseUnavailableError);
    expect(error.statusCode).toBe(502);
    expect(error.code).toBe('390100');
    expect(error.message).toBe(
      'The snowflake warehouse could not be opened: Incorrect username or password was specified (***).',
    );
  });

  it('does not open the warehouse for a product the catalog does not have', async () => {
    const getAdapter = jest.fn();
    const service = new InfrastructureService({
      catalog: catalogServiceMock({ entities: [] }),
      platform: (
        await import('@datamesh/plugin-data-mesh-node')
      ).platformConfig(),
      getAdapter,
      warehouseType: 'pglite',
    });
    await expect(
      service.getProductInfrastructure(
        { namespace: 'default', name: 'orders' },
        mockCredentials.user(),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(getAdapter).not.toHaveBeenCalled();
  });
});
