/*
 * Test helpers: run the real `datamesh` command (bin/datamesh, through the
 * node transform) as a child process and capture what it prints.
 */
import { execFile } from 'node:child_process';
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
