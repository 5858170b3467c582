/*
 * A loopback HTTP server that speaks the part of Snowflake's wire protocol
 * the official `snowflake-sdk` driver uses, backed by {@link FakeAccount}.
 *
 * Endpoints (as the driver calls them):
 *   POST /session/v1/login-request     password or key-pair (JWT) login
 *   POST /session/token-request        session-token renewal with the master token
 *   POST /session/heartbeat            keep-alive
 *   POST /session?delete=true          logout (connection.destroy)
 *   POST /telemetry/send               accepted and ignored
 *   POST /queries/v1/query-request     run one statement (sync or asyncExec)
 *   GET  /queries/{id}/result          result of a finished or pending query
 *   GET  /monitoring/queries/{id}      query status
 *   GET  /fake-stage/{id}/{n}          a large result's chunk, as from cloud storage
 * Every reply but a chunk is `Content-Type: application/json` with
 * Snowflake's envelope `{ success, code, message, data }`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  Cell,
  FakeAccount,
  ResultColumn,
  ResultSet,
  SessionContext,
} from './account';
import type { SnowflakeConnectionSettings } from '../../client/SnowflakeClient';
import { SnowflakeSqlError } from './errors';
import { verifyJwt } from './jwt';
import { FakeAccessHistory } from './accessHistory';
import { Bindings, parseIdentifier, parseStatement } from './parser';
import { ResultStage, STAGE_PATH } from './resultStage';

/** A user the fake accepts at login. @public */
export interface FakeSnowflakeUser {
  name: string;
  password?: string;
  /** Public key (PEM or bare base64 SPKI) for key-pair authentication. */
  rsaPublicKey?: string;
  roles?: string[];
  defaultRole?: string;
  defaultWarehouse?: string;
}

/** @public */
export interface FakeSnowflakeOptions {
  /** Account name the driver must send. Default `TEST_ACCOUNT`. */
  account?: string;
  /**
   * Default: one user `ADMIN` holding ACCOUNTADMIN, whose password is
   * {@link FakeSnowflake.adminPassword} (see {@link FakeSnowflake.adminLogin}).
   */
  users?: FakeSnowflakeUser[];
  /** Lifetime of session tokens; the driver renews them on code 390112. Default 3600. */
  sessionTokenValiditySeconds?: number;
  /** Lifetime of master tokens (used for renewal). Default 14400. */
  masterTokenValiditySeconds?: number;
  /** Clock for token expiry and object timestamps. */
  now?: () => Date;
}

/** One statement as the fake saw it. @public */
export interface RecordedQuery {
  queryId: string;
  sessionId: number;
  user: string;
  /** Role active when the statement started. */
  role: string;
  sqlText: string;
  async: boolean;
  status: 'SUCCESS' | 'FAILED_WITH_ERROR';
  errorCode?: string;
  sqlState?: string;
  errorMessage?: string;
  startTime: Date;
}

/** @public */
export interface FakeSession {
  id: number;
  user: string;
  context: SessionContext;
  token: string;
  masterToken: string;
  tokenExpiresAt: number;
  masterExpiresAt: number;
  heartbeats: number;
  renewals: number;
  deleted: boolean;
}

interface StoredQuery extends RecordedQuery {
  body: unknown;
  pendingPolls: number;
}

const PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  {
    name: 'TIMESTAMP_OUTPUT_FORMAT',
    value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM',
  },
  { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 160 },
  { name: 'QUERY_CONTEXT_CACHE_SIZE', value: 5 },
];

class HttpReply {
  constructor(readonly body: unknown, readonly status = 200) {}
}

function ok(data: unknown, extra: Record<string, unknown> = {}) {
  return new HttpReply({
    data,
    code: null,
    message: null,
    success: true,
    ...extra,
  });
}

function failure(
  code: string,
  message: string,
  data: Record<string, unknown> = {},
) {
  return new HttpReply({
    data: { errorCode: code, internalError: false, ...data },
    code,
    message,
    success: false,
    headers: null,
  });
}

function serialiseCell(type: ResultColumn['type'], v: Cell): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    const ms = v.getTime();
    const secs = Math.floor(ms / 1000);
    const frac = String(ms - secs * 1000).padStart(3, '0');
    return `${secs}.${frac}000000`;
  }
  if (type === 'boolean') return v ? '1' : '0';
  return String(v);
}

function rowtype(columns: ResultColumn[]) {
  return columns.map(c => ({
    name: c.name,
    database: '',
    schema: '',
    table: '',
    type: c.type,
    nullable: true,
    collation: null,
    byteLength: c.type === 'text' ? 16777216 : null,
    length: c.type === 'text' ? 16777216 : null,
    scale: { fixed: 0, timestamp_ltz: 9 }[c.type as string] ?? null,
    precision: { fixed: 38, timestamp_ltz: 0 }[c.type as string] ?? null,
  }));
}

function queryState(running: boolean, status: RecordedQuery['status']) {
  if (running) return 'RUNNING';
  return status === 'SUCCESS' ? 'SUCCEEDED' : 'FAILED';
}

/**
 * The fake Snowflake service. Start it with {@link FakeSnowflake.start},
 * point the driver at {@link FakeSnowflake.url}, stop it in `afterAll`.
 * @public
 */
export class FakeSnowflake {
  readonly account: FakeAccount;
  /** Every statement received, in order. */
  readonly queries: RecordedQuery[] = [];
  /** Every HTTP request received (method and path without query string). */
  readonly requests: { method: string; path: string }[] = [];
  readonly sessions = new Map<number, FakeSession>();
  counters = {
    logins: 0,
    failedLogins: 0,
    renewals: 0,
    heartbeats: 0,
    sessionDeletes: 0,
  };

  private readonly server: http.Server;
  private readonly stored = new Map<string, StoredQuery>();
  private readonly stage = new ResultStage(() => this.url);
  private readonly byRequestId = new Map<string, string>();
  private readonly tokens = new Map<string, FakeSession>();
  private readonly masterTokens = new Map<string, FakeSession>();
  private readonly retiredTokens = new Set<string>();
  private nextSessionId = 1_000_001;
  private pendingPolls = 0;
  private readonly sessionValidity: number;
  private readonly masterValidity: number;
  private readonly clock: () => Date;
  /** ACCOUNT_USAGE.ACCESS_HISTORY / QUERY_HISTORY of the SELECTs run here. */
  readonly accessHistory = new FakeAccessHistory();

  /**
   * The default ADMIN user's password: random for each server, so no test
   * carries a credential; read it through {@link FakeSnowflake.adminLogin}.
   */
  readonly adminPassword = randomBytes(12).toString('hex');

  private constructor(options: FakeSnowflakeOptions) {
    this.clock = options.now ?? (() => new Date());
    this.account = new FakeAccount({ name: options.account, now: this.clock });
    this.sessionValidity = options.sessionTokenValiditySeconds ?? 3600;
    this.masterValidity = options.masterTokenValiditySeconds ?? 14400;
    const users = options.users ?? [
      {
        name: 'ADMIN',
        password: this.adminPassword,
        roles: ['ACCOUNTADMIN'],
        defaultRole: 'ACCOUNTADMIN',
      },
    ];
    for (const u of users) this.account.addUser(u);
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        if (req.url?.startsWith(STAGE_PATH)) {
          // a pre-signed cloud-storage URL: no Snowflake session involved
          this.requests.push({ method: req.method ?? 'GET', path: req.url });
          const object = this.stage.fetch(req.url, req.headers);
          res.writeHead(object.status, object.headers);
          res.end(object.body);
          return;
        }
        let reply: HttpReply;
        try {
          reply = this.handle(req, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          reply = failure(
            '000603',
            `Internal error in fake Snowflake: ${(e as Error).message}`,
          );
        }
        const text = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
        });
        res.end(text);
      });
    });
  }

  /** Starts a fake on 127.0.0.1 with a random free port. */
  static async start(
    options: FakeSnowflakeOptions = {},
  ): Promise<FakeSnowflake> {
    const fake = new FakeSnowflake(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL for the driver's `accessUrl` option. */
  /**
   * Connection settings of the default ADMIN user (password login) for this
   * server; `over` sets the role, warehouse and so on.
   */
  adminLogin(
    over: Partial<SnowflakeConnectionSettings> = {},
  ): SnowflakeConnectionSettings {
    return {
      account: 'test_account',
      username: 'admin',
      auth: { type: 'password', password: this.adminPassword },
      accessUrl: this.url,
      ...over,
    };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  /** Makes every live session token expire now; the next request gets 390112. */
  expireSessionTokens(): void {
    const now = this.clock().getTime();
    for (const s of this.sessions.values()) s.tokenExpiresAt = now - 1;
  }

  /** Makes master tokens expire too: renewal then fails with 390114. */
  expireMasterTokens(): void {
    const now = this.clock().getTime();
    for (const s of this.sessions.values()) s.masterExpiresAt = now - 1;
  }

  /**
   * The next `polls` result fetches of each new statement answer "still
   * running" (code 333333) first, so the driver's polling of
   * `/queries/{id}/result` is exercised. Reset with 0.
   */
  setPendingPolls(polls: number): void {
    this.pendingPolls = polls;
  }

  /** Sessions not yet deleted by the client. */
  liveSessions(): FakeSession[] {
    return [...this.sessions.values()].filter(s => !s.deleted);
  }

  // ----------------------------------------------------------------- routing

  private handle(req: http.IncomingMessage, rawBody: string): HttpReply {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const body = rawBody ? (JSON.parse(rawBody) as Record<string, any>) : {};

    if (method === 'POST' && url.pathname === '/session/v1/login-request') {
      return this.login(url, body);
    }
    if (method === 'POST' && url.pathname === '/session/token-request') {
      return this.renew(req, body);
    }
    const auth = this.authenticate(
      req,
      url.pathname === '/session' && url.searchParams.get('delete') === 'true',
    );
    if (auth instanceof HttpReply) return auth;
    const session = auth;

    if (
      method === 'POST' &&
      url.pathname === '/session' &&
      url.searchParams.get('delete') === 'true'
    ) {
      session.deleted = true;
      this.tokens.delete(session.token);
      this.masterTokens.delete(session.masterToken);
      this.retiredTokens.add(session.token);
      this.counters.sessionDeletes++;
      return ok(null);
    }
    if (method === 'POST' && url.pathname === '/session/heartbeat') {
      session.heartbeats++;
      this.counters.heartbeats++;
      // A heartbeat keeps the session alive: its token's lifetime restarts.
      session.tokenExpiresAt =
        this.clock().getTime() + this.sessionValidity * 1000;
      return ok({});
    }
    if (method === 'POST' && url.pathname === '/telemetry/send') {
      return ok(null);
    }
    if (method === 'POST' && url.pathname === '/queries/v1/query-request') {
      return this.query(session, url, body);
    }
    let m = /^\/queries\/([^/]+)\/result$/.exec(url.pathname);
    if (method === 'GET' && m) return this.result(session, m[1]);
    m = /^\/monitoring\/queries\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && m) return this.monitoring(session, m[1]);
    return new HttpReply(
      {
        success: false,
        code: '404',
        message: `No route for ${method} ${url.pathname}`,
        data: null,
      },
      404,
    );
  }

  private authenticate(
    req: http.IncomingMessage,
    allowExpired: boolean,
  ): FakeSession | HttpReply {
    const header = req.headers.authorization ?? '';
    const m = /^Snowflake Token="([^"]*)"$/.exec(header);
    const token = m?.[1] ?? '';
    const session = this.tokens.get(token);
    if (!session) {
      if (this.retiredTokens.has(token))
        return failure(
          '390111',
          'Session no longer exists.  New login required to access the service.',
        );
      return failure('390104', 'Invalid session token. Please login again.');
    }
    if (!allowExpired && session.tokenExpiresAt <= this.clock().getTime()) {
      return failure('390112', 'Your session has expired. Please login again.');
    }
    return session;
  }

  // ------------------------------------------------------------------ login

  private login(url: URL, body: Record<string, any>): HttpReply {
    const data = (body.data ?? {}) as Record<string, any>;
    const loginName = String(data.LOGIN_NAME ?? '');
    const user = [...this.account.users.values()].find(
      u => u.name.toUpperCase() === loginName.toUpperCase(),
    );
    const accountOk =
      String(data.ACCOUNT_NAME ?? '').toUpperCase() === this.account.name;
    const denied = (code: string, message: string) => {
      this.counters.failedLogins++;
      return failure(code, message, {
        nextAction: 'RETRY_LOGIN',
        authnMethod: data.AUTHENTICATOR ?? 'USERNAME_PASSWORD',
      });
    };
    if (!user || !accountOk)
      return denied('390100', 'Incorrect username or password was specified.');
    if (String(data.AUTHENTICATOR ?? '').toUpperCase() === 'SNOWFLAKE_JWT') {
      if (
        !user.rsaPublicKey ||
        !verifyJwt(
          String(data.TOKEN ?? ''),
          `${this.account.name}.${user.name.toUpperCase()}`,
          user.rsaPublicKey,
          this.clock().getTime(),
        )
      ) {
        return denied('390144', 'JWT token is invalid.');
      }
    } else if (user.password === undefined || data.PASSWORD !== user.password) {
      return denied('390100', 'Incorrect username or password was specified.');
    }

    const allowed = this.account.userRoles(user.name);
    let role = user.defaultRole ?? 'PUBLIC';
    const roleParam = url.searchParams.get('roleName');
    if (roleParam) {
      try {
        role = parseIdentifier(roleParam);
      } catch {
        role = roleParam;
      }
    }
    if (!this.account.roles.has(role) || !allowed.has(role)) {
      return denied(
        '390189',
        `Role '${role}' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
      );
    }
    const context: SessionContext = { user: user.name, role };
    // Unusable defaults are dropped silently, as Snowflake does at login.
    const tryUse = (sql: string) => {
      try {
        this.account.execute(parseStatement(sql), context);
      } catch {
        // ignore
      }
    };
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const ident = (s: string) => {
      try {
        return quote(parseIdentifier(s));
      } catch {
        return quote(s);
      }
    };
    const wh = url.searchParams.get('warehouse') ?? user.defaultWarehouse;
    if (wh) tryUse(`USE WAREHOUSE ${ident(wh)}`);
    const db = url.searchParams.get('databaseName');
    if (db) tryUse(`USE DATABASE ${ident(db)}`);
    const schema = url.searchParams.get('schemaName');
    if (schema && context.database)
      tryUse(`USE SCHEMA ${quote(context.database)}.${ident(schema)}`);

    const now = this.clock().getTime();
    const session: FakeSession = {
      id: this.nextSessionId++,
      user: user.name,
      context,
      token: `ver:1-hint:fake-session-${randomUUID()}`,
      masterToken: `ver:1-hint:fake-master-${randomUUID()}`,
      tokenExpiresAt: now + this.sessionValidity * 1000,
      masterExpiresAt: now + this.masterValidity * 1000,
      heartbeats: 0,
      renewals: 0,
      deleted: false,
    };
    this.sessions.set(session.id, session);
    this.tokens.set(session.token, session);
    this.masterTokens.set(session.masterToken, session);
    this.counters.logins++;
    return ok({
      masterToken: session.masterToken,
      token: session.token,
      validityInSeconds: this.sessionValidity,
      masterValidityInSeconds: this.masterValidity,
      displayUserName: user.name,
      serverVersion: '9.0.0-fake',
      firstLogin: false,
      remMeToken: null,
      remMeValidityInSeconds: 0,
      healthCheckInterval: 45,
      newClientForUpgrade: null,
      sessionId: session.id,
      parameters: PARAMETERS,
      sessionInfo: {
        databaseName: context.database ?? null,
        schemaName: context.schema ?? null,
        warehouseName: context.warehouse ?? null,
        roleName: context.role,
      },
      idToken: null,
      idTokenValidityInSeconds: 0,
      responseData: null,
      mfaToken: null,
      mfaTokenValidityInSeconds: 0,
    });
  }

  private renew(
    req: http.IncomingMessage,
    body: Record<string, any>,
  ): HttpReply {
    const m = /^Snowflake Token="([^"]*)"$/.exec(
      req.headers.authorization ?? '',
    );
    const session = this.masterTokens.get(m?.[1] ?? '');
    if (!session)
      return failure('390104', 'Invalid master token. Please login again.');
    if (session.masterExpiresAt <= this.clock().getTime()) {
      return failure(
        '390114',
        'Authentication token has expired.  The user must authenticate again.',
      );
    }
    if (
      body.requestType !== 'RENEW' ||
      body.oldSessionToken !== session.token
    ) {
      return failure('390104', 'Invalid session token. Please login again.');
    }
    this.tokens.delete(session.token);
    this.retiredTokens.add(session.token);
    session.token = `ver:1-hint:fake-session-${randomUUID()}`;
    session.tokenExpiresAt =
      this.clock().getTime() + this.sessionValidity * 1000;
    session.renewals++;
    this.tokens.set(session.token, session);
    this.counters.renewals++;
    return ok({
      sessionToken: session.token,
      validityInSecondsST: this.sessionValidity,
      masterToken: session.masterToken,
      validityInSecondsMT: Math.round(
        (session.masterExpiresAt - this.clock().getTime()) / 1000,
      ),
      sessionId: session.id,
    });
  }

  // ---------------------------------------------------------------- queries

  private query(
    session: FakeSession,
    url: URL,
    body: Record<string, any>,
  ): HttpReply {
    // A retried request (same requestId) gets the original answer, as in Snowflake.
    const requestId = url.searchParams.get('requestId');
    const earlier = requestId ? this.byRequestId.get(requestId) : undefined;
    if (earlier) return this.result(session, earlier);

    const sqlText = String(body.sqlText ?? '');
    const queryId = randomUUID();
    const record: StoredQuery = {
      queryId,
      sessionId: session.id,
      user: session.user,
      role: session.context.role,
      sqlText,
      async: body.asyncExec === true,
      status: 'SUCCESS',
      startTime: this.clock(),
      body: null,
      pendingPolls: this.pendingPolls,
    };
    try {
      // ACCOUNT_USAGE is answered from the recorded SELECTs (accessHistory.ts)
      const result = this.accessHistory.execute(this.account, {
        sqlText,
        bindings: body.bindings as Bindings | undefined,
        context: session.context,
        queryId,
        start: record.startTime,
      });
      record.body = this.resultBody(queryId, session, result);
    } catch (e) {
      if (!(e instanceof SnowflakeSqlError)) throw e;
      record.status = 'FAILED_WITH_ERROR';
      record.errorCode = e.code;
      record.sqlState = e.sqlState;
      record.errorMessage = e.message;
      record.body = failure(e.code, e.message, {
        sqlState: e.sqlState,
        queryId,
        age: 0,
        line: -1,
        pos: -1,
        type: e.type,
      }).body;
    }
    this.stored.set(queryId, record);
    if (requestId) this.byRequestId.set(requestId, queryId);
    this.queries.push(this.publicRecord(record));
    if (record.async) {
      return new HttpReply({
        data: {
          queryId,
          getResultUrl: `/queries/${queryId}/result`,
          queryAbortsAfterSecs: 300,
          progressDesc: null,
        },
        code: '333334',
        message:
          'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
        success: true,
      });
    }
    return this.result(session, queryId);
  }

  private publicRecord(r: StoredQuery): RecordedQuery {
    const { body: _body, pendingPolls: _p, ...rest } = r;
    return rest;
  }

  private resultBody(queryId: string, session: FakeSession, result: ResultSet) {
    const rowset = result.rows.map(row =>
      row.map((cell, i) => serialiseCell(result.columns[i].type, cell)),
    );
    return ok({
      parameters: PARAMETERS,
      rowtype: rowtype(result.columns),
      ...this.stage.stage(queryId, rowset),
      queryId,
      databaseProvider: null,
      finalDatabaseName: session.context.database ?? null,
      finalSchemaName: session.context.schema ?? null,
      finalWarehouseName: session.context.warehouse ?? null,
      finalRoleName: session.context.role,
      numberOfBinds: 0,
      arrayBindSupported: false,
      statementTypeId: result.statementTypeId,
      version: 1,
      sendResultTime: this.clock().getTime(),
      queryResultFormat: 'json',
      queryContext: { entries: [] },
    }).body;
  }

  private result(session: FakeSession, queryId: string): HttpReply {
    const record = this.stored.get(queryId);
    if (!record || record.sessionId !== session.id) {
      return failure(
        '612',
        `Result for query ${queryId} not found or not authorized.`,
        { queryId },
      );
    }
    if (record.pendingPolls > 0) {
      record.pendingPolls--;
      return new HttpReply({
        data: {
          queryId,
          getResultUrl: `/queries/${queryId}/result`,
          queryAbortsAfterSecs: 300,
          progressDesc: null,
        },
        code: '333333',
        message:
          'Query execution in progress. Query will be aborted unless request for result is received within 300 seconds.',
        success: true,
      });
    }
    return new HttpReply(record.body);
  }

  private monitoring(session: FakeSession, queryId: string): HttpReply {
    const record = this.stored.get(queryId);
    if (!record || record.sessionId !== session.id) return ok({ queries: [] });
    const running = record.pendingPolls > 0;
    if (running) record.pendingPolls--;
    const start = record.startTime.getTime();
    return ok({
      queries: [
        {
          id: queryId,
          status: running ? 'RUNNING' : record.status,
          state: queryState(running, record.status),
          sqlText: record.sqlText,
          startTime: start,
          endTime: running ? 0 : start,
          totalDuration: 0,
          errorCode: record.errorCode ?? '',
          errorMessage: record.errorMessage ?? '',
          sessionId: record.sessionId,
        },
      ],
    });
  }
}
