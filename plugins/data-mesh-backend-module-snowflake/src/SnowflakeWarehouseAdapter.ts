/*
 * WarehouseAdapter for Snowflake, on the official snowflake-sdk driver.
 *
 * One session serves the adapter. Operations that depend on session state
 * (the current warehouse, which CREATE WAREHOUSE changes) run one at a time.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type ActualState,
  type IntrospectionScope,
  type MarkedRole,
  type MarkedSchema,
  type SandboxCloneRequest,
  type SandboxCloneResult,
  type SchemaRef,
  type Statement,
  type TableRef,
  type TableStats,
  type TableStatsOptions,
  type UsageOptions,
  type UsageReading,
  type WarehouseAdapter,
  type WarehouseCapabilities,
  type QualityTableReading,
  type QualityTableRequest,
  PLATFORM_DATABASE_COMMENT,
  WarehouseError,
  measureQuality,
} from '@datamesh/plugin-data-mesh-node';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
  SnowflakeRequestError,
} from './client/SnowflakeClient';
import {
  logicalName,
  physicalName,
  quoteSnowflakeIdentifier,
  SNOWFLAKE_QUALITY_SPELLING,
  snowflakeDialect,
} from './sql/dialect';
import {
  buildActualState,
  introspectionSql,
  type IntrospectionRows,
  type Row,
} from './sql/introspection';
import {
  maskingIntrospectionSql,
  type MaskingRows,
  readMaskingState,
  scopePolicies,
} from './sql/maskingIntrospection';
import {
  cloneSchemaSql,
  loadTimestampCarriers,
  readTableStats,
  showTablesSql,
  tableStatsSql,
} from './sql/stats';
import { readUsageRows, usageSql } from './sql/usage';

/** @public */
export interface SnowflakeWarehouseAdapterOptions {
  connection: SnowflakeConnectionSettings;
  logger?: LoggerService;
  /** Role the product owner roles are granted to. Default `SYSADMIN`. */
  defaultParentRole?: string;
}

/** Snowflake's "does not exist or not authorized". */
const DOES_NOT_EXIST = '002003';
/** Snowflake's "invalid identifier" (a column that is not there). */
const INVALID_IDENTIFIER = '000904';

/** @public */
export class SnowflakeWarehouseAdapter implements WarehouseAdapter {
  readonly dialect = snowflakeDialect;
  readonly capabilities: WarehouseCapabilities = {
    compute: true,
    databases: 'native',
    futureGrants: 'per-schema',
    zeroCopyClone: true,
    // LAST_ALTERED until a table is known to carry the load-timestamp column; each TableStats says which (freshnessSource)
    lastAltered: 'warehouse',
    // column masking policies evaluated per query (see the node package's masking.ts)
    masking: 'masking-policies',
  };
  readonly defaultParentRole: string;
  private readonly client: SnowflakeClient;
  private readonly logger?: LoggerService;
  private readonly homeWarehouse?: string;
  private lock: Promise<unknown> = Promise.resolve();
  /** Per database and load-timestamp column: physical `SCHEMA.TABLE` of the tables that carry it, as the last answer listed them. */
  private readonly loadTimestampCarriers = new Map<string, Set<string>>();

  constructor(options: SnowflakeWarehouseAdapterOptions) {
    this.client = new SnowflakeClient(options.connection, options.logger);
    this.logger = options.logger;
    this.defaultParentRole = options.defaultParentRole ?? 'SYSADMIN';
    this.homeWarehouse = options.connection.warehouse;
  }

  /** Statements sent through this adapter's session so far. */
  get statementsSent(): number {
    return this.client.statementsSent;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async query(statement: Statement): Promise<Row[]> {
    try {
      return await this.client.query(statement.sql);
    } catch (e) {
      throw toWarehouseError(e, statement);
    }
  }

  async introspect(scope: IntrospectionScope): Promise<ActualState> {
    return this.exclusive(async () => {
      let queries = 0;
      const q = (sql: string) => {
        queries++;
        return this.query({ sql });
      };
      const databaseNames = [
        ...new Set([...scope.databases, ...scope.schemas.map(s => s.database)]),
      ];
      const rows: IntrospectionRows = {
        warehouses: scope.computes.length
          ? await q(introspectionSql.warehouses())
          : [],
        databases: databaseNames.length
          ? await q(introspectionSql.databases())
          : [],
        roles:
          scope.roles.length || scope.roleMarkerPrefixes?.length
            ? await q(introspectionSql.roles())
            : [],
        roleMemberships: [],
        warehouseGrants: new Map(),
        schemas: new Map(),
        objectPrivileges: [],
        futureGrants: new Map(),
      };
      const names = (list: Row[]) => new Set(list.map(r => String(r.name)));
      const warehouses = names(rows.warehouses);
      for (const compute of scope.computes) {
        const physical = physicalName(compute);
        if (warehouses.has(physical))
          rows.warehouseGrants.set(
            physical,
            await q(introspectionSql.warehouseGrants(compute)),
          );
      }
      const databases = names(rows.databases);
      const existing = databaseNames.filter(d =>
        databases.has(physicalName(d)),
      );
      for (const db of existing) {
        const physical = physicalName(db);
        const schemaRows = await q(introspectionSql.schemas(db));
        rows.schemas.set(physical, schemaRows);
        const present = names(schemaRows);
        for (const s of scope.schemas.filter(x => x.database === db)) {
          if (present.has(physicalName(s.schema))) {
            rows.futureGrants.set(
              `${physical}.${physicalName(s.schema)}`,
              await q(introspectionSql.futureGrants(s.database, s.schema)),
            );
          }
        }
      }
      // account-wide, so asked once through any scope database
      if (existing.length > 0)
        rows.objectPrivileges = await q(
          introspectionSql.objectPrivileges(existing[0]),
        );
      const roles = names(rows.roles);
      // `users`: the role's users too (access drift: a product role granted
      // to a user by hand reads as much as one granted to a role)
      const grantsOf = async (role: string, users = false) => {
        for (const g of await q(introspectionSql.grantsOfRole(role))) {
          const to = String(g.granted_to);
          if (to === 'ROLE' || (users && to === 'USER'))
            rows.roleMemberships.push({
              GRANTEE: g.grantee_name,
              ROLE_NAME: g.role,
              ...(to === 'USER' ? { GRANTEE_TYPE: 'USER' } : {}),
            });
        }
      };
      let asked: string[] = [];
      if (existing.length > 0 && scope.roles.length > 0) {
        rows.roleMemberships = await q(
          introspectionSql.applicableRoles(existing[0]),
        );
      } else {
        // No database to ask yet: only existing roles can have members.
        asked = scope.roles.filter(r => roles.has(physicalName(r)));
        for (const role of asked)
          await grantsOf(role, (scope.membersOf ?? []).includes(role));
      }
      // APPLICABLE_ROLES sees the connected role's hierarchy only; a role
      // given a product's role by hand may be outside it (access drift)
      for (const role of (scope.membersOf ?? []).filter(
        r => roles.has(physicalName(r)) && !asked.includes(r),
      ))
        await grantsOf(role, true);
      const masking = scope.columns
        ? await this.introspectMasking(scope.columns, rows.schemas, q)
        : undefined;
      const { state, unrepresentable } = buildActualState(scope, rows);
      if (unrepresentable.length > 0) {
        this.logger?.warn(
          `Snowflake roles or objects with names the data mesh cannot address (quoted mixed case or special characters) hold grants in scope and were left out of drift detection: ${unrepresentable.join(
            ', ',
          )}`,
        );
      }
      return { ...state, ...masking, queries };
    });
  }

  /**
   * Tables, columns, policies and policy attachments of the scope's
   * `columns` schemas that exist: at most three statements per database
   * (see maskingIntrospection.ts for why the attachments are asked per
   * policy, in one statement).
   */
  private async introspectMasking(
    refs: SchemaRef[],
    schemaRows: Map<string, Row[]>,
    q: (sql: string) => Promise<Row[]>,
  ): Promise<Pick<ActualState, 'tables' | 'maskingPolicies'>> {
    const out: Required<Pick<ActualState, 'tables' | 'maskingPolicies'>> = {
      tables: [],
      maskingPolicies: [],
    };
    for (const database of [...new Set(refs.map(r => r.database))]) {
      const present = new Set(
        (schemaRows.get(physicalName(database)) ?? []).map(r => String(r.name)),
      );
      const schemas = refs
        .filter(r => r.database === database)
        .map(r => r.schema)
        .filter(s => present.has(physicalName(s)));
      if (schemas.length === 0) continue;
      const rows: MaskingRows = {
        columns: await q(maskingIntrospectionSql.columns(database, schemas)),
        policies: await q(maskingIntrospectionSql.policies(database)),
        references: [],
      };
      const policies = scopePolicies(rows.policies, schemas);
      if (policies.length > 0)
        rows.references = await q(
          maskingIntrospectionSql.references(database, policies),
        );
      const read = readMaskingState(database, schemas, rows);
      out.tables.push(...read.tables);
      out.maskingPolicies.push(...read.maskingPolicies);
    }
    return out;
  }

  async execute(statements: Statement[]): Promise<void> {
    return this.exclusive(async () => {
      let warehouseChanged = false;
      try {
        for (const statement of statements) {
          this.logger?.debug(`Snowflake: ${statement.sql}`);
          // CREATE WAREHOUSE makes the new warehouse the session's current one; DROP leaves none.
          if (/^\s*(CREATE|DROP)\s+WAREHOUSE\b/i.test(statement.sql))
            warehouseChanged = true;
          await this.query(statement);
        }
      } finally {
        if (warehouseChanged) await this.restoreWarehouse();
      }
    });
  }

  /** Points the session back at the configured warehouse, which INFORMATION_SCHEMA queries run on. */
  private async restoreWarehouse(): Promise<void> {
    if (!this.homeWarehouse) return;
    await this.query({
      sql: `USE WAREHOUSE ${quoteSnowflakeIdentifier(
        physicalName(this.homeWarehouse),
      )}`,
    });
  }

  /**
   * Row count, size and freshness of the tables of one database in one
   * statement per cycle (see {@link tableStatsSql}): freshness is
   * `max(<loadedAtColumn>)` for the tables the previous answer listed with
   * that column, LAST_ALTERED otherwise (and for a table's first cycle).
   * Should a known table have lost the column or gone since, the statement
   * fails; it is then sent once more without the load timestamps.
   */
  async tableStats(
    database: string,
    tables: TableRef[],
    options: TableStatsOptions = {},
  ): Promise<TableStats[]> {
    // validate every name before anything is sent
    tables.forEach(t => physicalName(t.table));
    const column = options.loadedAtColumn;
    const cacheKey = `${physicalName(database)}\u0000${
      column ? physicalName(column) : ''
    }`;
    const schemas = new Set(tables.map(t => physicalName(t.schema)));
    const sqlFor = (known: Set<string>) =>
      tableStatsSql(
        database,
        tables,
        column
          ? {
              column,
              carriers: tables.filter(t =>
                known.has(`${physicalName(t.schema)}.${physicalName(t.table)}`),
              ),
            }
          : undefined,
      );
    if (tables.length === 0) return [];
    const known = this.loadTimestampCarriers.get(cacheKey) ?? new Set();
    const sql = sqlFor(known);
    return this.exclusive(async () => {
      let rows: Row[];
      try {
        try {
          rows = await this.query({ sql, database });
        } catch (e) {
          const stale =
            e instanceof WarehouseError &&
            (e.code === INVALID_IDENTIFIER || e.code === DOES_NOT_EXIST) &&
            column !== undefined;
          if (!stale) throw e;
          this.loadTimestampCarriers.delete(cacheKey);
          rows = await this.query({ sql: sqlFor(new Set()), database });
        }
      } catch (e) {
        if (e instanceof WarehouseError && e.code === DOES_NOT_EXIST) {
          return tables.map(t => ({
            schema: t.schema,
            table: t.table,
            exists: false,
          }));
        }
        throw e;
      }
      if (column) {
        // the answer covers the requested schemas: replace what was known of them
        const carriers = new Set(
          [...(this.loadTimestampCarriers.get(cacheKey) ?? [])].filter(
            k => !schemas.has(k.slice(0, k.indexOf('.'))),
          ),
        );
        loadTimestampCarriers(rows).forEach(k => carriers.add(k));
        this.loadTimestampCarriers.set(cacheKey, carriers);
      }
      return readTableStats(tables, rows);
    });
  }

  /**
   * Counts for data-quality checks, one statement per database and chunk
   * (see data-mesh-node quality.ts), run with the connection's role and
   * warehouse. Masking policies apply to that role as to any other: a
   * masked column's values are counted as the policy shows them.
   */
  measureQuality(
    database: string,
    tables: QualityTableRequest[],
  ): Promise<QualityTableReading[]> {
    return measureQuality({
      dialect: this.dialect,
      spelling: SNOWFLAKE_QUALITY_SPELLING,
      database,
      tables,
      run: sql => this.exclusive(() => this.query({ sql, database })),
    });
  }

  /**
   * A `sql` check's statement, as the connection's role (the pipeline's:
   * only `datamesh quality --sql` calls it). Snowflake has no read-only
   * transaction; the driver sends one statement (MULTI_STATEMENT_COUNT 1)
   * and the account's STATEMENT_TIMEOUT_IN_SECONDS bounds it.
   */
  runQualityQuery(
    database: string,
    sql: string,
  ): Promise<Record<string, unknown>[]> {
    return this.exclusive(() => this.query({ sql, database }));
  }

  /**
   * Reads by role and UTC day since `options.since`, from ACCOUNT_USAGE in
   * one statement per database (see `sql/usage.ts`). The connection's role
   * needs ACCOUNTADMIN or IMPORTED PRIVILEGES on the SNOWFLAKE database.
   */
  async readUsage(
    database: string,
    tables: TableRef[],
    options: UsageOptions,
  ): Promise<UsageReading> {
    // validates every name before anything is sent
    const sql = usageSql(database, tables, options.since);
    if (tables.length === 0) {
      return readUsageRows(database, tables, []);
    }
    const rows = await this.exclusive(() => this.query({ sql }));
    return readUsageRows(database, tables, rows);
  }

  /**
   * Zero-copy clones: `CREATE SCHEMA … CLONE …` shares storage with the
   * source until either side changes. Grants on the tables come along;
   * grants on the schema itself and its future grants do not (Snowflake's
   * rules), so a cloned sandbox is private to its owner until granted.
   */
  async sandboxClone(
    requests: SandboxCloneRequest[],
  ): Promise<SandboxCloneResult> {
    const statements = requests.map(r => ({
      clone: {
        sql: cloneSchemaSql(r.source, r.target),
        database: r.target.database,
      },
      owner: [
        ...(r.owner
          ? snowflakeDialect.statements({
              action: 'set-schema-owner',
              schema: r.target,
              owner: r.owner,
            })
          : []),
        // a clone keeps its tables' grants (the source's consumers among
        // them): handing them over with REVOKE CURRENT GRANTS drops those
        ...(['TABLES', 'VIEWS'] as const).flatMap(kind =>
          r.tableOwner
            ? [
                {
                  sql: `GRANT OWNERSHIP ON ALL ${kind} IN SCHEMA ${snowflakeDialect.qualifiedSchema(
                    r.target,
                  )} TO ROLE ${snowflakeDialect.quoteIdentifier(
                    r.tableOwner,
                  )} REVOKE CURRENT GRANTS`,
                  database: r.target.database,
                },
              ]
            : [],
        ),
      ],
      count: { sql: showTablesSql(r.target), database: r.target.database },
    }));
    return this.exclusive(async () => {
      const result: SandboxCloneResult = {
        method: 'zero-copy',
        schemas: [],
        notes: [
          'Snowflake zero-copy CLONE: tables share storage with the source until changed; grants on the cloned tables are kept, grants and future grants on the source schema are not.',
        ],
      };
      for (let i = 0; i < requests.length; i++) {
        const r = requests[i];
        const [status] = await this.query(statements[i].clone);
        if (/already exists/i.test(String(status?.status ?? ''))) {
          result.notes.push(
            `${r.target.database}.${r.target.schema} already existed and was left as it is (not re-cloned)`,
          );
        }
        for (const s of statements[i].owner) await this.query(s);
        const tables = await this.query(statements[i].count);
        result.schemas.push({ target: r.target, tables: tables.length });
      }
      return result;
    });
  }

  /** One `SHOW SCHEMAS IN DATABASE`, filtered by comment; none when the database does not exist. */
  async schemasMarked(
    database: string,
    commentPrefix: string,
  ): Promise<MarkedSchema[]> {
    const statement = { sql: introspectionSql.schemas(database) };
    return this.exclusive(async () => {
      let rows: Row[];
      try {
        rows = await this.query(statement);
      } catch (e) {
        if (e instanceof WarehouseError && e.code === DOES_NOT_EXIST) return [];
        throw e;
      }
      const marked: MarkedSchema[] = [];
      for (const r of rows) {
        const comment = String(r.comment ?? '');
        const schema = logicalName(String(r.name));
        // a name the platform cannot have made (quoted, mixed case) is not one of its sandboxes
        if (comment.startsWith(commentPrefix) && schema !== undefined)
          marked.push({ database, schema, comment });
      }
      return marked;
    });
  }

  /** Roles whose comment starts with `commentPrefix`: one `SHOW ROLES`. */
  async rolesMarked(commentPrefix: string): Promise<MarkedRole[]> {
    const rows = await this.exclusive(() =>
      this.query({ sql: introspectionSql.roles() }),
    );
    return rows.flatMap(r => {
      const name = logicalName(String(r.name));
      const comment = String(r.comment ?? '');
      return comment.startsWith(commentPrefix) && name !== undefined
        ? [{ name, comment }]
        : [];
    });
  }

  /** The databases the platform made (their comment says so): one `SHOW DATABASES`. */
  async platformDatabases(): Promise<string[]> {
    const rows = await this.exclusive(() =>
      this.query({ sql: introspectionSql.databases() }),
    );
    return rows.flatMap(r => {
      const name = logicalName(String(r.name));
      return String(r.comment ?? '').startsWith(PLATFORM_DATABASE_COMMENT) &&
        name !== undefined
        ? [name]
        : [];
    });
  }

  /** Heartbeat through the driver; true when Snowflake answers. */
  async healthCheck(): Promise<boolean> {
    return this.client.isValid();
  }

  /** Ends the Snowflake session (the server-side session is deleted). */
  async close(): Promise<void> {
    await this.lock.catch(() => undefined);
    await this.client.destroy();
  }
}

/** The driver's error as the engine's WarehouseError, with Snowflake's code and message. */
function toWarehouseError(e: unknown, statement: Statement): WarehouseError {
  if (e instanceof SnowflakeRequestError) {
    const state = e.sqlState ? ` (${e.sqlState})` : '';
    return new WarehouseError(`${e.code ?? 'error'}${state}: ${e.message}`, {
      code: e.code,
      statement,
      cause: e,
    });
  }
  return new WarehouseError((e as Error)?.message ?? String(e), {
    statement,
    cause: e,
  });
}
