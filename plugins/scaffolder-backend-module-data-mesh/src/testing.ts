/*
 * Helpers for this package's tests (not exported): spec texts, a logger
 * that keeps its lines, temporary directories, and a stand-in for the
 * data-mesh backend.
 */
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** An OAM data_product_spec.yml as the template renders it, small. */
export function oamSpec(
  name: string,
  domain: string,
  options: { owner?: string; dataset?: string } = {},
): string {
  return `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: ${JSON.stringify(domain)}
    type: domain
  - name: ${JSON.stringify(name)}
    type: data-product
    properties:
      definition:
        value: Test product ${name}.
      data_product_owner:
        value: ${options.owner ?? 'group:default/data-team'}
      data_product_type:
        value: Source Aligned
      lifecycle:
        value: experimental
  - name: ${options.dataset ?? 'events'}
    type: data-set
    properties:
      description:
        value: Events.
      columns:
        value:
          - name: id
            type: integer
            primary_key: 'Yes'
            classification: internal
  - name: sql
    type: output-port
    properties:
      port_type:
        value: sql
      dataset:
        value: ${options.dataset ?? 'events'}
`;
}

/** A LoggerService that keeps what it is told, for asserting on task logs. */
export function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const logger: any = {};
  for (const level of ['error', 'warn', 'info', 'debug'] as const) {
    logger[level] = (message: string) => lines.push({ level, message });
  }
  logger.child = () => logger;
  return {
    logger,
    lines,
    text: () => lines.map(l => l.message).join('\n'),
  };
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `datamesh-${prefix}-`));
}

/** A workspace holding the given files. */
export function workspaceWith(files: Record<string, string>): string {
  const dir = tempDir('workspace');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** A request the stand-in backend received. */
export interface SeenRequest {
  method: string;
  url: string;
  auth?: string;
  body: any;
}

/**
 * A node:http server on loopback standing in for the data-mesh backend, for
 * actions that call its REST API: it keeps what it receives (`seen`) and
 * answers with `reply(request)`. `base` is what discovery would give for
 * the plugin (`…/api/data-mesh`).
 */
export async function startStandInBackend(
  reply: (request: SeenRequest) => { status: number; body: unknown },
): Promise<{ base: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const request = {
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        body: JSON.parse(raw || '{}'),
      };
      seen.push(request);
      const { status, body } = reply(request);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/data-mesh`,
    seen,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}
