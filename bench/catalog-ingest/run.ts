/*
 * Benchmark: how much longer does the catalog take to ingest N data product
 * spec files than N plain Component entities? Both sets go through the real
 * catalog backend (catalog plugin + @datamesh/plugin-catalog-backend-module-data-mesh,
 * SQLite via better-sqlite3), in this one process, with the same settings,
 * interleaved so that drift in machine load hits both alike.
 *
 *   npm run bench:catalog-ingest -- [--n 1000,5000] [--runs 3,1] [options]
 *
 * See bench/README.md for what is measured and the recorded figures. This is
 * a benchmark, not a test: nothing here runs under `npm test`.
 */
// first: it must change knex before anything loads it (see the file)
import { knexPauseRemoved } from './knexPause';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  generateComponents,
  generateOrg,
  generateProducts,
  type GeneratedSet,
} from './generate';
import { ingest, type IngestOptions, type IngestResult } from './ingest';
import { median } from '../median';

type SetName =
  | 'components'
  | 'products'
  | 'native'
  | 'components-plain'
  | 'components-linked'
  | 'products-lean';

interface Args {
  n: number[];
  runs: number[];
  verifyModes: boolean[];
  /** dataMesh.catalog.storeNestedAsJson settings of the products. */
  formModes: boolean[];
  db: 'memory' | 'file' | 'pg';
  pollMs: number;
  timeoutMs: number;
  logLevel: IngestOptions['logLevel'];
  keep: boolean;
  sets: SetName[];
  profileDir?: string;
  sqlStats: boolean;
  processingInterval?: number;
  /** Unrecorded rounds before the first size's measured ones. */
  warmup: number;
}

const USAGE = `usage: run.ts [--n 1000,5000] [--runs 3,1] [--verify on,off|on|off]
              [--form json|entity|json,entity]
              [--db memory|file|pg] [--poll-ms 100] [--timeout-s 900]
              [--log none|error|warn|info] [--sets components,products,native]
              [--cpu-profile DIR] [--sql-stats] [--keep]
              [--processing-interval-s S] [--warmup 1] [--knex-pause on|off]
  --n        set sizes; each size generates N products and N components
  --runs     repetitions per size (one number, or one per size)
  --verify   dataMesh.catalog.verifyUpstreamPorts settings to measure for
             the products (components are unaffected by it); the ratio is
             reported for each
  --form     how the products are stored
             (dataMesh.catalog.storeNestedAsJson): json (the default, the
             catalog form: nested parts of the spec as JSON text) and/or
             entity (the canonical entity, one search row per distinct
             nested value); each mode is measured for each --verify setting
  --db       SQLite in memory (default), SQLite files in a temp directory,
             or PostgreSQL (pg: BENCH_PG_URL, default
             postgres://postgres@127.0.0.1:5432/postgres; a fresh database
             per run, dropped afterwards) — a comparison, not the target
  --sets     which sets to ingest: components,products (default), plus
             'native' — the same products as native entities in
             catalog-info.yaml (no spec file reading; verifyUpstreamPorts
             off), a control that separates reading spec files from
             storing the bigger entities. Without components no ratio.
             'components-plain': the components again with the module's
             content parser off (recognizeSpecsByContent: false), to measure
             what recognising specs by content costs plain entities
             'components-linked': the components with spec.dependsOn along
             the products' lineage graph (component i depends on j where
             product i reads product j), so the catalog makes and re-stitches
             the same dependsOn/dependencyOf relations; the products' ratio
             against it is printed too: what the kind costs beyond the graph
             'products-lean': diagnostic, the products read and checked as
             always but stored cut down to their scalars, names and lineage
             (columns, SLOs, agreement left out; leanEntities.ts): what
             moving those parts out of the catalog could give at most
  --cpu-profile  write a V8 CPU profile of each measured interval to DIR
             (profiling slows the runs; do not record those times)
  --sql-stats  print the costliest SQL statement shapes of each run, with
             the bytes of the values sent with them
  --warmup   unrecorded rounds of every variant before the first size's
             measured ones (default 1), so the JIT and the database's
             caches are warm for all variants, not for the later ones only
  --processing-interval-s  catalog.processingInterval for every run
             (default: the catalog's own, a random 100-150 s per entity)
  --keep     keep the generated files and, with --db file, the catalog's
             SQLite files (their directory is printed)
  --knex-pause off  diagnostic: knex's batchInsert yields with setImmediate
             instead of its 1 ms timer (the default, on, is knex as it is)`;

function parseArgs(argv: string[]): Args {
  const args: Args = {
    n: [1000, 5000],
    runs: [3, 1],
    verifyModes: [true, false],
    formModes: [true],
    db: 'memory',
    pollMs: 100,
    timeoutMs: 900_000,
    logLevel: 'none',
    keep: false,
    sets: ['components', 'products'],
    sqlStats: false,
    warmup: 1,
  };
  const list = (v: string) =>
    v.split(',').map(x => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`not a positive integer: ${x}\n${USAGE}`);
      return n;
    });
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--n':
        args.n = list(value());
        break;
      case '--runs':
        args.runs = list(value());
        break;
      case '--verify':
        args.verifyModes = value()
          .split(',')
          .map(v => {
            if (v !== 'on' && v !== 'off')
              throw new Error(`--verify takes on/off\n${USAGE}`);
            return v === 'on';
          });
        break;
      case '--form':
        args.formModes = value()
          .split(',')
          .map(v => {
            if (v !== 'json' && v !== 'entity')
              throw new Error(`--form takes json/entity\n${USAGE}`);
            return v === 'json';
          });
        break;
      case '--db': {
        const v = value();
        if (v !== 'memory' && v !== 'file' && v !== 'pg')
          throw new Error(`--db takes memory|file|pg\n${USAGE}`);
        args.db = v;
        break;
      }
      case '--poll-ms':
        args.pollMs = list(value())[0];
        break;
      case '--timeout-s':
        args.timeoutMs = list(value())[0] * 1000;
        break;
      case '--log':
        args.logLevel = value() as Args['logLevel'];
        break;
      case '--sets':
        args.sets = value()
          .split(',')
          .map(v => {
            if (
              v !== 'components' &&
              v !== 'products' &&
              v !== 'native' &&
              v !== 'components-plain' &&
              v !== 'components-linked' &&
              v !== 'products-lean'
            ) {
              throw new Error(
                `--sets takes components,products,native,components-plain,components-linked,products-lean\n${USAGE}`,
              );
            }
            return v as SetName;
          });
        break;
      case '--cpu-profile':
        args.profileDir = path.resolve(value());
        break;
      case '--processing-interval-s':
        args.processingInterval = list(value())[0];
        break;
      case '--warmup': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 0)
          throw new Error(`--warmup: not a whole number: ${v}\n${USAGE}`);
        args.warmup = v;
        break;
      }
      case '--sql-stats':
        args.sqlStats = true;
        break;
      case '--keep':
        args.keep = true;
        break;
      case '--knex-pause': {
        // read by knexPause.ts before anything else; only checked here
        const v = value();
        if (v !== 'on' && v !== 'off')
          throw new Error(`--knex-pause takes on|off\n${USAGE}`);
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return args;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const load = () => os.loadavg()[0].toFixed(2);

interface Variant {
  label: string;
  set: () => GeneratedSet;
  verifyUpstreamPorts: boolean;
  storeNestedAsJson: boolean;
  recognizeSpecsByContent?: boolean;
  leanEntities?: boolean;
  results: IngestResult[];
}

/** The products' settings to measure: each verify mode × each form mode. */
function productModes(args: Args) {
  return args.verifyModes.flatMap(verify =>
    args.formModes.map(json => ({
      verifyUpstreamPorts: verify,
      storeNestedAsJson: json,
      label: `verifyUpstreamPorts ${verify ? 'on' : 'off'}${
        args.formModes.length > 1 || !json
          ? `, form ${json ? 'json' : 'entity'}`
          : ''
      }`,
    })),
  );
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  const cpus = os.cpus();
  console.log(
    `catalog-ingest benchmark — node ${process.version}, ${cpus.length} × ${
      cpus[0]?.model ?? 'cpu'
    }, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${
      args.db === 'pg' ? 'PostgreSQL' : `SQLite ${args.db}`
    }, load ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}${gc ? '' : ' (run with --expose-gc for a GC between runs)'}${
      knexPauseRemoved
        ? "; DIAGNOSTIC: knex's batchInsert pause taken out (--knex-pause off)"
        : ''
    }`,
  );

  if (args.profileDir) await fs.mkdir(args.profileDir, { recursive: true });
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-ingest-'));
  const summary: string[] = [];
  let pgRuns = 0;
  try {
    const orgFile = await generateOrg(root);
    for (const [index, n] of args.n.entries()) {
      const runs = args.runs[Math.min(index, args.runs.length - 1)];
      const dir = path.join(root, `n${n}`);
      const tGen = performance.now();
      const products = await generateProducts(dir, n);
      const components = await generateComponents(dir, n);
      const linked = args.sets.includes('components-linked')
        ? await generateComponents(dir, n, { linkedLike: products })
        : undefined;
      const native = args.sets.includes('native')
        ? await generateProducts(dir, n, { only: 'entity' })
        : undefined;
      const pf = products.expected.files;
      console.log(
        `\nN=${n}: generated in ${sec(performance.now() - tGen)} — products ${
          pf.oam
        } OAM, ${pf.odps} ODPS (+${pf.contracts} ODCS), ${
          pf.entity
        } native entity, ${(products.expected.bytes / 2 ** 20).toFixed(
          1,
        )} MiB; components ${(components.expected.bytes / 2 ** 20).toFixed(
          1,
        )} MiB${args.keep ? ` (${dir})` : ''}`,
      );
      const costs = {
        ...products.expected.readMs,
        ...components.expected.readMs,
      };
      console.log(
        `  reading one file outside the catalog (mean): ${Object.entries(costs)
          .map(
            ([format, c]) =>
              `${format} ${
                c.read ? `${(c.read / c.files).toFixed(2)} ms (yaml alone ` : ''
              }${(c.yaml / c.files).toFixed(2)} ms${c.read ? ')' : ''}`,
          )
          .join(', ')}`,
      );

      const variants: Variant[] = [
        ...(args.sets.includes('components')
          ? [
              {
                label: 'components',
                set: () => components,
                verifyUpstreamPorts: true,
                storeNestedAsJson: true,
                results: [] as IngestResult[],
              },
            ]
          : []),
        ...(args.sets.includes('products') ? productModes(args) : []).map(
          mode => ({
            ...mode,
            label: `products (${mode.label})`,
            set: () => products,
            results: [] as IngestResult[],
          }),
        ),
        ...(args.sets.includes('components-plain')
          ? [
              {
                label: 'components, content parser off',
                set: () => components,
                verifyUpstreamPorts: true,
                storeNestedAsJson: true,
                recognizeSpecsByContent: false,
                results: [] as IngestResult[],
              },
            ]
          : []),
        ...(linked
          ? [
              {
                label: 'components linked like the products',
                set: () => linked,
                verifyUpstreamPorts: true,
                storeNestedAsJson: true,
                results: [] as IngestResult[],
              },
            ]
          : []),
        ...(args.sets.includes('products-lean')
          ? [
              {
                label: 'products, lean entity (diagnostic)',
                set: () => products,
                verifyUpstreamPorts: true,
                storeNestedAsJson: true,
                leanEntities: true,
                results: [] as IngestResult[],
              },
            ]
          : []),
        ...(native
          ? [
              {
                label: 'products as native entities (off)',
                set: () => native,
                verifyUpstreamPorts: false,
                storeNestedAsJson: true,
                results: [] as IngestResult[],
              },
            ]
          : []),
      ];
      const warmup = index === 0 ? args.warmup : 0;
      for (let round = 0; round < warmup + runs; round++) {
        // the measured run's number; negative in the warm-up rounds
        const r = round - warmup;
        // Rotate the order each round so no variant always runs first.
        const order = variants.map(
          (_, i) => variants[(i + round) % variants.length],
        );
        for (const variant of order) {
          gc?.();
          const sqliteDirectory =
            args.db === 'file'
              ? await fs.mkdtemp(path.join(root, 'sqlite-'))
              : undefined;
          const postgres =
            args.db === 'pg'
              ? {
                  url:
                    process.env.BENCH_PG_URL ??
                    'postgres://postgres@127.0.0.1:5432/postgres',
                  prefix: `bench_ingest_${process.pid}_${++pgRuns}_`,
                }
              : undefined;
          const loadBefore = load();
          const result = await ingest({
            set: variant.set(),
            orgFile,
            verifyUpstreamPorts: variant.verifyUpstreamPorts,
            storeNestedAsJson: variant.storeNestedAsJson,
            recognizeSpecsByContent: variant.recognizeSpecsByContent,
            leanEntities: variant.leanEntities,
            sqliteDirectory,
            postgres,
            pollMs: args.pollMs,
            timeoutMs: args.timeoutMs,
            logLevel: args.logLevel,
            sqlStats: args.sqlStats,
            processingIntervalSeconds: args.processingInterval,
            cpuProfile:
              args.profileDir && r >= 0
                ? path.join(
                    args.profileDir,
                    `n${n}-${variant.label
                      .toLowerCase()
                      .replace(/[^a-z]+/g, '-')
                      .replace(/-$/, '')}-run${r + 1}.cpuprofile`,
                  )
                : undefined,
          });
          if (sqliteDirectory && !args.keep)
            await fs.rm(sqliteDirectory, { recursive: true, force: true });
          if (r < 0) {
            // warm-up: its own line, kept out of the medians and the stats
            console.log(
              `  warm-up ${variant.label.padEnd(36)} ${sec(
                result.stitchedMs,
              ).padStart(9)}  cpu ${sec(result.cpuMs).padStart(9)}`,
            );
            continue;
          }
          variant.results.push(result);
          console.log(
            `  run ${r + 1}/${runs} ${variant.label.padEnd(36)} ${sec(
              result.stitchedMs,
            ).padStart(9)}  cpu ${sec(result.cpuMs).padStart(9)}  busy ${sec(
              result.busyMs,
            ).padStart(9)}  (taken up ${sec(result.takenUpMs)}, read ${sec(
              result.readMs,
            )}, processed ${sec(result.processedMs)}; ${
              result.entities
            } entities, ${result.relations} relations, ${
              result.searchRows
            } search rows, ${(result.finalEntityChars / 2 ** 20).toFixed(
              1,
            )} MiB entity JSON; load ${loadBefore}→${load()})`,
          );
          if (result.sql) {
            const {
              statements,
              stitches,
              searchRowsWritten,
              processingRuns,
              bytesSent,
            } = result.sql;
            const total = statements.reduce((t, st) => t + st.ms, 0);
            const count = statements.reduce((t, st) => t + st.count, 0);
            console.log(
              `      SQL: ${sec(total)} in ${count} statements, ${mib(
                bytesSent,
              )} of values sent; ${
                // counted from SQLite's statements; PostgreSQL's differ (and
                // diff the search rows instead of rewriting them)
                args.db === 'pg'
                  ? ''
                  : `${processingRuns} entities processed; ${searchRowsWritten} search rows written; `
              }stitches: ${Object.entries(stitches)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`,
            );
            // the costliest by time, then any other that sent much data
            const shown = statements.slice(0, 12);
            const heavy = statements
              .slice(12)
              .filter(st => st.bytes >= bytesSent / 50)
              .sort((a, b) => b.bytes - a.bytes);
            for (const st of [...shown, ...heavy]) {
              console.log(
                `      ${sec(st.ms).padStart(9)} ${String(st.count).padStart(
                  7,
                )}× ${mib(st.bytes).padStart(9)}  ${st.shape}`,
              );
            }
          }
        }
      }

      const hasBaseline = args.sets.includes('components');
      const wall = (v: Variant) => median(v.results.map(x => x.stitchedMs));
      const cpu = (v: Variant) => median(v.results.map(x => x.cpuMs));
      const busy = (v: Variant) => median(v.results.map(x => x.busyMs));
      const baseWall = wall(variants[0]);
      const baseCpu = cpu(variants[0]);
      const baseBusy = busy(variants[0]);
      console.log(
        `N=${n} medians — wall: registration until all processed and stitched; cpu: this process over that time; busy: its event loop`,
      );
      for (const v of variants) {
        const ratios = hasBaseline
          ? `ratio ${(wall(v) / baseWall).toFixed(2)} (cpu ${(
              cpu(v) / baseCpu
            ).toFixed(2)}, busy ${(busy(v) / baseBusy).toFixed(2)})`
          : '';
        console.log(
          `  ${v.label.padEnd(36)} ${sec(wall(v)).padStart(9)}  cpu ${sec(
            cpu(v),
          ).padStart(9)}  busy ${sec(busy(v)).padStart(
            9,
          )}  ${ratios}  [${v.results.map(x => sec(x.stitchedMs)).join(', ')}]`,
        );
      }
      // where each variant's time went, medians of the runs' phases
      const phase = (v: Variant, f: (x: IngestResult) => number) =>
        sec(median(v.results.map(f)));
      for (const v of variants) {
        console.log(
          `  ${v.label.padEnd(36)} phases: taken up ${phase(
            v,
            x => x.takenUpMs,
          )}, read ${phase(v, x => x.readMs - x.takenUpMs)}, processing ${phase(
            v,
            x => x.processedMs - x.readMs,
          )}, stitching after it ${phase(
            v,
            x => x.stitchedMs - x.processedMs,
          )}`,
        );
      }
      if (hasBaseline && runs > 1) {
        // Paired: each round's run against the components' run of the same
        // round, which ran minutes apart at most. The machine's speed drifts
        // over a long invocation (bench/README.md); a round's two runs see
        // about the same speed, so the spread of these ratios is the
        // measurement's own, and their median does not depend on which
        // rounds happened to be slow.
        for (const v of variants.slice(1)) {
          const paired = (f: (x: IngestResult) => number) =>
            v.results.map((x, i) => f(x) / f(variants[0].results[i]));
          const range = (xs: number[]) =>
            `median ${median(xs).toFixed(2)}, ${Math.min(...xs).toFixed(
              2,
            )}–${Math.max(...xs).toFixed(2)}`;
          const wallRatios = paired(x => x.stitchedMs);
          console.log(
            `  ${v.label.padEnd(36)} per round: wall ${wallRatios
              .map(x => x.toFixed(2))
              .join(', ')} (${range(wallRatios)}); cpu ${range(
              paired(x => x.cpuMs),
            )}; busy ${range(paired(x => x.busyMs))}`,
          );
        }
      }
      if (hasBaseline) {
        // the same without the catalog's idle wait before it takes the
        // registration up (0-1 s, unrelated to what is registered)
        const worked = (v: Variant) =>
          median(v.results.map(x => x.stitchedMs - x.takenUpMs));
        for (const v of variants.slice(1)) {
          console.log(
            `  ${v.label.padEnd(36)} from taken up: ${sec(
              worked(v),
            )} against ${sec(worked(variants[0]))}, ratio ${(
              worked(v) / worked(variants[0])
            ).toFixed(2)}`,
          );
        }
      }
      const plain = variants.find(v => v.recognizeSpecsByContent === false);
      if (hasBaseline && plain) {
        // components with the content parser (the default) vs without it
        console.log(
          `  content parser on plain components: cpu ×${(
            baseCpu / cpu(plain)
          ).toFixed(3)}, wall ×${(baseWall / wall(plain)).toFixed(
            3,
          )} (on / off)`,
        );
      }
      const linkedVariant = linked
        ? variants.find(v => v.set() === linked)
        : undefined;
      if (linkedVariant && args.sets.includes('products')) {
        // what the DataProduct kind costs beyond its lineage graph
        for (const v of variants.filter(x => x.label.startsWith('products'))) {
          console.log(
            `  ${v.label} against components linked like them: ratio ${(
              wall(v) / wall(linkedVariant)
            ).toFixed(2)} (cpu ${(cpu(v) / cpu(linkedVariant)).toFixed(2)})`,
          );
        }
      }
      if (!hasBaseline || !args.sets.includes('products')) continue;
      // components and the products per mode; the native control is
      // printed above but is not part of the recorded table
      const recorded = variants.slice(0, 1 + productModes(args).length);
      summary.push(
        `| ${n} | ${runs} | ${sec(baseWall)} | ${recorded
          .slice(1)
          .map(
            v =>
              `${sec(wall(v))} | **${(wall(v) / baseWall).toFixed(2)}** (cpu ${(
                cpu(v) / baseCpu
              ).toFixed(2)})`,
          )
          .join(' | ')} |`,
      );
    }
    if (summary.length === 0) return;
    console.log(
      `\n| N | runs | components median | ${productModes(args)
        .map(mode => `products median (${mode.label}) | ratio (${mode.label})`)
        .join(' | ')} |`,
    );
    console.log(
      `|---|---|---|${productModes(args)
        .map(() => '---|---|')
        .join('')}`,
    );
    for (const line of summary) console.log(line);
  } finally {
    if (!args.keep) await fs.rm(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(
      error instanceof Error ? error.stack ?? error.message : error,
    );
    process.exit(1);
  },
);
