/*
 * The pure SQL of the dialect. These pin the exact statements; that they
 * work is proven through the driver against the fake in the adapter tests.
 */
import {
  InvalidIdentifierError,
  logicalName,
  quoteLiteral,
  quoteName,
  quoteSnowflakeIdentifier,
  snowflakeDialect,
  snowflakeStatements,
} from './dialect';

const ref = { database: 'acme_sales_dev', schema: 'orders_output' };
const sql = (change: Parameters<typeof snowflakeStatements>[0]) =>
  snowflakeStatements(change).map(s => s.sql);

describe('Snowflake identifiers and literals', () => {
  it('upper-cases and double-quotes plain identifiers', () => {
    expect(quoteName('acme_sales_dev')).toBe('"ACME_SALES_DEV"');
    expect(quoteName('SYSADMIN')).toBe('"SYSADMIN"');
    expect(snowflakeDialect.qualifiedSchema(ref)).toBe(
      '"ACME_SALES_DEV"."ORDERS_OUTPUT"',
    );
    expect(snowflakeDialect.qualifiedTable(ref, 'events')).toBe(
      '"ACME_SALES_DEV"."ORDERS_OUTPUT"."EVENTS"',
    );
  });

  it.each([
    'a"b',
    'orders"; DROP ROLE SYSADMIN; --',
    "x' OR '1'='1",
    'with space',
    'dash-ed',
    '1starts_with_digit',
    '',
    'ünïcode',
    'a'.repeat(256),
  ])('refuses %j before it can reach SQL', name => {
    expect(() => quoteName(name)).toThrow(InvalidIdentifierError);
    expect(() => snowflakeDialect.qualifiedTable(ref, name)).toThrow(
      InvalidIdentifierError,
    );
  });

  it('accepts the longest Snowflake identifier', () => {
    expect(quoteName('a'.repeat(255))).toBe(`"${'A'.repeat(255)}"`);
  });

  it('quotes physical names read back from Snowflake exactly, doubling embedded quotes', () => {
    expect(quoteSnowflakeIdentifier('Quoted "Analyst"')).toBe(
      '"Quoted ""Analyst"""',
    );
    expect(() => quoteSnowflakeIdentifier('bad\nname')).toThrow(
      InvalidIdentifierError,
    );
  });

  it('maps physical names back to logical ones only when the engine could have written them', () => {
    expect(logicalName('ACME_SALES_DEV')).toBe('acme_sales_dev');
    expect(logicalName('PUBLIC')).toBe('PUBLIC');
    expect(logicalName('Mixed')).toBeUndefined();
    expect(logicalName('WITH SPACE')).toBeUndefined();
  });

  it('escapes quotes and backslashes in string literals and refuses control characters', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("'a\\\\b'");
    expect(quoteLiteral("x\\'; DROP DATABASE d; --")).toBe(
      "'x\\\\''; DROP DATABASE d; --'",
    );
    expect(() => quoteLiteral('bell\u0007')).toThrow(InvalidIdentifierError);
  });
});

describe('Snowflake statements per change', () => {
  it('creates a suspended, auto-resuming warehouse of the configured size', () => {
    expect(
      sql({
        action: 'create-compute',
        compute: {
          name: 'acme_sales_wh',
          size: 'xsmall',
          autoSuspendSeconds: 60,
          comment: "sales' compute",
        },
      }),
    ).toEqual([
      `CREATE WAREHOUSE IF NOT EXISTS "ACME_SALES_WH" WITH WAREHOUSE_SIZE = 'XSMALL' AUTO_SUSPEND = 60 AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE COMMENT = 'sales'' compute'`,
    ]);
    expect(() =>
      sql({
        action: 'create-compute',
        compute: { name: 'w', size: "XSMALL' --" },
      }),
    ).toThrow(InvalidIdentifierError);
    expect(() =>
      sql({
        action: 'create-compute',
        compute: { name: 'w', autoSuspendSeconds: -1 },
      }),
    ).toThrow(InvalidIdentifierError);
  });

  it('creates databases, roles and schemas idempotently, handing schemas to their owner role', () => {
    expect(
      sql({ action: 'create-database', database: { name: 'acme_sales_dev' } }),
    ).toEqual(['CREATE DATABASE IF NOT EXISTS "ACME_SALES_DEV"']);
    expect(
      sql({
        action: 'create-role',
        role: {
          name: 'sales_orders_owner',
          comment: 'datamesh:dataproduct:default/orders',
        },
      }),
    ).toEqual([
      `CREATE ROLE IF NOT EXISTS "SALES_ORDERS_OWNER" COMMENT = 'datamesh:dataproduct:default/orders'`,
    ]);
    expect(
      sql({
        action: 'create-schema',
        schema: { ...ref, owner: 'sales_orders_owner', comment: 'datamesh:x' },
      }),
    ).toEqual([
      `CREATE SCHEMA IF NOT EXISTS "ACME_SALES_DEV"."ORDERS_OUTPUT" COMMENT = 'datamesh:x'`,
      'GRANT OWNERSHIP ON SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "SALES_ORDERS_OWNER" COPY CURRENT GRANTS',
    ]);
    expect(
      sql({
        action: 'set-comment',
        object: { kind: 'schema', ...ref },
        comment: 'datamesh:y',
      }),
    ).toEqual([
      `ALTER SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" SET COMMENT = 'datamesh:y'`,
    ]);
    expect(
      sql({
        action: 'set-comment',
        object: { kind: 'role', name: 'r' },
        comment: 'c',
      }),
    ).toEqual([`ALTER ROLE "R" SET COMMENT = 'c'`]);
  });

  it('builds the role hierarchy with GRANT ROLE', () => {
    expect(
      sql({
        action: 'grant-role',
        membership: { role: 'sales_orders_owner', member: 'SYSADMIN' },
      }),
    ).toEqual(['GRANT ROLE "SALES_ORDERS_OWNER" TO ROLE "SYSADMIN"']);
    expect(
      sql({ action: 'revoke-role', membership: { role: 'a', member: 'b' } }),
    ).toEqual(['REVOKE ROLE "A" FROM ROLE "B"']);
  });

  it('spells each privilege target, covering views where SELECT applies to them', () => {
    expect(
      sql({
        action: 'grant',
        target: { type: 'compute', name: 'wh' },
        privileges: ['usage'],
        grantee: 'c',
      }),
    ).toEqual(['GRANT USAGE ON WAREHOUSE "WH" TO ROLE "C"']);
    expect(
      sql({
        action: 'grant',
        target: { type: 'database', name: 'db' },
        privileges: ['usage', 'create'],
        grantee: 'c',
      }),
    ).toEqual(['GRANT USAGE, CREATE SCHEMA ON DATABASE "DB" TO ROLE "C"']);
    expect(
      sql({
        action: 'grant',
        target: { type: 'schema', ...ref },
        privileges: ['usage', 'create'],
        grantee: 's',
      }),
    ).toEqual([
      'GRANT USAGE, CREATE TABLE, CREATE VIEW ON SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "S"',
    ]);
    expect(
      sql({
        action: 'grant',
        target: { type: 'tables', ...ref },
        privileges: ['select', 'insert', 'update', 'delete', 'truncate'],
        grantee: 's',
      }),
    ).toEqual([
      'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "S"',
      'GRANT SELECT ON ALL VIEWS IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "S"',
    ]);
    expect(
      sql({
        action: 'grant',
        target: { type: 'future-tables', ...ref, creator: 'ignored' },
        privileges: ['select'],
        grantee: 'c',
      }),
    ).toEqual([
      'GRANT SELECT ON FUTURE TABLES IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "C"',
      'GRANT SELECT ON FUTURE VIEWS IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "C"',
    ]);
    expect(
      sql({
        action: 'revoke',
        target: { type: 'future-tables', ...ref },
        privileges: ['insert'],
        grantee: 's',
      }),
    ).toEqual([
      'REVOKE INSERT ON FUTURE TABLES IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" FROM ROLE "S"',
    ]);
    expect(
      sql({
        action: 'revoke',
        target: { type: 'schema', ...ref },
        privileges: ['usage'],
        grantee: 'PUBLIC',
      }),
    ).toEqual([
      'REVOKE USAGE ON SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" FROM ROLE PUBLIC',
    ]);
  });

  it('refuses privileges that do not exist for the target', () => {
    expect(() =>
      sql({
        action: 'grant',
        target: { type: 'tables', ...ref },
        privileges: ['usage'],
        grantee: 'c',
      }),
    ).toThrow(/does not apply to tables/);
    expect(() =>
      sql({
        action: 'grant',
        target: { type: 'compute', name: 'w' },
        privileges: ['select'],
        grantee: 'c',
      }),
    ).toThrow(InvalidIdentifierError);
  });

  it('drops with IF EXISTS, schemas and databases with their contents', () => {
    expect(sql({ action: 'drop-schema', schema: ref })).toEqual([
      'DROP SCHEMA IF EXISTS "ACME_SALES_DEV"."ORDERS_OUTPUT" CASCADE',
    ]);
    expect(
      sql({ action: 'drop-role', role: 'r', databases: ['ignored'] }),
    ).toEqual(['DROP ROLE IF EXISTS "R"']);
    expect(sql({ action: 'drop-database', database: 'd' })).toEqual([
      'DROP DATABASE IF EXISTS "D" CASCADE',
    ]);
    expect(sql({ action: 'drop-compute', compute: 'w' })).toEqual([
      'DROP WAREHOUSE IF EXISTS "W"',
    ]);
  });
});

describe('Snowflake masking policies', () => {
  const policy = {
    ...ref,
    name: 'pii_mask_string',
    type: 'VARCHAR',
    mask: "'***'",
    clearRole: 'sales_orders_consumer_pii',
    comment: 'datamesh:dataproduct:default/orders:pii',
  };

  it('creates one policy per type family that shows the value to the PII role (and roles above it) only', () => {
    expect(sql({ action: 'create-masking-policy', policy })).toEqual([
      `CREATE MASKING POLICY IF NOT EXISTS "ACME_SALES_DEV"."ORDERS_OUTPUT"."PII_MASK_STRING" AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN IS_ROLE_IN_SESSION('SALES_ORDERS_CONSUMER_PII') THEN val ELSE '***' END COMMENT = 'datamesh:dataproduct:default/orders:pii'`,
    ]);
    const number = snowflakeDialect.maskingPolicyType!('NUMBER')!;
    expect(number).toEqual({ family: 'number', type: 'NUMBER', mask: 'NULL' });
    expect(
      sql({
        action: 'create-masking-policy',
        policy: { ...policy, name: 'pii_mask_number', ...number, comment: '' },
      }),
    ).toEqual([
      `CREATE MASKING POLICY IF NOT EXISTS "ACME_SALES_DEV"."ORDERS_OUTPUT"."PII_MASK_NUMBER" AS (val NUMBER) RETURNS NUMBER -> CASE WHEN IS_ROLE_IN_SESSION('SALES_ORDERS_CONSUMER_PII') THEN val ELSE NULL END`,
    ]);
  });

  it('sets the policy on a column without FORCE', () => {
    expect(
      sql({
        action: 'set-masking-policy',
        table: { ...ref, table: 'events' },
        column: 'email',
        policy: { ...ref, name: 'pii_mask_string' },
      }),
    ).toEqual([
      'ALTER TABLE "ACME_SALES_DEV"."ORDERS_OUTPUT"."EVENTS" MODIFY COLUMN "EMAIL" SET MASKING POLICY "ACME_SALES_DEV"."ORDERS_OUTPUT"."PII_MASK_STRING"',
    ]);
  });

  it('maps column types as INFORMATION_SCHEMA spells them, and their synonyms, to one policy type each', () => {
    const family = (t: string) =>
      snowflakeDialect.maskingPolicyType!(t)?.family;
    expect(['TEXT', 'VARCHAR(100)', 'string', 'CHAR(2)'].map(family)).toEqual([
      'string',
      'string',
      'string',
      'string',
    ]);
    expect(
      ['NUMBER', 'NUMBER(38,0)', 'INT', 'DECIMAL(10, 2)'].map(family),
    ).toEqual(['number', 'number', 'number', 'number']);
    expect(
      ['TIMESTAMP_NTZ', 'TIMESTAMP', 'DATETIME', 'TIMESTAMP_TZ'].map(family),
    ).toEqual([
      'timestamp_ntz',
      'timestamp_ntz',
      'timestamp_ntz',
      'timestamp_tz',
    ]);
    expect(snowflakeDialect.maskingPolicyType!('GEOGRAPHY')).toBeUndefined();
  });

  it('refuses a role, name, type or mask that could carry SQL of its own', () => {
    const bad = [
      { clearRole: "x') OR TRUE --" },
      { name: 'p"; DROP TABLE t; --' },
      { type: 'VARCHAR) RETURNS VARCHAR -> val --' },
      { mask: "'***' END; DROP DATABASE d; --" },
      { type: 'NUMBER', mask: "'***'" },
    ];
    for (const patch of bad) {
      expect(() =>
        sql({
          action: 'create-masking-policy',
          policy: { ...policy, ...patch },
        }),
      ).toThrow(InvalidIdentifierError);
    }
    expect(() =>
      sql({
        action: 'set-masking-policy',
        table: { ...ref, table: 'events' },
        column: 'e"mail',
        policy: { ...ref, name: 'pii_mask_string' },
      }),
    ).toThrow(InvalidIdentifierError);
  });
});
