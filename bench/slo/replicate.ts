/*
 * The bulk loader of bench/slo. The 50-product baseline store is written
 * by the plugin's own collection task (480 hourly cycles over a real
 * warehouse); the 5,000-product store gets its monitors from the plugin's
 * own catalog sync and then, for each monitor, the rows the collection
 * wrote for the matching monitor of the baseline (product i behaves like
 * baseline product i % 50): observations, slices, detected updates, the
 * stored evaluation and the monitor's collection columns. Only the monitor
 * ids differ from rows the real path wrote; the copy runs as INSERT ...
 * SELECT inside the target database, in the order the real path inserts
 * (time, then monitor), so tables and indexes have their real sizes.
 */
import type { Knex } from 'knex';
import { productName } from './world';

const MONITORS = 'data_mesh_slo_monitors';
const COPIED = [
  { table: 'data_mesh_slo_observations', time: 'observed_at', skip: ['id'] },
  { table: 'data_mesh_slo_slices', time: 'slice_start', skip: [] },
  { table: 'data_mesh_slo_updates', time: 'detected_at', skip: [] },
  { table: 'data_mesh_slo_status', time: undefined, skip: [] },
] as const;
const MONITOR_STATE = [
  'first_observed_at',
  'last_row_count',
  'last_altered_at',
  'last_stats_at',
];

export interface ReplicationReport {
  monitors: number;
  rows: Record<string, number>;
  ms: Record<string, number>;
}

const count = async (db: Knex, table: string) =>
  Number((await db(table).count({ n: '*' }).first())?.n ?? 0);

export async function replicate(
  template: Knex,
  target: Knex,
  templateProducts: number,
  log: (line: string) => void,
): Promise<ReplicationReport> {
  const tplMonitors = await template(MONITORS)
    .whereNull('removed_at')
    .select('id', 'entity_ref', 'slo_name', ...MONITOR_STATE);
  const tplByKey = new Map(
    tplMonitors.map(m => [`${m.entity_ref}\u0000${m.slo_name}`, m]),
  );
  const targets = await target(MONITORS)
    .whereNull('removed_at')
    .select('id', 'name', 'slo_name');
  const map: { tpl_id: number; big_id: number }[] = [];
  const bigByTpl = new Map<number, number[]>();
  for (const m of targets) {
    const i = Number(/^dp-(\d+)$/.exec(m.name)?.[1]) - 1;
    const tpl = tplByKey.get(
      `dataproduct:default/${productName(i % templateProducts)}\u0000${
        m.slo_name
      }`,
    );
    if (!tpl)
      throw new Error(`no template monitor for ${m.name} ${m.slo_name}`);
    map.push({ tpl_id: Number(tpl.id), big_id: Number(m.id) });
    bigByTpl.set(Number(tpl.id), [
      ...(bigByTpl.get(Number(tpl.id)) ?? []),
      Number(m.id),
    ]);
  }

  const report: ReplicationReport = {
    monitors: targets.length,
    rows: {},
    ms: {},
  };
  await target.schema.dropTableIfExists('bench_map');
  await target.schema.createTable('bench_map', t => {
    t.integer('tpl_id').notNullable();
    t.integer('big_id').notNullable();
    t.primary(['tpl_id', 'big_id']);
  });
  // SQLite allows at most 500 terms in knex's compound multi-row insert
  await target.batchInsert('bench_map', map, 200);

  for (const { table, time, skip } of COPIED) {
    const started = Date.now();
    const staging = `bench_tpl_${table}`;
    await target.schema.dropTableIfExists(staging);
    await target.raw(
      `create table ${staging} as select * from ${table} where 1 = 0`,
    );
    const rows = await template(table)
      .whereIn('monitor_id', [...bigByTpl.keys()])
      .select('*');
    await target.batchInsert(staging, rows, 200);
    if (time) {
      await target.raw(`create index ${staging}_time on ${staging} (${time})`);
    }
    const columns = Object.keys(await target(table).columnInfo()).filter(
      c => c !== 'monitor_id' && !(skip as readonly string[]).includes(c),
    );
    const insert = `insert into ${table} (monitor_id, ${columns.join(', ')})
      select m.big_id, ${columns.map(c => `t.${c}`).join(', ')}
      from ${staging} t join bench_map m on m.tpl_id = t.monitor_id`;
    if (time) {
      // one day at a time, in time order, as the collection inserted them
      const range = await target(staging)
        .min({ lo: time })
        .max({ hi: time })
        .first();
      const lo = Number(range?.lo);
      const hi = Number(range?.hi);
      const day = 24 * 60 * 60 * 1000;
      for (let from = lo; rows.length > 0 && from <= hi; from += day) {
        await target.raw(
          `${insert} where t.${time} >= ? and t.${time} < ? order by t.${time}, m.big_id`,
          [from, from + day],
        );
      }
    } else {
      await target.raw(`${insert} order by m.big_id`);
    }
    await target.schema.dropTable(staging);
    const expected = rows.reduce(
      (n, r) => n + (bigByTpl.get(Number(r.monitor_id))?.length ?? 0),
      0,
    );
    const actual = await count(target, table);
    if (actual !== expected) {
      throw new Error(
        `${table}: ${actual} rows after the copy, expected ${expected}`,
      );
    }
    report.rows[table] = actual;
    report.ms[table] = Date.now() - started;
    log(
      `  ${table}: ${actual.toLocaleString('en')} rows in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
  }

  const started = Date.now();
  for (const tpl of tplMonitors) {
    const ids = bigByTpl.get(Number(tpl.id)) ?? [];
    for (let k = 0; k < ids.length; k += 500) {
      await target(MONITORS)
        .whereIn('id', ids.slice(k, k + 500))
        .update(Object.fromEntries(MONITOR_STATE.map(c => [c, tpl[c]])));
    }
  }
  report.ms[MONITORS] = Date.now() - started;
  await target.schema.dropTable('bench_map');
  return report;
}
