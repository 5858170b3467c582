/*
 * --cpu-profile: a V8 CPU profile of the server while one endpoint is measured,
 * written to a file and summarised as the top functions by self time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';
import { log } from './report';

/** Profile `fn` on the main thread (the server; the client runs in a worker). */
export async function withCpuProfile<T>(
  file: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!file) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (e, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    // self time per function, top 20
    const self = new Map<string, number>();
    let total = 0;
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    profile.samples.forEach((id: number, i: number) => {
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      total += dt;
      const f = byId.get(id).callFrame;
      const where = f.url
        ? `${f.url
            .replace(/^.*node_modules\//, '')
            .replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}`
        : '';
      const key = `${f.functionName || '(anonymous)'} ${where}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
    log(
      `    CPU profile ${file}: ${Math.round(
        total,
      )} ms sampled; top self time:`,
    );
    for (const [k, v] of [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)) {
      log(`      ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
    }
  }
}
