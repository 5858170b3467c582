/*
 * Masking policies in the fake, through the real snowflake-sdk driver:
 * who may create and set them (Snowflake's documented privileges), how a
 * SELECT evaluates them with the session's role hierarchy (views included),
 * and what SHOW MASKING POLICIES and POLICY_REFERENCES answer.
 */
import { SnowflakeClient } from '../../client/SnowflakeClient';
import { FakeSnowflake } from './server';

const POLICY = (name: string, role = 'PII', type = 'VARCHAR', mask = "'***'") =>
  `CREATE MASKING POLICY ${name} AS (val ${type}) RETURNS ${type} -> CASE WHEN IS_ROLE_IN_SESSION('${role}') THEN val ELSE ${mask} END COMMENT = 'test'`;

describe('fake Snowflake masking policies', () => {
  let fake: FakeSnowflake;
  const clients = new Map<string, SnowflakeClient>();
  const as = (role: string) => {
    if (!clients.has(role))
      clients.set(
        role,
        new SnowflakeClient(fake.adminLogin({ role, warehouse: 'WH' })),
      );
    return clients.get(role)!;
  };
  const email = async (role: string, from = 'D.S.T') => {
    const rows = await as(role).query(`SELECT ID, EMAIL FROM ${from}`);
    return rows.map(r => `${r.ID}:${r.EMAIL}`).join(',');
  };
  const refused = /Insufficient privileges|does not exist or not authorized/;

  beforeEach(async () => {
    fake = await FakeSnowflake.start();
    // READER → PII → PIPE → OWNER_R → SYSADMIN; ANALYST holds READER; SEC
    // sees the table through READER; every role may be used by ADMIN
    const roles = ['OWNER_R', 'PIPE', 'PII', 'READER', 'ANALYST', 'SEC'];
    for (const sql of [
      'CREATE WAREHOUSE WH WITH WAREHOUSE_SIZE = XSMALL',
      'CREATE DATABASE D',
      'CREATE SCHEMA D.S',
      ...roles.map(r => `CREATE ROLE ${r}`),
      'GRANT ROLE READER TO ROLE PII',
      'GRANT ROLE PII TO ROLE PIPE',
      'GRANT ROLE PIPE TO ROLE OWNER_R',
      'GRANT ROLE OWNER_R TO ROLE SYSADMIN',
      'GRANT ROLE READER TO ROLE ANALYST',
      'GRANT ROLE READER TO ROLE SEC',
      ...roles.map(r => `GRANT ROLE ${r} TO USER ADMIN`),
      'GRANT USAGE ON WAREHOUSE WH TO ROLE READER',
      'GRANT USAGE ON DATABASE D TO ROLE READER',
      'GRANT USAGE ON SCHEMA D.S TO ROLE READER',
      'GRANT CREATE TABLE, CREATE VIEW ON SCHEMA D.S TO ROLE PIPE',
      'GRANT OWNERSHIP ON SCHEMA D.S TO ROLE OWNER_R COPY CURRENT GRANTS',
    ])
      await as('ACCOUNTADMIN').query(sql);
    for (const sql of [
      'CREATE TABLE D.S.T (ID INT, EMAIL VARCHAR(100), N NUMBER(38,0))',
      "INSERT INTO D.S.T (ID, EMAIL, N) VALUES (1, 'ana@example.org', 7), (2, 'bo@example.org', 8)",
      'GRANT SELECT ON TABLE D.S.T TO ROLE READER',
    ])
      await as('PIPE').query(sql);
  });
  afterEach(async () => {
    for (const c of clients.values()) await c.destroy().catch(() => undefined);
    clients.clear();
    await fake.stop();
  });

  it('lets the schema owner, or a role granted CREATE MASKING POLICY on it, create a policy', async () => {
    await expect(as('PIPE').query(POLICY('D.S.P'))).rejects.toThrow(refused);
    await as('OWNER_R').query(POLICY('D.S.P'));
    // SEC uses the schema (through READER) but may not create in it
    await expect(as('SEC').query(POLICY('D.S.Q'))).rejects.toThrow(refused);
    await as('OWNER_R').query(
      'GRANT CREATE MASKING POLICY ON SCHEMA D.S TO ROLE SEC',
    );
    await as('SEC').query(POLICY('D.S.Q'));
    const policies = fake.account.databases
      .get('D')!
      .schemas.get('S')!.policies;
    expect([...policies.values()].map(p => [p.name, p.owner])).toEqual([
      ['P', 'OWNER_R'],
      ['Q', 'SEC'],
    ]);
    // IF NOT EXISTS is a no-op, a second CREATE an error
    await as('OWNER_R').query(POLICY('IF NOT EXISTS D.S.P'));
    await expect(as('OWNER_R').query(POLICY('D.S.P'))).rejects.toThrow(
      /already exists/,
    );
    // THEN must return the argument, and the types must agree
    await expect(
      as('OWNER_R').query(
        "CREATE MASKING POLICY D.S.X AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN IS_ROLE_IN_SESSION('PII') THEN other ELSE '***' END",
      ),
    ).rejects.toThrow(/invalid identifier 'OTHER'/);
    await expect(
      as('OWNER_R').query(
        "CREATE MASKING POLICY D.S.X AS (val VARCHAR) RETURNS NUMBER -> CASE WHEN IS_ROLE_IN_SESSION('PII') THEN val ELSE NULL END",
      ),
    ).rejects.toThrow(/does not match/);
  });

  it('sets a policy for APPLY MASKING POLICY on the account, or for the owner of both policy and table', async () => {
    await as('OWNER_R').query(POLICY('D.S.P'));
    const set =
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P';
    // the table's owner without APPLY on the policy, a reader without ownership
    await expect(as('PIPE').query(set)).rejects.toThrow(refused);
    await expect(as('SEC').query(set)).rejects.toThrow(refused);
    await as('ACCOUNTADMIN').query(
      'GRANT APPLY MASKING POLICY ON ACCOUNT TO ROLE SEC',
    );
    await as('SEC').query(set);
    await as('SEC').query(
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL UNSET MASKING POLICY',
    );
    // owns the policy, and the table through PIPE
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T ALTER COLUMN EMAIL SET MASKING POLICY D.S.P',
    );
    expect(
      fake.account.databases.get('D')!.schemas.get('S')!.tables.get('T')!
        .columns[1].maskingPolicy,
    ).toEqual(['D', 'S', 'P']);
  });

  it('masks every row for sessions whose roles do not include the clear role, views included', async () => {
    await as('OWNER_R').query(POLICY('D.S.P'));
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P',
    );
    const clear = '1:ana@example.org,2:bo@example.org';
    const masked = '1:***,2:***';
    expect(await email('READER')).toBe(masked);
    expect(await email('ANALYST')).toBe(masked);
    expect(await email('SEC')).toBe(masked);
    // the clear role, and every role that inherits it
    expect(await email('PII')).toBe(clear);
    expect(await email('PIPE')).toBe(clear);
    expect(await email('ACCOUNTADMIN')).toBe(clear);
    // a view reads with its owner's privileges, but the policy sees the caller's roles
    await as('PIPE').query('CREATE VIEW D.S.V AS SELECT ID, EMAIL FROM D.S.T');
    await as('PIPE').query('GRANT SELECT ON VIEW D.S.V TO ROLE READER');
    expect(await email('READER', 'D.S.V')).toBe(masked);
    expect(await email('PIPE', 'D.S.V')).toBe(clear);
  });

  it('refuses a policy of another type, and a second policy on a column without FORCE', async () => {
    await as('OWNER_R').query(POLICY('D.S.P'));
    await as('OWNER_R').query(POLICY('D.S.P2'));
    await as('OWNER_R').query(POLICY('D.S.PN', 'PII', 'NUMBER', 'NULL'));
    await expect(
      as('OWNER_R').query(
        'ALTER TABLE D.S.T MODIFY COLUMN N SET MASKING POLICY D.S.P',
      ),
    ).rejects.toThrow(/cannot be set on column 'N'/);
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T MODIFY COLUMN N SET MASKING POLICY D.S.PN',
    );
    const rows = await as('READER').query('SELECT N FROM D.S.T');
    expect(rows.map(r => r.N)).toEqual([null, null]);
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P',
    );
    // the same policy again is harmless; another one needs FORCE
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P',
    );
    await expect(
      as('OWNER_R').query(
        'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P2',
      ),
    ).rejects.toThrow(/already attached to another masking policy/);
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P2 FORCE',
    );
    await expect(
      as('OWNER_R').query(
        'ALTER TABLE D.S.T MODIFY COLUMN NOPE SET MASKING POLICY D.S.P',
      ),
    ).rejects.toThrow(/invalid identifier 'NOPE'/);
  });

  it('lists policies and where they are set to the roles that may apply them, and follows drops and clones', async () => {
    await as('OWNER_R').query(POLICY('D.S.P'));
    await as('OWNER_R').query(
      'ALTER TABLE D.S.T MODIFY COLUMN EMAIL SET MASKING POLICY D.S.P',
    );
    const shown = await as('OWNER_R').query(
      'SHOW MASKING POLICIES IN DATABASE D',
    );
    expect(
      shown.map(r => [
        r.name,
        r.database_name,
        r.schema_name,
        r.kind,
        r.owner,
        r.comment,
      ]),
    ).toEqual([['P', 'D', 'S', 'MASKING_POLICY', 'OWNER_R', 'test']]);
    expect(
      await as('READER').query('SHOW MASKING POLICIES IN DATABASE D'),
    ).toEqual([]);
    const refs = (role: string, policy: string) =>
      as(role).query(
        `SELECT POLICY_NAME, REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '${policy}')) UNION ALL SELECT POLICY_NAME, REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '${policy}'))`,
      );
    expect(await refs('OWNER_R', 'd.s.p')).toEqual([
      {
        POLICY_NAME: 'P',
        REF_SCHEMA_NAME: 'S',
        REF_ENTITY_NAME: 'T',
        REF_ENTITY_DOMAIN: 'TABLE',
        REF_COLUMN_NAME: 'EMAIL',
      },
      {
        POLICY_NAME: 'P',
        REF_SCHEMA_NAME: 'S',
        REF_ENTITY_NAME: 'T',
        REF_ENTITY_DOMAIN: 'TABLE',
        REF_COLUMN_NAME: 'EMAIL',
      },
    ]);
    await expect(refs('READER', 'D.S.P')).rejects.toThrow(refused);
    // a clone's columns are protected by the clone's copy of the policy
    await as('ACCOUNTADMIN').query('CREATE SCHEMA D.C CLONE D.S');
    const cloned = await as('ACCOUNTADMIN').query(
      "SELECT REF_SCHEMA_NAME, REF_COLUMN_NAME FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'D.C.P'))",
    );
    expect(cloned).toEqual([
      { REF_SCHEMA_NAME: 'C', REF_COLUMN_NAME: 'EMAIL' },
    ]);
    // a dropped table takes its attachments with it
    await as('PIPE').query('DROP TABLE D.S.T');
    expect(await refs('OWNER_R', 'D.S.P')).toEqual([]);
  });
});
