import { mockServices } from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  type DataProductPermissionQuery,
  isDataProductOwner,
} from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from './__testUtils__/databases';
import {
  loadDataProductResources,
  whereDataProductCriteria,
} from './permissions';

const databases = createTestDatabases();

const rows = [
  { ref: 'dataproduct:default/a', owner: 'group:default/team-a' },
  { ref: 'dataproduct:default/b', owner: 'group:default/team-b' },
  { ref: 'dataproduct:default/c', owner: 'user:default/carol' },
  { ref: 'dataproduct:default/d', owner: null },
];

describe.each(databases.eachSupportedId())(
  'owner criteria as a where on %s',
  databaseId => {
    it('select exactly the rows that apply() allows', async () => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('products', t => {
        t.string('ref').primary();
        t.string('owner').nullable();
      });
      await knex('products').insert(rows);
      const owns = (claims: string[]) =>
        isDataProductOwner.toQuery({ claims }) as DataProductPermissionQuery;
      const cases: PermissionCriteria<DataProductPermissionQuery>[] = [
        owns(['Group:default/Team-A', 'user:default/carol']),
        owns([]),
        { not: owns(['group:default/team-a']) },
        {
          anyOf: [owns(['group:default/team-b']), owns(['user:default/carol'])],
        },
        {
          allOf: [
            owns(['group:default/team-a', 'group:default/team-b']),
            { not: owns(['group:default/team-b']) },
          ],
        },
      ];
      const allowed = (
        c: PermissionCriteria<DataProductPermissionQuery>,
        owner: string | null,
      ): boolean => {
        if ('allOf' in c) return c.allOf.every(x => allowed(x, owner));
        if ('anyOf' in c) return c.anyOf.some(x => allowed(x, owner));
        if ('not' in c) return !allowed(c.not, owner);
        return isDataProductOwner.apply(
          { entityRef: '', ...(owner ? { owner } : {}) },
          { claims: c.values },
        );
      };
      for (const criteria of cases) {
        const selected = await whereDataProductCriteria(
          knex('products').select('ref').orderBy('ref'),
          criteria,
          'owner',
        );
        expect([criteria, selected.map((r: any) => r.ref)]).toEqual([
          criteria,
          rows.filter(r => allowed(criteria, r.owner)).map(r => r.ref),
        ]);
      }
      expect(
        (
          await whereDataProductCriteria(
            knex('products').select('ref'),
            { not: owns(['group:default/team-a']) },
            'owner',
          )
        ).map((r: any) => r.ref),
      ).toContain('dataproduct:default/d');
      await knex.destroy();
    });
  },
);

describe('loadDataProductResources', () => {
  it('reads each product owner from the catalog as a full lower-case ref', async () => {
    const product = (name: string, owner?: string) => ({
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: { name, namespace: 'health' },
      spec: owner ? { owner } : {},
    });
    const catalog = new InMemoryCatalogClient({
      entities: [
        product('encounters', 'Clinical-Care-Data'),
        product('orphan'),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'svc', namespace: 'health' },
          spec: { owner: 'team-a' },
        },
      ],
    });
    const loaded = await loadDataProductResources(
      // the catalog service takes the same request as the client, plus credentials
      { catalog: catalog as any, auth: mockServices.auth() },
      [
        'dataproduct:health/encounters',
        'dataproduct:health/orphan',
        'component:health/svc',
        'dataproduct:health/missing',
      ],
    );
    expect(loaded).toEqual([
      {
        entityRef: 'dataproduct:health/encounters',
        owner: 'group:health/clinical-care-data',
      },
      { entityRef: 'dataproduct:health/orphan' },
      undefined,
      undefined,
    ]);
  });
});
