/*
 * How introspection rows (shaped as Snowflake returns them) become the
 * engine's ActualState: the rules for managed vs other grantees, implicit
 * and partial table grants, views, future grants, memberships and names the
 * engine cannot address.
 */
import type { IntrospectionScope } from '@datamesh/plugin-data-mesh-node';
import {
  buildActualState,
  introspectionSql,
  type IntrospectionRows,
  warehouseSizeFromDisplay,
} from './introspection';

const DB = 'ACME_SALES_DEV';
const scope: IntrospectionScope = {
  computes: ['acme_sales_wh'],
  databases: ['acme_sales_dev'],
  schemas: [
    { database: 'acme_sales_dev', schema: 'orders_raw' },
    { database: 'acme_sales_dev', schema: 'orders_output' },
  ],
  roles: [
    'sales_orders_consumer',
    'sales_orders_service',
    'sales_orders_owner',
  ],
  parentRole: 'SYSADMIN',
};
const CONSUMER = 'SALES_ORDERS_CONSUMER';
const SERVICE = 'SALES_ORDERS_SERVICE';
const OWNER = 'SALES_ORDERS_OWNER';

const priv = (
  type: string,
  schema: string | null,
  name: string,
  privilege: string,
  grantee: string,
) => ({
  GRANTEE: grantee,
  GRANTED_TO: 'ROLE',
  OBJECT_CATALOG: type === 'DATABASE' ? null : DB,
  OBJECT_SCHEMA: type === 'DATABASE' || type === 'SCHEMA' ? null : schema,
  OBJECT_NAME: name,
  OBJECT_TYPE: type,
  PRIVILEGE_TYPE: privilege,
});
const future = (privilege: string, on: string, grantee: string) => ({
  privilege,
  grant_on: on,
  name: `${DB}.ORDERS_OUTPUT.<${on}>`,
  grant_to: 'ROLE',
  grantee_name: grantee,
  grant_option: 'false',
});

function rows(): IntrospectionRows {
  return {
    warehouses: [
      {
        name: 'ACME_SALES_WH',
        size: 'X-Small',
        auto_suspend: 60,
        comment: 'wh',
      },
      {
        name: 'SOMEONE_ELSES_WH',
        size: 'Large',
        auto_suspend: 600,
        comment: '',
      },
    ],
    databases: [{ name: DB, comment: 'db' }, { name: 'OTHER_DB' }],
    roles: [
      { name: CONSUMER, comment: 'datamesh:dataproduct:default/orders' },
      { name: SERVICE, comment: 'datamesh:dataproduct:default/orders' },
      { name: 'ANALYST', comment: '' },
    ],
    roleMemberships: [
      { GRANTEE: 'ADMIN', ROLE_NAME: 'ACCOUNTADMIN' },
      { GRANTEE: 'ACCOUNTADMIN', ROLE_NAME: 'SYSADMIN' },
      { GRANTEE: 'SYSADMIN', ROLE_NAME: OWNER },
      { GRANTEE: OWNER, ROLE_NAME: SERVICE },
      { GRANTEE: SERVICE, ROLE_NAME: CONSUMER },
      { GRANTEE: 'ANALYST', ROLE_NAME: CONSUMER },
    ],
    warehouseGrants: new Map([
      [
        'ACME_SALES_WH',
        [
          {
            privilege: 'OWNERSHIP',
            granted_to: 'ROLE',
            grantee_name: 'ACCOUNTADMIN',
          },
          { privilege: 'USAGE', granted_to: 'ROLE', grantee_name: CONSUMER },
          { privilege: 'MONITOR', granted_to: 'ROLE', grantee_name: 'ANALYST' },
        ],
      ],
    ]),
    schemas: new Map([
      [
        DB,
        [
          { name: 'INFORMATION_SCHEMA', owner: '' },
          { name: 'PUBLIC', owner: 'ACCOUNTADMIN' },
          {
            name: 'ORDERS_RAW',
            owner: OWNER,
            comment: 'datamesh:dataproduct:default/orders',
          },
          {
            name: 'ORDERS_OUTPUT',
            owner: OWNER,
            comment: 'datamesh:dataproduct:default/orders',
          },
        ],
      ],
    ]),
    objectPrivileges: [
      priv('DATABASE', null, DB, 'OWNERSHIP', 'ACCOUNTADMIN'),
      priv('DATABASE', null, DB, 'USAGE', CONSUMER),
      priv('SCHEMA', null, 'ORDERS_RAW', 'OWNERSHIP', OWNER),
      priv('SCHEMA', null, 'ORDERS_RAW', 'USAGE', SERVICE),
      priv('SCHEMA', null, 'ORDERS_RAW', 'CREATE TABLE', SERVICE),
      priv('SCHEMA', null, 'ORDERS_RAW', 'CREATE VIEW', SERVICE),
      priv('SCHEMA', null, 'ORDERS_RAW', 'CREATE TABLE', 'ANALYST'),
      priv('SCHEMA', null, 'ORDERS_RAW', 'USAGE', 'Quoted Analyst'),
      priv('SCHEMA', null, 'ORDERS_OUTPUT', 'USAGE', CONSUMER),
      // only half of `create` for a managed role: the grant is missing
      priv('SCHEMA', null, 'ORDERS_OUTPUT', 'CREATE TABLE', SERVICE),
      // output: T1 owned by service, T2 by owner, V1 a view owned by service
      priv('TABLE', 'ORDERS_OUTPUT', 'T1', 'OWNERSHIP', SERVICE),
      priv('TABLE', 'ORDERS_OUTPUT', 'T1', 'SELECT', CONSUMER),
      priv('TABLE', 'ORDERS_OUTPUT', 'T2', 'OWNERSHIP', OWNER),
      priv('TABLE', 'ORDERS_OUTPUT', 'T2', 'SELECT', CONSUMER),
      priv('TABLE', 'ORDERS_OUTPUT', 'T2', 'SELECT', SERVICE),
      priv('TABLE', 'ORDERS_OUTPUT', 'T2', 'INSERT', SERVICE),
      priv('VIEW', 'ORDERS_OUTPUT', 'V1', 'OWNERSHIP', SERVICE),
      priv('VIEW', 'ORDERS_OUTPUT', 'V1', 'SELECT', CONSUMER),
      priv('TABLE', 'ORDERS_OUTPUT', 'T1', 'SELECT', 'ANALYST'),
      // a schema outside the scope is ignored
      priv('SCHEMA', null, 'PUBLIC', 'USAGE', 'ANALYST'),
      // the view is account-wide: the same schema name in another database is not this one
      {
        ...priv('SCHEMA', null, 'ORDERS_RAW', 'USAGE', 'PROD_ANALYST'),
        OBJECT_CATALOG: 'ACME_SALES_PROD',
      },
      {
        ...priv('DATABASE', null, 'ACME_SALES_PROD', 'USAGE', 'PROD_ANALYST'),
        OBJECT_CATALOG: null,
      },
      // grantees that are not account roles (GRANTED_TO, bundle 2024_07)
      {
        ...priv('SCHEMA', null, 'ORDERS_RAW', 'USAGE', 'AUDIT_APP'),
        GRANTED_TO: 'APPLICATION',
      },
      {
        ...priv('TABLE', 'ORDERS_OUTPUT', 'T1', 'SELECT', CONSUMER),
        GRANTED_TO: 'APPLICATION ROLE',
      },
    ],
    futureGrants: new Map([
      [
        `${DB}.ORDERS_OUTPUT`,
        [
          future('SELECT', 'TABLE', CONSUMER), // no FUTURE VIEWS: incomplete for a managed role
          future('SELECT', 'TABLE', SERVICE),
          future('SELECT', 'VIEW', SERVICE),
          future('INSERT', 'TABLE', SERVICE),
          future('SELECT', 'VIEW', 'BI_TOOL'), // any part of it is drift for others
        ],
      ],
    ]),
  };
}

describe('buildActualState', () => {
  const { state, unrepresentable } = buildActualState(scope, rows());
  const grants = (type: string, schema?: string) =>
    state.grants
      .filter(
        g =>
          g.target.type === type &&
          (!schema || ('schema' in g.target && g.target.schema === schema)),
      )
      .map(
        g =>
          `${g.grantee}:${g.privilege}${g.implicit ? ':implicit' : ''}${
            g.partial ? ':partial' : ''
          }`,
      )
      .sort();

  it('lists only scope objects, with logical names, comments and normalised sizes', () => {
    expect(state.computes).toEqual([
      {
        name: 'acme_sales_wh',
        size: 'XSMALL',
        autoSuspendSeconds: 60,
        comment: 'wh',
      },
    ]);
    expect(state.databases).toEqual([
      { name: 'acme_sales_dev', comment: 'db' },
    ]);
    expect(state.roles).toEqual([
      {
        name: 'sales_orders_consumer',
        comment: 'datamesh:dataproduct:default/orders',
      },
      {
        name: 'sales_orders_service',
        comment: 'datamesh:dataproduct:default/orders',
      },
    ]);
    expect(state.schemas).toEqual([
      {
        database: 'acme_sales_dev',
        schema: 'orders_raw',
        owner: 'sales_orders_owner',
        comment: 'datamesh:dataproduct:default/orders',
        tableCount: 0,
      },
      {
        database: 'acme_sales_dev',
        schema: 'orders_output',
        owner: 'sales_orders_owner',
        comment: 'datamesh:dataproduct:default/orders',
        tableCount: 3,
      },
    ]);
  });

  it('reads grants on computes and databases, leaving out ownership and privileges with no neutral name', () => {
    expect(grants('compute')).toEqual(['sales_orders_consumer:usage']);
    expect(grants('database')).toEqual(['sales_orders_consumer:usage']);
  });

  it('requires every part of a neutral privilege from managed roles, and counts any part held by others', () => {
    expect(grants('schema', 'orders_raw')).toEqual([
      'analyst:create',
      'sales_orders_service:create',
      'sales_orders_service:usage',
    ]);
    expect(grants('schema', 'orders_output')).toEqual([
      'sales_orders_consumer:usage',
    ]);
  });

  it('lists table privileges held on every table and view, marking ownership-only and partial holdings', () => {
    expect(grants('tables', 'orders_output')).toEqual(
      [
        // T1, T2 and V1 explicitly
        'sales_orders_consumer:select',
        // T2 explicitly, T1 and V1 by ownership
        'sales_orders_service:select',
        // T2 explicitly and T1 by ownership; views do not take INSERT
        'sales_orders_service:insert',
        // T1 only
        'analyst:select:partial',
        // the owner role owns T2 only, so it holds nothing on every table
      ].sort(),
    );
    expect(grants('tables', 'orders_raw')).toEqual([]);
  });

  it('reads future grants per schema, SELECT needing tables and views from managed roles', () => {
    expect(grants('future-tables', 'orders_output')).toEqual([
      'bi_tool:select',
      'sales_orders_service:insert',
      'sales_orders_service:select',
    ]);
  });

  it('keeps memberships between scope roles and to the parent role only', () => {
    expect(state.memberships).toEqual([
      { role: 'sales_orders_owner', member: 'SYSADMIN' },
      { role: 'sales_orders_service', member: 'sales_orders_owner' },
      { role: 'sales_orders_consumer', member: 'sales_orders_service' },
    ]);
  });

  it('reports names the engine cannot address instead of guessing them', () => {
    expect(unrepresentable).toEqual(['Quoted Analyst']);
    expect(
      state.grants.some(g => g.grantee.toLowerCase().includes('quoted')),
    ).toBe(false);
  });
});

describe('introspection SQL', () => {
  it('reads every grant in a database with one INFORMATION_SCHEMA query', () => {
    expect(introspectionSql.objectPrivileges('acme_sales_dev')).toBe(
      `SELECT GRANTEE, GRANTED_TO, OBJECT_CATALOG, OBJECT_SCHEMA, OBJECT_NAME, OBJECT_TYPE, PRIVILEGE_TYPE FROM "ACME_SALES_DEV".INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE OBJECT_TYPE IN ('DATABASE', 'SCHEMA', 'TABLE', 'VIEW')`,
    );
    expect(
      introspectionSql.futureGrants('acme_sales_dev', 'orders_output'),
    ).toBe('SHOW FUTURE GRANTS IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT"');
    expect(introspectionSql.applicableRoles('acme_sales_dev')).toBe(
      'SELECT GRANTEE, ROLE_NAME FROM "ACME_SALES_DEV".INFORMATION_SCHEMA.APPLICABLE_ROLES',
    );
    expect(introspectionSql.grantsOfRole('sales_orders_owner')).toBe(
      'SHOW GRANTS OF ROLE "SALES_ORDERS_OWNER"',
    );
    expect(() => introspectionSql.schemas('x"; DROP DATABASE y; --')).toThrow();
  });

  it('normalises SHOW WAREHOUSES sizes to CREATE WAREHOUSE spelling', () => {
    expect(warehouseSizeFromDisplay('X-Small')).toBe('XSMALL');
    expect(warehouseSizeFromDisplay('Medium')).toBe('MEDIUM');
    expect(warehouseSizeFromDisplay('2X-Large')).toBe('XXLARGE');
  });
});
