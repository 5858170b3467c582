/*
 * Concurrent HTTP load on loopback, from a worker thread: the client gets
 * its own event loop, so the server's event loop in the main thread only
 * serves requests. Each request's latency is measured from sending it to
 * the last byte of the answer; answers are checked (status 200 and the
 * expected shape) after the clock stopped.
 */
import { Worker } from 'node:worker_threads';

export interface Expectation {
  /** Product answer: number of objectives, each with a computed SLI and history. */
  objectives?: number;
  /** Fleet answer: `total`. */
  total?: number;
}

export interface LoadOptions {
  baseUrl: string;
  /** Paths (with query) and what their answer must hold; each request picks one at random. */
  paths: [string, Expectation][];
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  authorization: string;
  seed: number;
}

export interface LoadResult {
  latencies: number[];
  errors: string[];
  wallMs: number;
  bytes: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { baseUrl, paths, concurrency, maxRequests, maxMs, authorization, seed } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let a = seed >>> 0;
const rnd = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const latencies = [];
const errors = [];
let started = 0;
let bytes = 0;
const t0 = performance.now();

function once(path) {
  return new Promise(resolve => {
    const s = performance.now();
    const req = http.get(baseUrl + path, { agent, headers: { authorization } }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - s, body: Buffer.concat(chunks) }));
      res.on('error', error => resolve({ error }));
    });
    req.on('error', error => resolve({ error }));
  });
}

function validate(path, expect, body) {
  if (expect.objectives !== undefined) {
    if (!Array.isArray(body.objectives) || body.objectives.length !== expect.objectives)
      return path + ': ' + (body.objectives || []).length + ' objectives, expected ' + expect.objectives;
    for (const o of body.objectives) {
      if (o.sli === null || !Array.isArray(o.history) || o.history.length === 0)
        return path + ': objective ' + o.name + ' has no SLI or no history';
    }
  }
  if (expect.total !== undefined && body.total !== expect.total)
    return path + ': total ' + body.total + ', expected ' + expect.total;
  return undefined;
}

async function slot() {
  while (started < maxRequests && performance.now() - t0 < maxMs) {
    started++;
    const [path, expect] = paths[Math.floor(rnd() * paths.length)];
    const r = await once(path);
    if (r.error) { errors.push(path + ': ' + String(r.error)); continue; }
    if (r.status !== 200) { errors.push(path + ': HTTP ' + r.status + ' ' + r.body.toString().slice(0, 300)); continue; }
    bytes += r.body.length;
    latencies.push(r.ms);
    let problem;
    try { problem = validate(path, expect, JSON.parse(r.body.toString())); } catch (e) { problem = path + ': ' + e; }
    if (problem) errors.push(problem);
  }
}

Promise.all(Array.from({ length: concurrency }, slot)).then(() => {
  agent.destroy();
  parentPort.postMessage({ latencies, errors, wallMs: performance.now() - t0, bytes });
});
`;

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: options });
    worker.once('message', m => {
      resolve(m as LoadResult);
      worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  return s[
    Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  ];
}
