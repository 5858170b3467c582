/*
 * The fake server, driven by the real snowflake-sdk driver (never mocked):
 * protocol (login, statements, errors, async execution, monitoring, result
 * polling, token renewal, heartbeat, logout, key-pair JWT) and the object
 * model's access control.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  SnowflakeClient,
  SnowflakeRequestError,
} from '../../client/SnowflakeClient';
import { snowflake } from '../../client/driver';
import { FakeSnowflake } from './server';

describe('fake Snowflake server through snowflake-sdk', () => {
  let fake: FakeSnowflake;
  const clients: SnowflakeClient[] = [];
  const client = (
    over: Partial<ConstructorParameters<typeof SnowflakeClient>[0]> = {},
  ) => {
    const c = new SnowflakeClient(
      fake.adminLogin({
        ...over,
      }),
    );
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    fake = await FakeSnowflake.start();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy().catch(() => undefined);
    await fake.stop();
  });

  it('logs in, runs a statement and returns typed rows with Snowflake column names', async () => {
    const c = client();
    const rows = await c.query(
      'SELECT CURRENT_ROLE(), CURRENT_USER() AS "who", 42 AS answer',
    );
    expect(rows).toEqual([
      { 'CURRENT_ROLE()': 'ACCOUNTADMIN', who: 'ADMIN', ANSWER: 42 },
    ]);
    expect(fake.counters.logins).toBe(1);
    expect(fake.requests.map(r => r.path)).toEqual(
      expect.arrayContaining([
        '/session/v1/login-request',
        '/queries/v1/query-request',
      ]),
    );
  });

  it('refuses a wrong password with 390100 and a role the user lacks with 390189', async () => {
    await expect(
      client({ auth: { type: 'password', password: 'nope' } }).connect(),
    ).rejects.toMatchObject({
      code: '390100',
      message: 'Incorrect username or password was specified.',
    });
    fake.account.addUser({ name: 'ANALYST', password: 'pw', roles: [] });
    await expect(
      client({
        username: 'analyst',
        auth: { type: 'password', password: 'pw' },
        role: 'SYSADMIN',
      }).connect(),
    ).rejects.toMatchObject({ code: '390189' });
  });

  it('answers SQL errors with Snowflake code, SQLSTATE and message', async () => {
    const c = client();
    const err = (await c
      .query('SELECT * FROM NOPE.NOPE.NOPE')
      .catch(e => e)) as SnowflakeRequestError;
    expect(err).toBeInstanceOf(SnowflakeRequestError);
    expect(err.code).toBe('002003');
    expect(err.sqlState).toBe('02000');
    expect(err.message).toBe(
      "SQL compilation error:\nDatabase 'NOPE' does not exist or not authorized.",
    );
    await expect(c.query('FROBNICATE EVERYTHING')).rejects.toMatchObject({
      code: '001003',
      sqlState: '42000',
      message:
        "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'FROBNICATE'.",
    });
    await expect(c.query('CREATE ROLE a; DROP ROLE a')).rejects.toMatchObject({
      code: '000008',
    });
    expect(
      fake.queries
        .filter(q => q.status === 'FAILED_WITH_ERROR')
        .map(q => q.errorCode),
    ).toEqual(['002003', '001003', '000008']);
  });

  it('renews an expired session token with the master token and re-sends the statement', async () => {
    const c = client();
    await c.query('CREATE ROLE R1');
    fake.expireSessionTokens();
    const rows = await c.query('SHOW ROLES LIKE $$R1$$'.replace(/\$\$/g, "'"));
    expect(rows.map(r => r.name)).toEqual(['R1']);
    expect(fake.counters.renewals).toBe(1);
    expect(fake.counters.logins).toBe(1);
    const paths = fake.requests.map(r => r.path);
    expect(paths.filter(p => p === '/session/token-request')).toHaveLength(1);
    // the statement was answered 390112 once, then re-sent after renewal
    expect(paths.filter(p => p === '/queries/v1/query-request')).toHaveLength(
      3,
    );
  });

  it('expires session tokens after the configured validity on its clock', async () => {
    await fake.stop();
    let now = Date.parse('2025-01-01T00:00:00Z');
    fake = await FakeSnowflake.start({
      sessionTokenValiditySeconds: 60,
      now: () => new Date(now),
    });
    const c = client();
    await c.query('SELECT 1');
    now += 59_000;
    await c.query('SELECT 2');
    expect(fake.counters.renewals).toBe(0);
    now += 2_000;
    await c.query('SELECT 3');
    expect(fake.counters.renewals).toBe(1);
  });

  it('reopens the session when the master token has expired too', async () => {
    const c = client();
    await c.query('SELECT 1');
    fake.expireSessionTokens();
    fake.expireMasterTokens();
    await expect(c.query('SELECT 2 AS two')).resolves.toEqual([{ TWO: 2 }]);
    expect(fake.counters.logins).toBe(2);
  });

  it('answers heartbeats and deletes the session on destroy', async () => {
    const c = client();
    await c.connect();
    expect(await c.isValid()).toBe(true);
    expect(fake.counters.heartbeats).toBe(1);
    expect(fake.liveSessions()).toHaveLength(1);
    await c.destroy();
    expect(fake.counters.sessionDeletes).toBe(1);
    expect(fake.liveSessions()).toHaveLength(0);
  });

  it('polls /queries/{id}/result while a statement is still running', async () => {
    const c = client();
    fake.setPendingPolls(2);
    await expect(c.query('SELECT 7 AS seven')).resolves.toEqual([{ SEVEN: 7 }]);
    expect(
      fake.requests.filter(r => /^\/queries\/[^/]+\/result$/.test(r.path)),
    ).toHaveLength(2);
  });

  it('runs asyncExec statements and reports them through /monitoring/queries/{id}', async () => {
    const conn = snowflake.createConnection({
      account: 'test_account',
      username: 'admin',
      password: fake.adminPassword,
      accessUrl: fake.url,
    });
    await conn.connectAsync();
    try {
      const queryId = await new Promise<string>((resolve, reject) =>
        conn.execute({
          sqlText: 'CREATE DATABASE ASYNC_DB',
          asyncExec: true,
          complete: (err, stmt) =>
            err ? reject(err) : resolve(stmt.getQueryId()),
        }),
      );
      expect(await conn.getQueryStatus(queryId)).toBe('SUCCESS');
      const stmt = await conn.getResultsFromQueryId({ queryId });
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const out: unknown[] = [];
        stmt
          .streamRows()
          .on('data', r => out.push(r))
          .on('end', () => resolve(out))
          .on('error', reject);
      });
      expect(rows).toEqual([
        { status: 'Database ASYNC_DB successfully created.' },
      ]);
      expect(
        fake.requests.some(r => r.path === `/monitoring/queries/${queryId}`),
      ).toBe(true);
      expect(
        fake.requests.some(r => r.path === `/queries/${queryId}/result`),
      ).toBe(true);
    } finally {
      await new Promise(resolve => conn.destroy(() => resolve(undefined)));
    }
  });

  it('accepts key-pair authentication by verifying the driver JWT against the registered public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = publicKey
      .export({ type: 'spki', format: 'der' })
      .toString('base64');
    fake.account.addUser({
      name: 'SVC_DATAMESH',
      rsaPublicKey: pub,
      roles: ['SYSADMIN'],
      defaultRole: 'SYSADMIN',
    });
    const c = client({
      username: 'svc_datamesh',
      auth: { type: 'keyPair', privateKey: pem },
    });
    expect(await c.query('SELECT CURRENT_ROLE() AS r')).toEqual([
      { R: 'SYSADMIN' },
    ]);

    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    }).privateKey;
    const wrong = client({
      username: 'svc_datamesh',
      auth: {
        type: 'keyPair',
        privateKey: other.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    await expect(wrong.connect()).rejects.toMatchObject({ code: '390144' });
  });

  describe('access control', () => {
    const setup = async () => {
      const admin = client();
      for (const sql of [
        'CREATE WAREHOUSE WH WITH WAREHOUSE_SIZE = XSMALL INITIALLY_SUSPENDED = TRUE',
        'CREATE DATABASE D',
        'CREATE SCHEMA D.PRIV',
        'CREATE SCHEMA D.PUB',
        'CREATE ROLE READER',
        'GRANT ROLE READER TO ROLE SYSADMIN',
        'GRANT USAGE ON WAREHOUSE WH TO ROLE READER',
        'GRANT USAGE ON DATABASE D TO ROLE READER',
        'GRANT USAGE ON SCHEMA D.PUB TO ROLE READER',
        'GRANT SELECT ON FUTURE TABLES IN SCHEMA D.PUB TO ROLE READER',
        'CREATE TABLE D.PUB.T (ID NUMBER, NAME VARCHAR)',
        "INSERT INTO D.PUB.T (ID, NAME) VALUES (1, 'a'), (2, 'b')",
        'CREATE TABLE D.PRIV.S (ID NUMBER)',
      ]) {
        await admin.query(sql);
      }
      return admin;
    };

    it('lets a role read what it was granted, through future grants, and refuses the rest', async () => {
      const admin = await setup();
      await admin.query('USE ROLE READER');
      await admin.query('USE WAREHOUSE WH');
      expect(await admin.query('SELECT COUNT(*) AS n FROM D.PUB.T')).toEqual([
        { N: 2 },
      ]);
      await expect(admin.query('SELECT * FROM D.PRIV.S')).rejects.toMatchObject(
        {
          code: '002003',
          message:
            "SQL compilation error:\nSchema 'D.PRIV' does not exist or not authorized.",
        },
      );
      await expect(
        admin.query('INSERT INTO D.PUB.T (ID) VALUES (3)'),
      ).rejects.toMatchObject({
        code: '003001',
        sqlState: '42501',
      });
      await expect(
        admin.query('CREATE TABLE D.PUB.X (ID NUMBER)'),
      ).rejects.toMatchObject({ code: '003001' });
      await expect(
        admin.query('CREATE ROLE NOT_ALLOWED'),
      ).rejects.toMatchObject({ code: '003001' });
    });

    it('needs a warehouse the role may use before reading a table', async () => {
      const admin = await setup();
      await admin.query('REVOKE USAGE ON WAREHOUSE WH FROM ROLE READER');
      await admin.query('USE ROLE READER');
      await expect(
        admin.query('SELECT COUNT(*) FROM D.PUB.T'),
      ).rejects.toMatchObject({
        code: '000606',
        sqlState: '57P03',
      });
    });

    it('answers SHOW commands with Snowflake columns and resumes a suspended warehouse on use', async () => {
      const admin = await setup();
      await admin.query('ALTER WAREHOUSE WH SUSPEND');
      const [wh] = await admin.query("SHOW WAREHOUSES LIKE 'wh'");
      expect(wh).toMatchObject({
        name: 'WH',
        size: 'X-Small',
        state: 'SUSPENDED',
        auto_resume: 'true',
        owner: 'ACCOUNTADMIN',
      });
      const grants = await admin.query('SHOW GRANTS TO ROLE READER');
      expect(grants.map(g => [g.privilege, g.granted_on, g.name])).toEqual(
        expect.arrayContaining([
          ['USAGE', 'WAREHOUSE', 'WH'],
          ['USAGE', 'DATABASE', 'D'],
          ['USAGE', 'SCHEMA', 'D.PUB'],
          ['SELECT', 'TABLE', 'D.PUB.T'],
        ]),
      );
      expect(Object.keys(grants[0])).toEqual([
        'created_on',
        'privilege',
        'granted_on',
        'name',
        'granted_to',
        'grantee_name',
        'grant_option',
        'granted_by',
      ]);
      const future = await admin.query('SHOW FUTURE GRANTS IN SCHEMA D.PUB');
      expect(future).toEqual([
        expect.objectContaining({
          privilege: 'SELECT',
          grant_on: 'TABLE',
          name: 'D.PUB.<TABLE>',
          grant_to: 'ROLE',
          grantee_name: 'READER',
        }),
      ]);
      const of = await admin.query('SHOW GRANTS OF ROLE READER');
      expect(of.map(r => [r.role, r.granted_to, r.grantee_name])).toEqual([
        ['READER', 'ROLE', 'SYSADMIN'],
      ]);
      const schemas = await admin.query('SHOW SCHEMAS IN DATABASE D');
      expect(schemas.map(s => s.name)).toEqual([
        'INFORMATION_SCHEMA',
        'PRIV',
        'PUB',
        'PUBLIC',
      ]);

      await admin.query('USE WAREHOUSE WH');
      await admin.query('SELECT COUNT(*) FROM D.PUB.T');
      expect(fake.account.warehouses.get('WH')!.state).toBe('STARTED');
    });

    it('clones a schema with its tables and their grants, but not the grants on the schema', async () => {
      const admin = await setup();
      await admin.query('CREATE SCHEMA D.PUB_DEV CLONE D.PUB');
      expect(
        fake.account.databases
          .get('D')!
          .schemas.get('PUB_DEV')!
          .tables.get('T')!.rowCount,
      ).toBe(2);
      const onTable = await admin.query('SHOW GRANTS ON TABLE D.PUB_DEV.T');
      expect(onTable.map(g => [g.privilege, g.grantee_name])).toEqual(
        expect.arrayContaining([['SELECT', 'READER']]),
      );
      const onSchema = await admin.query('SHOW GRANTS ON SCHEMA D.PUB_DEV');
      expect(onSchema.map(g => [g.privilege, g.grantee_name])).toEqual([
        ['OWNERSHIP', 'ACCOUNTADMIN'],
      ]);

      // a database clone keeps the grants of everything inside it, not its own
      await admin.query('CREATE DATABASE D_DEV CLONE D');
      const cloned = await admin.query('SHOW GRANTS ON SCHEMA D_DEV.PUB');
      expect(cloned.map(g => [g.privilege, g.grantee_name])).toEqual(
        expect.arrayContaining([['USAGE', 'READER']]),
      );
      const onDb = await admin.query('SHOW GRANTS ON DATABASE D_DEV');
      expect(onDb.map(g => [g.privilege, g.grantee_name])).toEqual([
        ['OWNERSHIP', 'ACCOUNTADMIN'],
      ]);
      const [db] = await admin.query("SHOW DATABASES LIKE 'D_DEV'");
      expect(db.origin).toBe('');
    });

    it('reports table statistics from INFORMATION_SCHEMA.TABLES', async () => {
      const admin = await setup();
      await admin.query('USE WAREHOUSE WH');
      const at = new Date('2024-05-01T10:00:00Z');
      fake.account.setTableStats(['D', 'PUB', 'T'], {
        rowCount: 1000,
        bytes: 4096,
        lastAltered: at,
      });
      const rows = await admin.query(
        "SELECT TABLE_SCHEMA, TABLE_NAME, ROW_COUNT, BYTES, LAST_ALTERED FROM D.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN ('PUB', 'PRIV') ORDER BY TABLE_NAME",
      );
      expect(
        rows.map(r => [r.TABLE_SCHEMA, r.TABLE_NAME, r.ROW_COUNT, r.BYTES]),
      ).toEqual([
        ['PRIV', 'S', 0, 0],
        ['PUB', 'T', 1000, 4096],
      ]);
      expect((rows[1].LAST_ALTERED as Date).toISOString()).toBe(
        at.toISOString(),
      );
    });
  });
});
