/*
 * Views in the fake, as Snowflake documents them, through the real driver:
 * CREATE VIEW needs CREATE VIEW on the schema; a view reads with its
 * owner's privileges, so SELECT on the view is all a reader needs; ALL VIEWS
 * grants expand to the views that exist, FUTURE VIEWS grants apply to views
 * created later; INFORMATION_SCHEMA lists them.
 */
import { SnowflakeClient } from '../../client/SnowflakeClient';
import { FakeSnowflake } from './server';

describe('fake Snowflake views', () => {
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

  beforeEach(async () => {
    fake = await FakeSnowflake.start();
    const admin = client();
    for (const sql of [
      'CREATE WAREHOUSE WH WITH WAREHOUSE_SIZE = XSMALL',
      'CREATE DATABASE D',
      'CREATE SCHEMA D.S',
      'CREATE TABLE D.S.T (ID NUMBER, SECRET VARCHAR)',
      "INSERT INTO D.S.T (ID, SECRET) VALUES (1, 'a'), (2, 'b')",
    ])
      await admin.query(sql);
    for (const role of ['READER', 'LATE', 'MAKER']) {
      for (const sql of [
        `CREATE ROLE ${role}`,
        `GRANT USAGE ON DATABASE D TO ROLE ${role}`,
        `GRANT USAGE ON SCHEMA D.S TO ROLE ${role}`,
        `GRANT USAGE ON WAREHOUSE WH TO ROLE ${role}`,
        `GRANT ROLE ${role} TO ROLE SYSADMIN`,
      ])
        await admin.query(sql);
    }
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy().catch(() => undefined);
    await fake.stop();
  });

  it('reads through a view with its owner privileges; FUTURE and ALL VIEWS grants apply to views', async () => {
    const admin = client();
    await admin.query(
      'GRANT SELECT ON FUTURE VIEWS IN SCHEMA D.S TO ROLE READER',
    );
    await admin.query(
      "CREATE VIEW D.S.V COMMENT = 'ids only' AS SELECT ID FROM D.S.T WHERE ID > 1",
    );
    const reader = client('READER');
    expect(await reader.query('SELECT * FROM D.S.V')).toEqual([{ ID: 2 }]);
    await expect(reader.query('SELECT * FROM D.S.T')).rejects.toThrow(
      /does not exist or not authorized/,
    );

    // ALL VIEWS: the views that exist now, not later ones
    const late = client('LATE');
    await expect(late.query('SELECT * FROM D.S.V')).rejects.toThrow(
      /does not exist or not authorized/,
    );
    await admin.query('GRANT SELECT ON ALL VIEWS IN SCHEMA D.S TO ROLE LATE');
    expect(await late.query('SELECT COUNT(*) AS N FROM D.S.V')).toEqual([
      { N: 1 },
    ]);
    await admin.query('CREATE VIEW D.S.W AS SELECT * FROM D.S.T');
    await expect(late.query('SELECT * FROM D.S.W')).rejects.toThrow(
      /does not exist or not authorized/,
    );
    expect(await reader.query('SELECT ID FROM D.S.W ORDER BY ID')).toEqual([
      { ID: 1 },
      { ID: 2 },
    ]);
    await admin.query(
      'REVOKE SELECT ON ALL VIEWS IN SCHEMA D.S FROM ROLE LATE',
    );
    await expect(late.query('SELECT * FROM D.S.V')).rejects.toThrow(
      /does not exist or not authorized/,
    );

    const listed = await admin.query(
      "SELECT TABLE_NAME, TABLE_TYPE, COMMENT FROM D.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'S' ORDER BY TABLE_NAME",
    );
    expect(listed).toEqual([
      { TABLE_NAME: 'T', TABLE_TYPE: 'BASE TABLE', COMMENT: null },
      { TABLE_NAME: 'V', TABLE_TYPE: 'VIEW', COMMENT: 'ids only' },
      { TABLE_NAME: 'W', TABLE_TYPE: 'VIEW', COMMENT: null },
    ]);
    const privileges = await admin.query(
      "SELECT OBJECT_NAME, PRIVILEGE_TYPE FROM D.INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE OBJECT_TYPE = 'VIEW' AND GRANTEE = 'READER'",
    );
    expect(privileges).toEqual([
      { OBJECT_NAME: 'V', PRIVILEGE_TYPE: 'SELECT' },
      { OBJECT_NAME: 'W', PRIVILEGE_TYPE: 'SELECT' },
    ]);
    await admin.query('DROP VIEW D.S.W');
    await expect(reader.query('SELECT * FROM D.S.W')).rejects.toThrow(
      /does not exist or not authorized/,
    );
  });

  it('needs CREATE VIEW on the schema, and SELECT on what the view reads', async () => {
    const admin = client();
    const maker = client('MAKER');
    await expect(
      maker.query('CREATE VIEW D.S.V AS SELECT ID FROM D.S.T'),
    ).rejects.toThrow(/Insufficient privileges to operate on schema 'S'/);
    await admin.query('GRANT CREATE VIEW ON SCHEMA D.S TO ROLE MAKER');
    await expect(
      maker.query('CREATE VIEW D.S.V AS SELECT ID FROM D.S.T'),
    ).rejects.toThrow(/does not exist or not authorized/);
    await admin.query('GRANT SELECT ON TABLE D.S.T TO ROLE MAKER');
    await maker.query('CREATE VIEW D.S.V AS SELECT ID FROM D.S.T');
    expect(
      fake.account.databases.get('D')!.schemas.get('S')!.views.get('V'),
    ).toMatchObject({ owner: 'MAKER' });
  });
});
