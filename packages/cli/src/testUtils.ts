/*
 * Test helpers: run the real `datamesh` command (bin/datamesh, through the
 * node transform) as a child process and capture what it prints.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Tests run from the sources, so __dirname is src/ of this package.
/* eslint-disable-next-line no-restricted-syntax */
export const CLI_BIN = path.resolve(__dirname, '../bin/datamesh');
/* eslint-disable-next-line no-restricted-syntax */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `datamesh ...args` in `cwd`. */
export function runDatamesh(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; bin?: string },
): Promise<CliRun> {
  // Jest runs with NODE_OPTIONS=--experimental-vm-modules; the child must
  // not inherit it, or node's warning about it would land on stderr.
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [options.bin ?? CLI_BIN, ...args],
      {
        cwd: options.cwd,
        env: { ...env, ...options.env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        // execFile reports a non-zero exit as an error whose code is the exit code
        let code = 0;
        if (error) {
          const exit = (error as { code?: unknown }).code;
          code = typeof exit === 'number' ? exit : -1;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix = 'datamesh-cli-'): {
  dir: string;
  write(file: string, text: string): string;
  cleanup(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(file, text) {
      const full = path.join(dir, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      return full;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stderr lines that are not empty. */
export function lines(text: string): string[] {
  return text.split('\n').filter(l => l.trim() !== '');
}

/** A request the stand-in portal received. */
export interface SeenReport {
  method: string;
  url: string;
  auth?: string;
  body: any;
}

/**
 * A node:http server on loopback standing in for the portal's data-mesh
 * backend (whose report route has its own tests): it keeps what it is sent
 * and answers with `reply(sent)`. `base` is the plugin's API
 * (`…/api/data-mesh`), `origin` the portal's.
 */
export async function startStandInPortal(
  reply: (sent: SeenReport) => { status: number; body: unknown },
): Promise<{
  origin: string;
  base: string;
  seen: SeenReport[];
  close(): Promise<void>;
}> {
  const seen: SeenReport[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const sent = {
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        body: JSON.parse(raw || '{}'),
      };
      seen.push(sent);
      const { status, body } = reply(sent);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    base: `${origin}/api/data-mesh`,
    seen,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

// the stand-in portal's claims so far, for their ids
let claimsGiven = 0;

/**
 * The portal's answer to a report it recorded, as the real route gives it;
 * to a sandbox's claim: taken (`claim-<n>`), kept, ended.
 */
export function recorded(sent: SeenReport) {
  if (sent.url.includes('/sandbox-claims')) {
    if (sent.method !== 'POST') return { status: 204, body: undefined };
    claimsGiven += 1;
    return {
      status: 201,
      body: {
        id: `claim-${claimsGiven}`,
        entityRef: `dataproduct:default/${sent.url.split('/')[5]}`,
        branch: sent.body.branch,
        change: sent.body.change,
        by: 'service:external:ci',
        since: '2026-12-06T10:00:00.000Z',
        refreshWithinSeconds: 30,
      },
    };
  }
  return {
    status: 201,
    body: {
      entityRef: `dataproduct:default/${sent.url.split('/')[5]}`,
      action: sent.body.action,
      at: '2026-12-06T10:00:00.000Z',
      actor: 'service:external:ci',
    },
  };
}
