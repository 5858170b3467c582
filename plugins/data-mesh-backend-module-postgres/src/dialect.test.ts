import { planProducts, platformConfig } from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';
import { PostgresDialect, quotePgIdentifier } from './dialect';

const native = new PostgresDialect({
  id: 'postgresql',
  displayName: 'PostgreSQL',
  layout: 'database',
});
const prefixed = new PostgresDialect({
  id: 'pglite',
  displayName: 'PGlite',
  layout: 'schema-prefix',
});
const output = { database: 'acme_sales_dev', schema: 'orders_output' };

describe('quotePgIdentifier', () => {
  it('quotes plain identifiers', () => {
    expect(quotePgIdentifier('sales_orders_owner')).toBe(
      '"sales_orders_owner"',
    );
    expect(quotePgIdentifier('SYSADMIN')).toBe('"SYSADMIN"');
  });

  it.each([
    ['a"b'],
    ['orders"; DROP ROLE postgres; --'],
    ["x' or '1'='1"],
    ['a b'],
    ['a-b'],
    [''],
    ['1abc'],
    ['a'.repeat(64)],
    ['zürich'],
  ])('refuses %j', name => {
    expect(() => quotePgIdentifier(name)).toThrow(/refusing identifier/);
  });
});

describe('PostgresDialect', () => {
  it('routes statements to the database they belong to in the database layout', () => {
    expect(
      native.statements({
        action: 'create-schema',
        schema: {
          ...output,
          owner: 'sales_orders_owner',
          comment: "datamesh:dataproduct:default/o'brien",
        },
      }),
    ).toEqual([
      {
        sql: 'CREATE SCHEMA IF NOT EXISTS "orders_output" AUTHORIZATION "sales_orders_owner"',
        database: 'acme_sales_dev',
      },
      {
        sql: `COMMENT ON SCHEMA "orders_output" IS 'datamesh:dataproduct:default/o''brien'`,
        database: 'acme_sales_dev',
      },
    ]);
    expect(
      native.statements({
        action: 'create-database',
        database: { name: 'acme_sales_dev' },
      }),
    ).toEqual([{ sql: 'CREATE DATABASE "acme_sales_dev"' }]);
  });

  it('maps the database level to a schema prefix in the schema-prefix layout', () => {
    expect(prefixed.qualifiedTable(output, 'events')).toBe(
      '"acme_sales_dev__orders_output"."events"',
    );
    expect(
      prefixed.statements({
        action: 'create-database',
        database: { name: 'acme_sales_dev' },
      }),
    ).toEqual([]);
    expect(
      prefixed.statements({
        action: 'grant',
        target: { type: 'database', name: 'acme_sales_dev' },
        privileges: ['usage'],
        grantee: 'r',
      }),
    ).toEqual([]);
    expect(
      prefixed.notes!({ ...emptyDesired(), schemas: [{ ...output }] }),
    ).toEqual([
      'PGlite serves a single database: database "acme_sales_dev" is not created; its schemas are named with the prefix "acme_sales_dev__" instead, and database-level grants are skipped',
    ]);
  });

  it('spells grants, default privileges and revokes', () => {
    const sql = (c: Parameters<typeof native.statements>[0]) =>
      native.statements(c).map(s => s.sql);
    expect(
      sql({
        action: 'grant',
        target: { type: 'database', name: 'acme_sales_dev' },
        privileges: ['usage'],
        grantee: 'c',
      }),
    ).toEqual(['GRANT CONNECT ON DATABASE "acme_sales_dev" TO "c"']);
    expect(
      sql({
        action: 'grant',
        target: { type: 'future-tables', ...output, creator: 's' },
        privileges: ['select'],
        grantee: 'c',
      }),
    ).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "s" IN SCHEMA "orders_output" GRANT SELECT ON TABLES TO "c"',
    ]);
    expect(
      sql({
        action: 'revoke',
        target: { type: 'tables', ...output },
        privileges: ['select', 'insert'],
        grantee: 'PUBLIC',
      }),
    ).toEqual([
      'REVOKE SELECT, INSERT ON ALL TABLES IN SCHEMA "orders_output" FROM PUBLIC',
    ]);
    expect(() =>
      sql({
        action: 'grant',
        target: { type: 'tables', ...output },
        privileges: ['usage'],
        grantee: 'c',
      }),
    ).toThrow(/privilege usage does not apply to tables/);
    expect(
      native.statements({
        action: 'drop-role',
        role: 'r',
        databases: ['d1', 'd2'],
      }),
    ).toEqual([
      { sql: 'DROP OWNED BY "r"', database: 'd1' },
      { sql: 'DROP OWNED BY "r"', database: 'd2' },
      { sql: 'DROP ROLE IF EXISTS "r"' },
    ]);
    // dropped on its own: what it owns passes to the platform's role first
    expect(
      native.statements({
        action: 'drop-role',
        role: 'r',
        databases: ['d1'],
        keepOwned: true,
      }),
    ).toEqual([
      { sql: 'REASSIGN OWNED BY "r" TO CURRENT_USER', database: 'd1' },
      { sql: 'DROP OWNED BY "r"', database: 'd1' },
      { sql: 'DROP ROLE IF EXISTS "r"' },
    ]);
    expect(
      sql({ action: 'create-compute', compute: { name: 'acme_sales_wh' } }),
    ).toEqual([]);
  });

  it('refuses hostile names and comments inside changes', () => {
    expect(() =>
      native.statements({
        action: 'create-role',
        role: { name: 'x"; DROP ROLE postgres; --' },
      }),
    ).toThrow(/refusing identifier/);
    expect(() =>
      native.statements({
        action: 'create-role',
        role: { name: 'x', comment: 'a\\\nb' },
      }),
    ).toThrow(/refusing comment/);
  });
});

function emptyDesired() {
  return {
    computes: [],
    databases: [],
    schemas: [],
    roles: [],
    memberships: [],
    grants: [],
    products: [],
  };
}

describe('planProducts on the schema-prefix layout', () => {
  it('reports names too long once prefixed, before any query', async () => {
    const unused = () => {
      throw new Error('no query may be sent');
    };
    const adapter = new PostgresWarehouseAdapter({
      dialect: prefixed,
      connection: {
        query: unused,
        queryAs: unused,
        queryReadOnly: unused,
        release: unused,
        close: unused,
        queryCount: 0,
      },
    });
    const result = await planProducts(
      [
        testDataProduct(
          'patient-visits-by-department-xy',
          'hospital-operations',
        ),
      ],
      platformConfig(),
      adapter,
    );
    expect(result.plan).toBeUndefined();
    expect(result.issues[0].message).toMatch(
      /^dataproduct:default\/patient-visits-by-department-xy: refusing identifier 'acme_hospital_operations_dev__patient_visits_by_department_xy_raw': \d+ characters, PostgreSQL allows 63 \(PGlite\)$/,
    );
  });
});
