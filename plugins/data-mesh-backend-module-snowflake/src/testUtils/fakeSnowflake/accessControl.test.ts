/*
 * Access-control rules of the fake that Snowflake documents and that a lax
 * fake would let the adapter get wrong, through the real snowflake-sdk driver:
 * future grants and dropping a role that holds them need MANAGE GRANTS (a
 * managed-access schema's owner excepted), CREATE TABLE needs USAGE on the
 * schema, every warehouse size exists.
 */
import { SnowflakeClient } from '../../client/SnowflakeClient';
import { FakeSnowflake } from './server';

describe('fake Snowflake access control', () => {
  let fake: FakeSnowflake;
  const clients: SnowflakeClient[] = [];
  const client = (role = 'ACCOUNTADMIN') => {
    const c = new SnowflakeClient(
      fake.adminLogin({
        role,
        warehouse: 'WH',
      }),
    );
    clients.push(c);
    return c;
  };
  const refused = /Insufficient privileges/;

  beforeEach(async () => {
    fake = await FakeSnowflake.start();
    const admin = client();
    // A role that owns its database and roles but holds no MANAGE GRANTS
    for (const sql of [
      'CREATE WAREHOUSE WH WITH WAREHOUSE_SIZE = XSMALL',
      'CREATE ROLE BUILDER',
      'GRANT CREATE DATABASE, CREATE ROLE ON ACCOUNT TO ROLE BUILDER',
      'GRANT USAGE ON WAREHOUSE WH TO ROLE BUILDER',
      'GRANT ROLE BUILDER TO USER ADMIN',
      // under SYSADMIN, so ACCOUNTADMIN sees what it builds
      'GRANT ROLE BUILDER TO ROLE SYSADMIN',
    ])
      await admin.query(sql);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy().catch(() => undefined);
    await fake.stop();
  });

  it('lets only MANAGE GRANTS define future grants, except for the owner of a managed-access schema', async () => {
    const builder = client('BUILDER');
    await builder.query('CREATE DATABASE D');
    await builder.query('CREATE SCHEMA D.S');
    await builder.query('CREATE SCHEMA D.M WITH MANAGED ACCESS');
    await builder.query('CREATE ROLE READER');
    await expect(
      builder.query(
        'GRANT SELECT ON FUTURE TABLES IN SCHEMA D.S TO ROLE READER',
      ),
    ).rejects.toThrow(refused);
    await expect(
      builder.query(
        'GRANT SELECT ON FUTURE TABLES IN DATABASE D TO ROLE READER',
      ),
    ).rejects.toThrow(refused);
    await expect(
      builder.query(
        'GRANT OWNERSHIP ON FUTURE TABLES IN SCHEMA D.S TO ROLE READER',
      ),
    ).rejects.toThrow(refused);
    // in a managed-access schema its owner decides grants, future ones included
    await builder.query(
      'GRANT SELECT ON FUTURE TABLES IN SCHEMA D.M TO ROLE READER',
    );
    // objects it owns it may still grant on directly
    await builder.query('GRANT USAGE ON SCHEMA D.S TO ROLE READER');
    // MANAGE GRANTS (ACCOUNTADMIN here) may do all of it
    await client().query(
      'GRANT SELECT ON FUTURE TABLES IN SCHEMA D.S TO ROLE READER',
    );
    expect(
      fake.account.futureGrants.map(f => f.container.join('.')).sort(),
    ).toEqual(['D.M', 'D.S']);
  });

  it('lets only MANAGE GRANTS drop a role that holds future grants', async () => {
    const builder = client('BUILDER');
    await builder.query('CREATE DATABASE D');
    await builder.query('CREATE SCHEMA D.S');
    await builder.query('CREATE ROLE READER');
    await builder.query('CREATE ROLE PLAIN');
    await client().query(
      'GRANT SELECT ON FUTURE TABLES IN SCHEMA D.S TO ROLE READER',
    );
    await builder.query('DROP ROLE PLAIN');
    await expect(builder.query('DROP ROLE READER')).rejects.toThrow(refused);
    await client().query('DROP ROLE READER');
    expect(fake.account.roles.has('READER')).toBe(false);
    expect(fake.account.futureGrants).toEqual([]);
  });

  it('needs USAGE on the schema, not only CREATE TABLE, to create a table', async () => {
    const admin = client();
    for (const sql of [
      'CREATE DATABASE D',
      'CREATE SCHEMA D.S',
      'CREATE ROLE WRITER',
      'GRANT USAGE ON DATABASE D TO ROLE WRITER',
      'GRANT CREATE TABLE ON SCHEMA D.S TO ROLE WRITER',
      'GRANT USAGE ON WAREHOUSE WH TO ROLE WRITER',
      'GRANT ROLE WRITER TO ROLE ACCOUNTADMIN',
    ])
      await admin.query(sql);
    const writer = client('WRITER');
    await expect(
      writer.query('CREATE TABLE D.S.T (ID NUMBER)'),
    ).rejects.toThrow(/Schema 'D.S' does not exist or not authorized/);
    await admin.query('GRANT USAGE ON SCHEMA D.S TO ROLE WRITER');
    await writer.query('CREATE TABLE D.S.T (ID NUMBER)');
    expect(
      fake.account.databases.get('D')!.schemas.get('S')!.tables.get('T'),
    ).toMatchObject({ owner: 'WRITER' });
  });

  // CREATE WAREHOUSE: WAREHOUSE_SIZE = { XSMALL | … | X4LARGE | X5LARGE | X6LARGE } (Snowflake's documentation)
  it('knows every warehouse size up to 6X-Large', async () => {
    const admin = client();
    const sizes: [string, string][] = [
      ['X5LARGE', '5X-Large'],
      ["'5X-LARGE'", '5X-Large'],
      ['X6LARGE', '6X-Large'],
      ["'6X-Large'", '6X-Large'],
    ];
    for (const [i, [written, shown]] of sizes.entries()) {
      await admin.query(
        `CREATE WAREHOUSE W${i} WITH WAREHOUSE_SIZE = ${written} INITIALLY_SUSPENDED = TRUE`,
      );
      const [row] = await admin.query(`SHOW WAREHOUSES LIKE 'W${i}'`);
      expect(row.size).toBe(shown);
    }
    await expect(
      admin.query('CREATE WAREHOUSE W9 WITH WAREHOUSE_SIZE = X7LARGE'),
    ).rejects.toThrow(/invalid value 'X7LARGE' for property 'WAREHOUSE_SIZE'/);
  });
});
