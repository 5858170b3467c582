/*
 * Summarises a V8 .cpuprofile written by `run.ts --cpu-profile DIR`: where
 * the main thread spent the measured interval, by package (self time) and
 * for the functions that matter to this benchmark (inclusive time).
 *
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs \
 *     bench/catalog-ingest/profile-summary.ts FILE.cpuprofile [FUNCTION ...]
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Functions whose inclusive time tells where ingestion goes. */
const DEFAULT_FUNCTIONS = [
  // the module
  'readLocation',
  'emitSpec',
  'readDataProductSpec',
  'readOam',
  'readOdps',
  'readEntity',
  'validateDataProductEntity',
  'postProcessEntity',
  'verifyUpstreamPorts',
  'validateEntityKind',
  // the catalog
  'process',
  'updateProcessedEntity',
  'performStitching',
  'buildEntitySearch',
  'getProcessableEntities',
  'parseEntityYaml',
  'stableStringify',
];

function packageOf(url: string): string {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = url.match(/\/(plugins|packages|bench)\/([^/]+)\/(?:src\/)?(.*)$/);
  if (m) return `${m[1]}/${m[2]}/${m[3]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

function main() {
  const [file, ...wanted] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary.ts FILE.cpuprofile [FUNCTION ...]');
    process.exit(2);
  }
  const functions = wanted.length ? wanted : DEFAULT_FUNCTIONS;
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes)
    for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  // The project's own share: samples with a frame of this repository's
  // plugins on the stack (with the libraries they call, e.g. YAML, schema
  // checks, zlib), by the outermost such frame's file — what the data mesh
  // modules cost, whichever catalog step called them.
  const ours = new Map<string, number>();
  let oursTotal = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // ms
    total += dt;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    const key =
      name === '(idle)' ||
      name === '(garbage collector)' ||
      name === '(program)'
        ? name
        : packageOf(node.callFrame.url);
    self.set(key, (self.get(key) ?? 0) + dt);
    const onStack = new Set<string>();
    let outermost: string | undefined;
    for (
      let cur: number | undefined = id;
      cur !== undefined;
      cur = parent.get(cur)
    ) {
      const frame = byId.get(cur)!.callFrame;
      if (functions.includes(frame.functionName))
        onStack.add(frame.functionName);
      const where = packageOf(frame.url);
      if (where.startsWith('plugins/')) outermost = where;
    }
    for (const fn of onStack) inclusive.set(fn, (inclusive.get(fn) ?? 0) + dt);
    if (outermost) {
      oursTotal += dt;
      ours.set(outermost, (ours.get(outermost) ?? 0) + dt);
    }
  });

  const pct = (ms: number) =>
    `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2).padStart(7)} s`;
  console.log(`${file}: ${fmt(total)} sampled`);
  console.log('\nself time by package / file (top 25):');
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${fmt(ms)} ${pct(ms)}  ${k}`);
  }
  console.log(
    `\nwith a frame of this repository's plugins on the stack: ${fmt(
      oursTotal,
    )} ${pct(oursTotal)}, by the outermost one (top 12):`,
  );
  for (const [k, ms] of [...ours].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${fmt(ms)} ${pct(ms)}  ${k}`);
  }
  console.log('\ninclusive time of selected functions (any file):');
  for (const fn of functions) {
    const ms = inclusive.get(fn) ?? 0;
    console.log(`  ${fmt(ms)} ${pct(ms)}  ${fn}`);
  }
}

main();
