/*
 * The masking part of introspection as pure functions: the statements sent
 * per database, and how their rows become tables with typed columns (each
 * naming the policy set on it) and the policies of the scope schemas.
 */
import {
  maskingIntrospectionSql,
  readMaskingState,
  scopePolicies,
} from './maskingIntrospection';

const column = (
  schema: string,
  table: string,
  name: string,
  type: string,
  position: number,
) => ({
  KIND: 'column',
  TABLE_SCHEMA: schema,
  TABLE_NAME: table,
  COLUMN_NAME: name,
  DATA_TYPE: type,
  ORDINAL_POSITION: position,
  TABLE_TYPE: null,
  COMMENT: null,
});
const table = (schema: string, name: string, type = 'BASE TABLE') => ({
  KIND: 'table',
  TABLE_SCHEMA: schema,
  TABLE_NAME: name,
  COLUMN_NAME: null,
  DATA_TYPE: null,
  ORDINAL_POSITION: null,
  TABLE_TYPE: type,
  COMMENT: null,
});
const policy = (schema: string, name: string, comment = '') => ({
  name,
  database_name: 'ACME_SALES_DEV',
  schema_name: schema,
  kind: 'MASKING_POLICY',
  owner: 'DATAMESH_ADMIN',
  comment,
});

describe('Snowflake masking introspection', () => {
  it('asks for columns and tables in one statement, policies in one, and their columns in one per database', () => {
    expect(
      maskingIntrospectionSql.columns('acme_sales_dev', [
        'orders_output',
        'users_output',
      ]),
    ).toBe(
      `SELECT 'column' AS KIND, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION, NULL AS TABLE_TYPE, NULL AS COMMENT FROM "ACME_SALES_DEV".INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA IN ('ORDERS_OUTPUT', 'USERS_OUTPUT') UNION ALL SELECT 'table' AS KIND, TABLE_SCHEMA, TABLE_NAME, NULL AS COLUMN_NAME, NULL AS DATA_TYPE, NULL AS ORDINAL_POSITION, TABLE_TYPE, COMMENT FROM "ACME_SALES_DEV".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN ('ORDERS_OUTPUT', 'USERS_OUTPUT')`,
    );
    expect(maskingIntrospectionSql.policies('acme_sales_dev')).toBe(
      'SHOW MASKING POLICIES IN DATABASE "ACME_SALES_DEV"',
    );
    expect(
      maskingIntrospectionSql.references('acme_sales_dev', [
        ['ORDERS_OUTPUT', 'PII_MASK_STRING'],
        ['USERS_OUTPUT', 'PII_MASK_NUMBER'],
      ]),
    ).toBe(
      `SELECT POLICY_DB, POLICY_SCHEMA, POLICY_NAME, REF_DATABASE_NAME, REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME FROM TABLE("ACME_SALES_DEV".INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'ACME_SALES_DEV.ORDERS_OUTPUT.PII_MASK_STRING')) UNION ALL SELECT POLICY_DB, POLICY_SCHEMA, POLICY_NAME, REF_DATABASE_NAME, REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME FROM TABLE("ACME_SALES_DEV".INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'ACME_SALES_DEV.USERS_OUTPUT.PII_MASK_NUMBER'))`,
    );
    // names reaching the literal are validated like any identifier
    expect(() =>
      maskingIntrospectionSql.references('acme_sales_dev', [
        ["ORDERS_OUTPUT'); DROP TABLE x; --", 'P'],
      ]),
    ).toThrow(/refusing identifier/);
    expect(() =>
      maskingIntrospectionSql.columns('acme_sales_dev', ["o' OR '1'='1"]),
    ).toThrow(/refusing identifier/);
  });

  it('asks about the policies of the scope schemas only, and only those the engine can name', () => {
    expect(
      scopePolicies(
        [
          policy('ORDERS_OUTPUT', 'PII_MASK_STRING'),
          policy('OTHER', 'PII_MASK_STRING'),
          policy('ORDERS_OUTPUT', 'Mixed"Case'),
        ],
        ['orders_output'],
      ),
    ).toEqual([['ORDERS_OUTPUT', 'PII_MASK_STRING']]);
  });

  it('reads tables and views with ordered, typed columns and the policy set on each', () => {
    const state = readMaskingState('acme_sales_dev', ['orders_output'], {
      columns: [
        column('ORDERS_OUTPUT', 'EVENTS', 'EMAIL', 'TEXT', 2),
        column('ORDERS_OUTPUT', 'EVENTS', 'ID', 'NUMBER', 1),
        column('ORDERS_OUTPUT', 'EVENTS', 'SSN', 'TEXT', 3),
        column('ORDERS_OUTPUT', 'EVENTS', 'Quoted', 'TEXT', 4),
        column('OTHER', 'EVENTS', 'EMAIL', 'TEXT', 1),
        table('ORDERS_OUTPUT', 'EVENTS'),
        table('ORDERS_OUTPUT', 'EVENTS_V', 'VIEW'),
      ],
      policies: [
        policy('ORDERS_OUTPUT', 'PII_MASK_STRING', 'datamesh:x:pii'),
        policy('OTHER', 'PII_MASK_STRING'),
      ],
      references: [
        {
          POLICY_DB: 'ACME_SALES_DEV',
          POLICY_SCHEMA: 'ORDERS_OUTPUT',
          POLICY_NAME: 'PII_MASK_STRING',
          REF_DATABASE_NAME: 'ACME_SALES_DEV',
          REF_SCHEMA_NAME: 'ORDERS_OUTPUT',
          REF_ENTITY_NAME: 'EVENTS',
          REF_ENTITY_DOMAIN: 'TABLE',
          REF_COLUMN_NAME: 'EMAIL',
        },
        {
          // someone else's policy in the output schema
          POLICY_DB: 'ACME_SALES_DEV',
          POLICY_SCHEMA: 'ORDERS_OUTPUT',
          POLICY_NAME: 'SEC_MASK',
          REF_DATABASE_NAME: 'ACME_SALES_DEV',
          REF_SCHEMA_NAME: 'ORDERS_OUTPUT',
          REF_ENTITY_NAME: 'EVENTS',
          REF_ENTITY_DOMAIN: 'TABLE',
          REF_COLUMN_NAME: 'SSN',
        },
      ],
    });
    expect(state.tables).toEqual([
      {
        database: 'acme_sales_dev',
        schema: 'orders_output',
        name: 'events',
        kind: 'table',
        columns: [
          { name: 'id', type: 'NUMBER' },
          {
            name: 'email',
            type: 'TEXT',
            maskingPolicy: 'acme_sales_dev.orders_output.pii_mask_string',
          },
          {
            name: 'ssn',
            type: 'TEXT',
            maskingPolicy: 'acme_sales_dev.orders_output.sec_mask',
          },
        ],
      },
      {
        database: 'acme_sales_dev',
        schema: 'orders_output',
        name: 'events_v',
        kind: 'view',
        columns: [],
      },
    ]);
    expect(state.maskingPolicies).toEqual([
      {
        database: 'acme_sales_dev',
        schema: 'orders_output',
        name: 'pii_mask_string',
        comment: 'datamesh:x:pii',
      },
    ]);
  });
});
