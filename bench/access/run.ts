/*
 * Benchmark: access operations at scale on the embedded PGlite warehouse.
 * 200 products are provisioned by the engine, then N active grants (real
 * request roles made by the warehouse executor) are stored as active
 * requests; the expiry sweep (ExpirySweep, as the scheduler runs it) then
 * expires a fixed number of them. Counted at the connection: the warehouse
 * queries of the sweep, split into introspection and drop statements,
 * which must not grow with N. Timed: approve→active (the approval's write,
 * the executor's grant and the move to active) as p50/p95.
 *
 *   npm run bench:access -- [--grants 100,1000] [--due 50] [--products 200] [--samples 100]
 *
 * The store is the plugin's own (AccessRequestStore) on in-memory SQLite;
 * it is imported from the backend's source because the sweep is internal
 * to the plugin. See bench/README.md for the recorded figures.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type AccessGrant,
  type DesiredState,
  accessDriftProducts,
  applyPlan,
  assessAccessDrift,
  assessProducts,
  createWarehouseAccessGrantExecutor,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import { AccessRequestStore } from '../../plugins/data-mesh-backend/src/access/AccessRequestStore';
import { ExpirySweep } from '../../plugins/data-mesh-backend/src/access/expirySweep';
import { WarehouseSync } from '../../plugins/data-mesh-backend/src/access/warehouseSync';
import { TRANSITIONS } from '../../plugins/data-mesh-backend/src/access/stateMachine';
import { approvalPatch } from '../../plugins/data-mesh-backend/src/access/decide';

const D = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function parseArgs(argv: string[]) {
  const args = { grants: [100, 1000], due: 50, products: 200, samples: 100 };
  for (let i = 0; i < argv.length; i++) {
    const next = argv[++i] ?? '';
    const num = Number(next);
    switch (argv[i - 1]) {
      case '--grants':
        args.grants = next.split(',').map(Number);
        break;
      case '--due':
        args.due = num;
        break;
      case '--products':
        args.products = num;
        break;
      case '--samples':
        args.samples = num;
        break;
      default:
        console.error(
          'usage: run.ts [--grants 100,1000] [--due 50] [--products 200] [--samples 100]',
        );
        process.exit(1);
    }
  }
  const bad = [...args.grants, args.due, args.products, args.samples].some(
    n => !Number.isInteger(n) || n < 1,
  );
  if (bad || args.grants.some(n => n < args.due)) {
    console.error('counts are positive integers, and every --grants ≥ --due');
    process.exit(1);
  }
  return args;
}

const quiet = {
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  debug() {},
  child() {
    return quiet;
  },
} as any;

const settings = {
  defaultDurationMs: 90 * D,
  maxDurationMs: 365 * D,
  naming: { requestRole: 'bench_access_{id}', teamRole: 'team_{group}' },
  warnBeforeMs: 7 * D,
  remindAfterMs: 3 * D,
  schedule: { frequency: { minutes: 10 }, timeout: { minutes: 5 } },
  notifications: false,
  auditorGroups: [],
  adminGroups: [],
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** A store of `n` active requests on the provisioned products, their roles granted; `due` of them past expiry. */
async function world(
  adapter: PostgresWarehouseAdapter,
  products: { entityRef: string; consumer: string }[],
  teams: string[],
  n: number,
  due: number,
  tag: string,
) {
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const store = await AccessRequestStore.create({ getClient: async () => db });
  const executor = createWarehouseAccessGrantExecutor({
    warehouse: { getAdapter: async () => adapter },
  });
  for (let i = 0; i < n; i++) {
    const id = `${tag}${String(i).padStart(15 - tag.length, '0')}`;
    const p = products[i % products.length];
    const grant: AccessGrant = {
      id,
      product: p.entityRef,
      outputPort: 'events',
      role: `bench_access_${id}`,
      providerRole: p.consumer,
      grantee: teams[i % teams.length],
      pii: false,
    };
    await executor.grant(grant);
    const expiresAt = i < due ? T0 + D : T0 + 90 * D;
    await store.insert(
      {
        ...grant,
        // the team the grant goes to, so readers count distinct teams
        consumer: `group:default/${grant.grantee}`,
        requester: 'user:default/bench',
        purpose: 'bench',
        state: 'active',
        durationMs: expiresAt - T0,
        requestedAt: T0,
        decidedBy: 'user:default/owner',
        decidedAt: T0,
        expiresAt,
      },
      { at: T0, actor: 'bench', action: 'grant', state: 'active' },
    );
  }
  return { db, store, executor };
}

/**
 * The access-drift check over every product and the active grants: one
 * introspection whatever the number of grants. Returns the warehouse
 * queries it sent; throws if it finds drift where there is none.
 */
async function measureDrift(
  adapter: PostgresWarehouseAdapter,
  desired: DesiredState,
  active: AccessGrant[],
): Promise<number> {
  const before = adapter.connection.queryCount;
  const report = await assessAccessDrift(
    { products: accessDriftProducts(desired), active },
    adapter,
  );
  const queries = adapter.connection.queryCount - before;
  const drifted = report.products.filter(p => !p.inSync);
  if (drifted.length > 0) {
    throw new Error(
      `drift where there is none: ${JSON.stringify(drifted[0]).slice(0, 500)}`,
    );
  }
  return queries;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const adapter = (await createPgliteWarehouseAdapter({
    inMemory: true,
  })) as PostgresWarehouseAdapter;
  console.log(
    `PGlite in memory, node ${process.version}, ${os.cpus().length} CPUs (${
      os.cpus()[0]?.model ?? 'unknown'
    })`,
  );
  const q = () => adapter.connection.queryCount;
  try {
    const platform = platformConfig();
    const entities = Array.from({ length: args.products }, (_, i) =>
      testDataProduct(`p${String(i).padStart(3, '0')}`, 'bench'),
    );
    const assessed = await assessProducts(entities, platform, adapter);
    if (!assessed.plan) throw new Error(JSON.stringify(assessed.issues));
    const applied = await applyPlan(assessed.plan, adapter);
    if (applied.error) throw new Error(applied.error.message);
    const products = assessed.desired!.products.map(p => ({
      entityRef: p.entityRef,
      consumer: p.roles.consumer,
    }));
    const teams = Array.from({ length: 10 }, (_, i) => `bench_team_${i}`);
    await adapter.execute(teams.map(t => ({ sql: `CREATE ROLE ${t}` })));
    console.log(
      `${args.products} products provisioned (${applied.applied.length} steps)`,
    );

    const rows: {
      grants: number;
      expired: number;
      introspection: number;
      drops: number;
      total: number;
      ms: number;
      drift: number;
      readersMs: number;
    }[] = [];
    for (const [k, n] of args.grants.entries()) {
      const { db, store, executor } = await world(
        adapter,
        products,
        teams,
        n,
        args.due,
        `s${k}`,
      );
      const activeGrants = (await store.list({ state: 'active' })).map(r => ({
        ...r,
      })) as AccessGrant[];
      if (activeGrants.length !== n) {
        throw new Error(`${activeGrants.length} active grants, expected ${n}`);
      }
      const drift = await measureDrift(
        adapter,
        assessed.desired!,
        activeGrants,
      );
      // the marketplace's readers: one GROUP BY over the requests table
      const readerSamples: number[] = [];
      let counted: Awaited<ReturnType<typeof store.readerCounts>> = [];
      for (let i = 0; i < 21; i++) {
        const t0 = performance.now();
        counted = await store.readerCounts();
        readerSamples.push(performance.now() - t0);
      }
      const expected = new Map<string, Set<string>>();
      for (const g of activeGrants) {
        const teamsOf = expected.get(g.product) ?? new Set<string>();
        teamsOf.add(g.grantee);
        expected.set(g.product, teamsOf);
      }
      if (
        counted.length !== expected.size ||
        counted.some(c => c.teams !== expected.get(c.product)?.size)
      ) {
        throw new Error(`readers counted wrong: ${JSON.stringify(counted)}`);
      }
      const sweep = new ExpirySweep({
        store,
        settings,
        logger: quiet,
        clock: { now: () => T0 + 2 * D },
        executor,
      });
      const before = q();
      const t = performance.now();
      const report = await sweep.run();
      const ms = performance.now() - t;
      const total = q() - before;
      if (report.expired !== args.due || report.revoked !== args.due) {
        throw new Error(`sweep: ${JSON.stringify(report)}`);
      }
      const drops = (await store.list({ state: 'expired' }))
        .flatMap(r => r.history)
        .filter(h => h.action === 'warehouse-revoke')
        .reduce((s, h) => s + (h.statements?.length ?? 0), 0);
      rows.push({
        grants: n,
        expired: report.expired,
        introspection: total - drops,
        drops,
        total,
        ms,
        drift,
        readersMs: pct(readerSamples, 50),
      });
      // the remaining request roles go, so the next size starts clean
      await executor.revokeMany!(
        (await store.list({ state: 'active' })).map(r => ({ ...r })),
      );
      await db.destroy();
    }

    // approve→active: the approval's conditional write, the warehouse
    // grant (introspection + 3 statements), the move to active
    const { db, store, executor } = await world(
      adapter,
      products,
      teams,
      0,
      0,
      'a',
    );
    const sync = new WarehouseSync({
      store,
      settings,
      logger: quiet,
      clock: { now: () => T0 },
      executor,
    });
    const samples: number[] = [];
    for (let i = 0; i < args.samples; i++) {
      const id = `a${String(i).padStart(15, '0')}`;
      const p = products[i % products.length];
      await store.insert(
        {
          id,
          product: p.entityRef,
          outputPort: 'events',
          consumer: 'group:default/bench',
          requester: 'user:default/bench',
          purpose: 'bench',
          pii: false,
          state: 'pending',
          durationMs: 30 * D,
          requestedAt: T0,
          grantee: teams[i % teams.length],
          providerRole: p.consumer,
          role: `bench_access_${id}`,
        },
        { at: T0, actor: 'bench', action: 'request', state: 'pending' },
      );
      const t = performance.now();
      await store.transition(id, {
        ...TRANSITIONS.approve,
        patch: approvalPatch('user:default/owner', T0, 30 * D),
        history: { at: T0, actor: 'user:default/owner', action: 'approve' },
      });
      const active = await sync.grant(id);
      samples.push(performance.now() - t);
      if (!active) throw new Error(`${id} not active`);
    }
    await db.destroy();

    console.log('');
    console.log(
      `| active grants | expired (due) | warehouse queries | introspection | drop statements | sweep | drift check queries | readers (median of 21) |`,
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      console.log(
        `| ${r.grants} | ${r.expired} | ${r.total} | ${r.introspection} | ${
          r.drops
        } | ${r.ms.toFixed(0)} ms | ${r.drift} | ${r.readersMs.toFixed(
          2,
        )} ms |`,
      );
    }
    const [first, last] = [rows[0], rows[rows.length - 1]];
    console.log(
      `\nsweep warehouse queries at ${last.grants} vs ${
        first.grants
      } grants: ×${(last.total / first.total).toFixed(2)} (introspection ${
        first.introspection
      } → ${last.introspection})`,
    );
    console.log(
      `approve→active over ${samples.length} approvals: p50 ${pct(
        samples,
        50,
      ).toFixed(1)} ms, p95 ${pct(samples, 95).toFixed(1)} ms`,
    );
    console.log(
      `access drift check queries at ${last.grants} vs ${
        first.grants
      } grants: ${last.drift} vs ${first.drift} (×${(
        last.drift / first.drift
      ).toFixed(2)})`,
    );
    console.log(
      `readers of every product at ${last.grants} vs ${
        first.grants
      } grants: ${last.readersMs.toFixed(2)} vs ${first.readersMs.toFixed(
        2,
      )} ms (×${(last.readersMs / first.readersMs).toFixed(2)})`,
    );
    if (rows.some(r => r.drift !== first.drift)) {
      console.error('FAIL: drift check queries grew with the number of grants');
      process.exitCode = 1;
    }
    if (rows.some(r => r.total !== first.total)) {
      console.error(
        'FAIL: sweep warehouse queries grew with the number of grants',
      );
      process.exitCode = 1;
    }
  } finally {
    await adapter.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
