/*
 * A thin, promise-based session on top of the official driver: one
 * connection (one Snowflake session), opened lazily, reopened once when the
 * driver reports it is gone (session deleted, master token expired), and
 * closed with `destroy` so the server-side session is deleted.
 *
 * Session-token renewal (code 390112) is the driver's job: it renews with
 * the master token and re-sends the statement transparently.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Bind, Connection, ConnectionOptions } from 'snowflake-sdk';
import { setDriverLogger, snowflake } from './driver';

/** How the adapter proves who it is. @public */
export type SnowflakeAuth =
  | { type: 'password'; password: string }
  | {
      type: 'keyPair';
      /** PEM text of the private key (PKCS#8, optionally encrypted). */
      privateKey?: string;
      /** Path to a PEM file, instead of `privateKey`. */
      privateKeyPath?: string;
      passphrase?: string;
    };

/** @public */
export interface SnowflakeConnectionSettings {
  /** Account identifier, e.g. `myorg-myaccount` or a locator such as `xy12345.eu-central-1`. */
  account: string;
  username: string;
  auth: SnowflakeAuth;
  /** Role for the session; must be able to create roles, databases and warehouses and to manage grants. */
  role?: string;
  /** Warehouse for INFORMATION_SCHEMA queries (introspection, table statistics). */
  warehouse?: string;
  /** Full URL of the service, e.g. `https://myorg-myaccount.snowflakecomputing.com`; derived from `account` when absent. */
  accessUrl?: string;
  /** Network timeout per request in milliseconds. */
  timeoutMs?: number;
}

/** A failure as Snowflake (or the driver) reported it. @public */
export class SnowflakeRequestError extends Error {
  readonly code?: string;
  readonly sqlState?: string;
  constructor(
    message: string,
    options: { code?: string; sqlState?: string; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'SnowflakeRequestError';
    this.code = options.code;
    this.sqlState = options.sqlState;
  }
}

/** The driver's "connection is disconnected" client error: nothing was sent, so a retry is safe. */
const ERR_CONN_REQUEST_STATUS_DISCONNECTED = '407002';

/**
 * Driver connection options for the settings. Pure; secrets are copied into
 * the options object only, never into messages.
 * @public
 */
export function toConnectionOptions(
  settings: SnowflakeConnectionSettings,
): ConnectionOptions {
  const options: ConnectionOptions = {
    account: settings.account,
    username: settings.username,
    ...(settings.accessUrl ? { accessUrl: settings.accessUrl } : {}),
    ...(settings.role ? { role: settings.role } : {}),
    ...(settings.warehouse ? { warehouse: settings.warehouse } : {}),
    ...(settings.timeoutMs ? { timeout: settings.timeoutMs } : {}),
    // Background heartbeats would keep a backend's idle session alive for
    // days; instead an expired session is reopened on next use.
    clientSessionKeepAlive: false,
  };
  if (settings.auth.type === 'password') {
    options.password = settings.auth.password;
  } else {
    options.authenticator = 'SNOWFLAKE_JWT';
    if (settings.auth.privateKey) options.privateKey = settings.auth.privateKey;
    if (settings.auth.privateKeyPath)
      options.privateKeyPath = settings.auth.privateKeyPath;
    if (settings.auth.passphrase)
      options.privateKeyPass = settings.auth.passphrase;
  }
  return options;
}

function toRequestError(e: unknown): SnowflakeRequestError {
  const err = e as {
    message?: string;
    code?: string | number;
    sqlState?: string;
  };
  const code = err?.code === undefined ? undefined : String(err.code);
  return new SnowflakeRequestError(err?.message ?? String(e), {
    code,
    sqlState: err?.sqlState,
    cause: e,
  });
}

/** A Snowflake session. @public */
export class SnowflakeClient {
  private connection?: Connection;
  private connecting?: Promise<Connection>;
  /** Statements sent (introspection budgets and tests read it). */
  statementsSent = 0;

  constructor(
    private readonly settings: SnowflakeConnectionSettings,
    private readonly logger?: LoggerService,
  ) {
    if (logger) setDriverLogger(logger);
  }

  private async open(): Promise<Connection> {
    if (this.connection?.isUp()) return this.connection;
    if (!this.connecting) {
      const attempt = (async () => {
        const conn = snowflake.createConnection(
          toConnectionOptions(this.settings),
        );
        // connectAsync() resolves even when the login fails (the error only
        // reaches its callback), so the callback form is the reliable one.
        await new Promise<void>((resolve, reject) =>
          conn.connect(err => (err ? reject(toRequestError(err)) : resolve())),
        );
        this.logger?.debug(
          `Snowflake session opened for ${this.settings.username}`,
        );
        this.connection = conn;
        return conn;
      })();
      this.connecting = attempt;
      attempt.then(
        () => {
          this.connecting = undefined;
        },
        () => {
          this.connecting = undefined;
        },
      );
    }
    return this.connecting;
  }

  /** Opens the session now (otherwise it opens on first use). */
  async connect(): Promise<void> {
    await this.open();
  }

  /** Runs one statement and returns its rows (objects keyed by column name). */
  async query(
    sqlText: string,
    binds?: Bind[],
  ): Promise<Record<string, unknown>[]> {
    try {
      return await this.run(await this.open(), sqlText, binds);
    } catch (e) {
      if (
        e instanceof SnowflakeRequestError &&
        e.code === ERR_CONN_REQUEST_STATUS_DISCONNECTED
      ) {
        // The session is gone (deleted, or its master token expired): the
        // statement was not sent. Log in again and send it once more.
        this.logger?.info(
          'Snowflake session was closed by the server; opening a new one',
        );
        this.connection = undefined;
        return this.run(await this.open(), sqlText, binds);
      }
      throw e;
    }
  }

  private run(
    conn: Connection,
    sqlText: string,
    binds?: Bind[],
  ): Promise<Record<string, unknown>[]> {
    this.statementsSent++;
    return new Promise((resolve, reject) => {
      conn.execute({
        sqlText,
        ...(binds ? { binds } : {}),
        complete: (err, _stmt, rows) => {
          if (err) reject(toRequestError(err));
          else resolve((rows ?? []) as Record<string, unknown>[]);
        },
      });
    });
  }

  /** Heartbeat: true when the session answers. */
  async isValid(): Promise<boolean> {
    try {
      return await (await this.open()).isValidAsync();
    } catch {
      return false;
    }
  }

  /** Deletes the server-side session. Safe to call twice. */
  async destroy(): Promise<void> {
    const pending = this.connecting;
    if (pending) await pending.catch(() => undefined);
    const conn = this.connection;
    this.connection = undefined;
    if (!conn || !conn.isUp()) return;
    await new Promise<void>((resolve, reject) => {
      conn.destroy(err => (err ? reject(toRequestError(err)) : resolve()));
    });
  }
}
