/*
 * One measured ingestion: a fresh catalog backend (the real catalog plugin
 * and the data mesh module, on SQLite through better-sqlite3, or on
 * PostgreSQL for comparison), the org
 * entities loaded first, then one Location registered through the catalog
 * API and the clock running until everything it brings is processed and
 * stitched.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { Client } from 'pg';
import fs from 'node:fs/promises';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { DOMAINS, GROUPS, SYSTEMS, type GeneratedSet } from './generate';
import { LeanDataProductProcessor } from './leanEntities';

export interface IngestOptions {
  /** The set to register (products or components). */
  set: GeneratedSet;
  /** The org file (groups, domains, systems), loaded before the clock starts. */
  orgFile: string;
  /** `dataMesh.catalog.verifyUpstreamPorts`. */
  verifyUpstreamPorts: boolean;
  /** `dataMesh.catalog.storeNestedAsJson` (default of the module: true). */
  storeNestedAsJson?: boolean;
  /** `dataMesh.catalog.recognizeSpecsByContent` (default of the module: true). */
  recognizeSpecsByContent?: boolean;
  /**
   * Diagnostic: cut each DataProduct down to its scalars, names and lineage
   * before the catalog stores it (leanEntities.ts).
   */
  leanEntities?: boolean;
  /** SQLite in memory, or a file per plugin in this directory. */
  sqliteDirectory?: string;
  /**
   * Instead of SQLite: a PostgreSQL server (connection string). The catalog
   * gets a fresh database named `<prefix>catalog`, dropped after the run.
   */
  postgres?: { url: string; prefix: string };
  /** How often the catalog database is polled for completion. */
  pollMs: number;
  /** Give up after this long. */
  timeoutMs: number;
  /** Root log level of the backend ('none' keeps the output clean). */
  logLevel: 'none' | 'error' | 'warn' | 'info' | 'debug';
  /** Write a V8 CPU profile of the measured interval to this file. */
  cpuProfile?: string;
  /** Collect time per SQL statement over the measured interval. */
  sqlStats?: boolean;
  /**
   * `catalog.processingInterval` in seconds; undefined keeps the catalog's
   * default (a random 100-150 s per entity).
   */
  processingIntervalSeconds?: number;
}

export interface IngestResult {
  /** Registration until every entity is processed and stitched. */
  stitchedMs: number;
  /**
   * Registration until the catalog took it up: the registered location was
   * processed and the `Location` entity in its file stored. Before that the
   * catalog's processing loop is idle, polling once a second, so this is 0
   * to 1 s (up to ~1.3 s seen) whatever is registered: the same for both
   * kinds, and one of the sources of run-to-run spread at N = 1,000.
   */
  takenUpMs: number;
  /**
   * Registration until every entity the location names is in the catalog's
   * refresh state: the location's one processing step, which reads all N
   * files one after another, has been stored. Nothing else is processed
   * before it.
   */
  readMs: number;
  /** Registration until every entity is processed (stitching may lag). */
  processedMs: number;
  /**
   * CPU time (user + system) this process used over the stitched interval.
   * Less sensitive than wall time to other work on a shared machine.
   */
  cpuMs: number;
  /**
   * Time the main thread's event loop was busy over the stitched interval
   * (`performance.eventLoopUtilization`): the catalog's and the module's
   * JavaScript, the synchronous SQLite driver, GC pauses. Not in it: the
   * loop waiting (on PostgreSQL, on timers — on SQLite mostly knex's 1 ms
   * pause at the start of every `batchInsert`, taken while the single
   * connection is held) and the other threads that `cpuMs` includes.
   */
  busyMs: number;
  /** Entities in the catalog database at the end, org included. */
  entities: number;
  /** Relation rows in the catalog database at the end. */
  relations: number;
  /** Rows of the catalog's search table (one per indexed field value) at the end. */
  searchRows: number;
  /** Total size of the stored final entities (JSON characters) at the end. */
  finalEntityChars: number;
  /** With `sqlStats`: what the catalog did in SQL over the measured time. */
  sql?: SqlReport;
}

export interface SqlReport {
  /** Statements by shape, the costliest first. */
  statements: SqlStat[];
  /** Stitches by entity kind (org entities by ref). */
  stitches: Record<string, number>;
  /** Rows written to the search index (SQLite rewrites them all per stitch). */
  searchRowsWritten: number;
  /** Entities taken up by the processing loop (more than the entities when some are processed again). */
  processingRuns: number;
  /** Bytes of the values sent with the statements (strings, lists of strings, buffers). */
  bytesSent: number;
}

export interface SqlStat {
  /** The statement with its values and value lists folded away. */
  shape: string;
  count: number;
  ms: number;
  /** Bytes of the values sent with these statements. */
  bytes: number;
}

/** Bytes of a statement's values as the driver sends them (numbers count 8). */
function bindingBytes(bindings: unknown[] | undefined): number {
  let bytes = 0;
  for (const b of bindings ?? []) {
    if (typeof b === 'string') bytes += Buffer.byteLength(b);
    else if (Buffer.isBuffer(b)) bytes += b.length;
    else if (Array.isArray(b)) bytes += bindingBytes(b);
    else if (typeof b === 'number' || typeof b === 'bigint') bytes += 8;
    else if (b !== null && typeof b === 'object')
      bytes += Buffer.byteLength(JSON.stringify(b));
  }
  return bytes;
}

/**
 * Times every statement the catalog runs. better-sqlite3 executes
 * synchronously between knex's 'query' and 'query-response' events, so the
 * gap is the statement's own time.
 */
function collectSql(knex: Knex): () => SqlReport {
  const started = new Map<string, { at: number; bytes: number }>();
  const stats = new Map<string, SqlStat>();
  const stitches: Record<string, number> = {};
  let searchRowsWritten = 0;
  let processingRuns = 0;
  let bytesSent = 0;
  const onQuery = (query: {
    __knexQueryUid: string;
    sql: string;
    bindings?: unknown[];
  }) => {
    const bytes = bindingBytes(query.bindings);
    bytesSent += bytes;
    started.set(query.__knexQueryUid, { at: performance.now(), bytes });
    // PostgreSQL quotes identifiers with " where SQLite has `
    const q = { ...query, sql: query.sql.replace(/"/g, '`') };
    // Every stitch starts with this read of the entity to stitch.
    if (q.sql.startsWith('with `incoming_references`') && q.bindings) {
      const ref = String(q.bindings[0]);
      const kind = ref.split(':')[0];
      const key = ['group', 'domain', 'system'].includes(kind) ? ref : kind;
      stitches[key] = (stitches[key] ?? 0) + 1;
    }
    // The processing loop claims the entities it is about to process.
    if (
      q.sql.startsWith('update `refresh_state` set `next_update_at`') &&
      q.bindings
    ) {
      processingRuns += q.bindings.filter(
        b => typeof b === 'string' && /^[a-z0-9-]+:[^/]+\/./.test(b),
      ).length;
    }
    if (q.sql.startsWith('insert into `search`') && q.bindings) {
      searchRowsWritten += q.bindings.length / 4;
    }
  };
  const onDone = (_: unknown, q: { __knexQueryUid: string; sql: string }) => {
    const start = started.get(q.__knexQueryUid);
    if (start === undefined) return;
    started.delete(q.__knexQueryUid);
    const shape = q.sql
      .replace(/\((\?, ?)+\?\)/g, '(?…)')
      .replace(/(, ?\(\?…\))+/g, ', …')
      .replace(/\s+/g, ' ')
      .slice(0, 140);
    const stat = stats.get(shape) ?? { shape, count: 0, ms: 0, bytes: 0 };
    stat.count += 1;
    stat.ms += performance.now() - start.at;
    stat.bytes += start.bytes;
    stats.set(shape, stat);
  };
  knex.on('query', onQuery);
  knex.on('query-response', onDone);
  knex.on('query-error', onDone);
  return () => {
    knex.off('query', onQuery);
    knex.off('query-response', onDone);
    knex.off('query-error', onDone);
    return {
      statements: [...stats.values()].sort((a, b) => b.ms - a.ms),
      stitches,
      searchRowsWritten,
      processingRuns,
      bytesSent,
    };
  };
}

/** Org entities plus the Location entity of the configured org location. */
const ORG_ENTITIES = GROUPS.length + DOMAINS.length + SYSTEMS.length + 1;

interface Progress {
  total: number;
  unprocessed: number;
  errored: number;
  pendingStitch: number;
  final: number;
  relations: number;
}

/** The first row of a raw query, numbers as numbers (pg returns counts as strings). */
async function firstRow<T extends object>(knex: Knex, sql: string): Promise<T> {
  const result = await knex.raw(sql);
  const row = (Array.isArray(result) ? result[0] : result.rows[0]) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, v === null ? 0 : Number(v)]),
  ) as T;
}

/**
 * One query over the catalog's own tables. "Processed" is a refresh_state row
 * with a processed entity; "stitched" is no row left in the stitch queue and
 * a final entity for every row. Reverse relations (hasPart on a domain,
 * dependencyOf on an upstream product) are emitted by the processing of the
 * other entity, which queues the target for stitching; so an empty queue
 * after the last processing means every relation is on its entity.
 */
async function progress(knex: Knex): Promise<Progress> {
  return firstRow<Progress>(
    knex,
    `
    SELECT
      (SELECT COUNT(*) FROM refresh_state) AS total,
      (SELECT COUNT(*) FROM refresh_state WHERE processed_entity IS NULL) AS unprocessed,
      (SELECT COUNT(*) FROM refresh_state WHERE errors NOT IN ('', '[]')) AS errored,
      (SELECT COUNT(*) FROM stitch_queue) AS "pendingStitch",
      (SELECT COUNT(*) FROM final_entities WHERE final_entity IS NOT NULL) AS final,
      (SELECT COUNT(*) FROM relations) AS relations
  `,
  );
}

/**
 * Row counts only, answered from indexes without reading the entities: the
 * poll between full checks, so that watching costs the catalog next to
 * nothing (the full check reads every refresh_state row, which for 5,000
 * products is a few milliseconds each time).
 */
async function rowCounts(
  knex: Knex,
): Promise<{ total: number; pendingStitch: number; final: number }> {
  return firstRow(
    knex,
    `
    SELECT
      (SELECT COUNT(*) FROM refresh_state) AS total,
      (SELECT COUNT(*) FROM stitch_queue) AS "pendingStitch",
      (SELECT COUNT(*) FROM final_entities) AS final
  `,
  );
}

function isStitched(p: Progress, expectedTotal: number): boolean {
  return (
    p.total === expectedTotal &&
    p.unprocessed === 0 &&
    p.pendingStitch === 0 &&
    p.final === expectedTotal
  );
}

async function processingErrors(knex: Knex): Promise<string[]> {
  const rows: { entity_ref: string; errors: string }[] = await knex(
    'refresh_state',
  )
    .select('entity_ref', 'errors')
    .whereNotIn('errors', ['', '[]'])
    .limit(5);
  return rows.map(r => `${r.entity_ref}: ${r.errors.slice(0, 500)}`);
}

function post<T>(
  session: Session,
  method: string,
  params?: object,
): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, result) =>
      err ? reject(err) : resolve(result as T),
    ),
  );
}

/** Profiles this process (the backend runs in it) until the returned stop is called. */
async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 1000 });
  await post(session, 'Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: object }>(
      session,
      'Profiler.stop',
    );
    session.disconnect();
    await fs.writeFile(file, JSON.stringify(profile));
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const { set, orgFile } = options;
  let knex: Knex | undefined;
  // A module of the catalog plugin gets the catalog's own database client
  // (the database service caches one client per plugin), so completion is
  // read from the catalog's tables without going through HTTP. It also lets
  // the API register `file` locations (by default only `url`); that is a
  // check at registration, not part of processing.
  const probe = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-probe',
    register(reg) {
      reg.registerInit({
        deps: {
          database: coreServices.database,
          locations: catalogLocationsExtensionPoint,
          processing: catalogProcessingExtensionPoint,
        },
        async init({ database, locations, processing }) {
          locations.setAllowedLocationTypes(['url', 'file']);
          if (options.leanEntities) {
            processing.addProcessor(new LeanDataProductProcessor());
          }
          knex = await database.getClient();
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      import('@datamesh/plugin-catalog-backend-module-data-mesh'),
      probe,
      mockServices.rootLogger.factory({ level: options.logLevel }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: options.postgres
              ? {
                  client: 'pg',
                  connection: options.postgres.url,
                  prefix: options.postgres.prefix,
                }
              : {
                  client: 'better-sqlite3',
                  connection: options.sqliteDirectory
                    ? { directory: options.sqliteDirectory }
                    : ':memory:',
                },
          },
          catalog: {
            // Everything else (processing interval, stitching, batch sizes)
            // stays at the catalog's defaults, the same for both sets.
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'Domain',
                  'Group',
                  'User',
                  'Location',
                  'DataProduct',
                ],
              },
            ],
            locations: [{ type: 'file', target: orgFile }],
            ...(options.processingIntervalSeconds
              ? {
                  processingInterval: {
                    seconds: options.processingIntervalSeconds,
                  },
                }
              : {}),
          },
          dataMesh: {
            catalog: {
              verifyUpstreamPorts: options.verifyUpstreamPorts,
              storeNestedAsJson: options.storeNestedAsJson ?? true,
              recognizeSpecsByContent: options.recognizeSpecsByContent ?? true,
            },
          },
        },
      }),
    ],
  });

  try {
    if (!knex) throw new Error('bench probe did not get the catalog database');
    const db = knex;
    const deadline = performance.now() + options.timeoutMs;

    // The org first, so the clock measures only the registered set.
    for (;;) {
      const p = await progress(db);
      if (p.errored) {
        throw new Error(
          `org has errors: ${(await processingErrors(db)).join('\n')}`,
        );
      }
      if (isStitched(p, ORG_ENTITIES)) break;
      if (performance.now() > deadline) throw new Error('org did not load');
      await sleep(options.pollMs);
    }

    const n = set.expected.refs.length;
    // the registered Location, the Location entity in the file, N entities
    const expectedTotal = ORG_ENTITIES + 2 + n;
    const base = `http://localhost:${backend.server.port()}/api/catalog`;

    if (options.postgres) {
      // Each run starts with the server's dirty pages written out: a
      // checkpoint that falls inside a run (max_wal_size is reached every
      // few runs) otherwise lands on whichever variant happens to be running.
      await db.raw('CHECKPOINT');
    }
    const stopProfile = options.cpuProfile
      ? await startProfile(options.cpuProfile)
      : undefined;
    const stopSql = options.sqlStats ? collectSql(db) : undefined;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const res = await fetch(`${base}/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'file', target: set.locationFile }),
    });
    if (!res.ok) {
      throw new Error(
        `registering the location failed: ${res.status} ${await res.text()}`,
      );
    }

    let takenUpMs: number | undefined;
    let readMs: number | undefined;
    let processedMs: number | undefined;
    let last: Progress | undefined;
    // A full check about once a second (errors end the run early, and it
    // times "all processed"), and whenever the counts say it may be done.
    const fullEvery = Math.max(1, Math.round(1000 / options.pollMs));
    for (let poll = 0; ; poll++) {
      const counts = await rowCounts(db);
      const now = performance.now() - t0;
      // the org, the registered location and the Location in its file
      if (takenUpMs === undefined && counts.total >= ORG_ENTITIES + 2) {
        takenUpMs = now;
      }
      if (readMs === undefined && counts.total === expectedTotal) {
        readMs = now;
      }
      const maybe =
        counts.total === expectedTotal &&
        counts.pendingStitch === 0 &&
        counts.final === expectedTotal;
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0);
      if (!maybe && poll % fullEvery !== 0) {
        await sleep(options.pollMs);
        continue;
      }
      const p = await progress(db);
      last = p;
      if (p.errored) {
        throw new Error(
          `processing errors:\n${(await processingErrors(db)).join('\n')}`,
        );
      }
      if (
        processedMs === undefined &&
        p.total === expectedTotal &&
        p.unprocessed === 0
      ) {
        processedMs = now;
      }
      if (isStitched(p, expectedTotal)) {
        await stopProfile?.();
        const sql = stopSql?.();
        // Outside the measured time: what "stitched" promised must be what
        // the catalog API serves.
        await verify(base, set);
        const size = await firstRow<{
          searchRows: number;
          finalEntityChars: number;
        }>(
          db,
          `
          SELECT
            (SELECT COUNT(*) FROM search) AS "searchRows",
            (SELECT SUM(LENGTH(final_entity)) FROM final_entities) AS "finalEntityChars"
        `,
        );
        return {
          ...size,
          stitchedMs: now,
          takenUpMs: takenUpMs ?? now,
          readMs: readMs ?? now,
          processedMs: processedMs ?? now,
          cpuMs: (cpu.user + cpu.system) / 1000,
          busyMs: elu.active,
          sql,
          entities: p.total,
          relations: p.relations,
        };
      }
      if (performance.now() > deadline) {
        throw new Error(
          `timed out after ${options.timeoutMs} ms: ${JSON.stringify(
            last,
          )} (expected ${expectedTotal} entities)`,
        );
      }
      await sleep(options.pollMs);
    }
  } finally {
    await backend.stop();
    // Close the catalog's connections before its database is dropped, or the
    // pool reports every killed idle connection.
    await knex?.destroy();
    if (options.postgres) await dropDatabase(options.postgres);
  }
}

async function dropDatabase(pg: { url: string; prefix: string }) {
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    // the prefix is generated by run.ts from digits and letters only
    await client.query(
      `DROP DATABASE IF EXISTS "${pg.prefix}catalog" WITH (FORCE)`,
    );
  } finally {
    await client.end();
  }
}

type ApiEntity = {
  kind: string;
  metadata: { name: string; namespace?: string };
  relations?: { type: string; targetRef: string }[];
};

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function refOf(e: ApiEntity): string {
  return `${e.kind.toLocaleLowerCase('en-US')}:${
    e.metadata.namespace ?? 'default'
  }/${e.metadata.name}`;
}

function relationsOf(e: ApiEntity, onlyTargetKind?: string): string[] {
  return (e.relations ?? [])
    .filter(
      r => !onlyTargetKind || r.targetRef.startsWith(`${onlyTargetKind}:`),
    )
    .map(r => `${r.type} ${r.targetRef}`)
    .sort();
}

/**
 * Checks through the catalog API that every generated entity is served with
 * exactly the relations the generator expects, and that the org entities
 * carry every reverse relation (ownerOf, hasPart) to the set and no other.
 */
export async function verify(base: string, set: GeneratedSet): Promise<void> {
  const kind = set.expected.refs[0].split(':')[0];
  const fields = 'kind,metadata.name,metadata.namespace,relations';
  const seen = new Map<string, ApiEntity>();
  let url = `${base}/entities/by-query?filter=kind=${kind}&fields=${fields}&limit=1000`;
  let totalItems: number | undefined;
  for (;;) {
    const page = await getJson<{
      items: ApiEntity[];
      totalItems: number;
      pageInfo: { nextCursor?: string };
    }>(url);
    totalItems ??= page.totalItems;
    for (const e of page.items) seen.set(refOf(e), e);
    if (!page.pageInfo.nextCursor) break;
    url = `${base}/entities/by-query?cursor=${encodeURIComponent(
      page.pageInfo.nextCursor,
    )}&fields=${fields}&limit=1000`;
  }
  const problems: string[] = [];
  if (totalItems !== set.expected.refs.length) {
    problems.push(
      `kind=${kind}: totalItems ${totalItems}, expected ${set.expected.refs.length}`,
    );
  }
  for (const ref of set.expected.refs) {
    const e = seen.get(ref);
    if (!e) {
      problems.push(`${ref} is not served`);
      continue;
    }
    const want = set.expected.relations.get(ref) ?? [];
    const got = relationsOf(e);
    if (want.join('|') !== got.join('|')) {
      problems.push(
        `${ref}: relations ${JSON.stringify(got)}, expected ${JSON.stringify(
          want,
        )}`,
      );
    }
  }
  for (const [ref, want] of set.expected.orgRelations) {
    const [k, rest] = ref.split(':');
    const [ns, name] = rest.split('/');
    const e = await getJson<ApiEntity>(
      `${base}/entities/by-name/${k}/${ns}/${name}`,
    );
    const got = relationsOf(e, kind);
    if (want.join('|') !== got.join('|')) {
      problems.push(
        `${ref}: ${got.length} relations to ${kind} entities, expected ${want.length}`,
      );
    }
  }
  if (problems.length) {
    throw new Error(
      `the catalog does not serve what was ingested (${
        problems.length
      } problems):\n${problems.slice(0, 10).join('\n')}`,
    );
  }
}
