/*
 * Command line of the SLO benchmark: the flags, their defaults and checks.
 */

export const USAGE = `usage: run.ts [options]
  --products N          products of the large set (default 5000)
  --baseline N          products of the baseline, written by the real collection (default 50)
  --days N              days of hourly history (default 20)
  --db LIST             sqlite,postgres (default both)
  --pg URL              PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
  --concurrency N       requests in flight (default 8)
  --scale F             multiply the request counts and time limits (default 1)
  --rounds N            alternate baseline and large set N times per endpoint (default 2)
  --skip-api            only the queries-per-cycle part
  --stats-products N    tables for the queries-per-cycle part (default = --products; 0 skips it)
  --observation-retention D  the plugin's dataMesh.slo.observationRetention (default 30d: all 20 days kept)
  --explain             print the plan of every statement of the profile
  --cpu-profile DIR     write a V8 CPU profile of the main thread (the server) per measured
                        endpoint of the large set, and print the top functions by self time
  --keep                keep the temporary databases and files`;

export type DbKind = 'sqlite' | 'postgres';

export interface Args {
  products: number;
  baseline: number;
  days: number;
  db: DbKind[];
  pg: string;
  concurrency: number;
  scale: number;
  rounds: number;
  skipApi: boolean;
  statsProducts: number;
  observationRetention: string;
  explain: boolean;
  cpuProfile?: string;
  keep: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = {
    products: 5000,
    baseline: 50,
    days: 20,
    db: ['sqlite', 'postgres'],
    pg: 'postgres://postgres@127.0.0.1:5432',
    concurrency: 8,
    scale: 1,
    rounds: 2,
    skipApi: false,
    statsProducts: -1,
    observationRetention: '30d',
    explain: false,
    keep: false,
  };
  const int = (v: string | undefined, name: string, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`${name}: a whole number of at least ${min}\n${USAGE}`);
      process.exit(1);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--products':
        args.products = int(argv[++i], a);
        break;
      case '--baseline':
        args.baseline = int(argv[++i], a);
        break;
      case '--days':
        args.days = int(argv[++i], a, 2);
        break;
      case '--db':
        args.db = (argv[++i] ?? '').split(',') as Args['db'];
        if (args.db.some(d => d !== 'sqlite' && d !== 'postgres')) {
          console.error(`--db: sqlite and/or postgres\n${USAGE}`);
          process.exit(1);
        }
        break;
      case '--pg':
        args.pg = argv[++i] ?? '';
        break;
      case '--concurrency':
        args.concurrency = int(argv[++i], a);
        break;
      case '--scale':
        args.scale = Number(argv[++i]);
        break;
      case '--rounds':
        args.rounds = int(argv[++i], a);
        break;
      case '--skip-api':
        args.skipApi = true;
        break;
      case '--stats-products':
        args.statsProducts = int(argv[++i], a, 0);
        break;
      case '--observation-retention':
        args.observationRetention = argv[++i] ?? '';
        break;
      case '--explain':
        args.explain = true;
        break;
      case '--cpu-profile':
        args.cpuProfile = argv[++i];
        break;
      case '--keep':
        args.keep = true;
        break;
      default:
        console.error(USAGE);
        process.exit(a === '--help' ? 0 : 1);
    }
  }
  if (args.statsProducts < 0) args.statsProducts = args.products;
  if (args.baseline > args.products) {
    console.error(`--baseline must not exceed --products\n${USAGE}`);
    process.exit(1);
  }
  return args;
}
