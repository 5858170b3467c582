/*
 * Paths that come from template input. A template author — or a user filling
 * a form whose values reach an input — can write anything there, so every
 * path is checked as text before it is joined to a directory, and again
 * after symlinks are resolved, before anything is read or written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';

/**
 * A relative path inside a base directory (the task workspace). Rejects
 * empty strings, NUL bytes, backslashes, absolute paths and any `..`
 * segment: a path that needs `..` to stay inside is not worth the risk.
 * @returns the absolute path
 */
export function resolveInside(
  base: string,
  relative: string,
  what: string,
): string {
  const problem = relativePathProblem(relative);
  if (problem)
    throw new InputError(`${what} '${printable(relative)}' ${problem}`);
  const target = path.resolve(base, relative);
  if (!isWithin(base, target)) {
    throw new InputError(`${what} '${printable(relative)}' is outside ${base}`);
  }
  return target;
}

/** Why a relative path from input is refused, or undefined. */
export function relativePathProblem(relative: string): string | undefined {
  if (typeof relative !== 'string' || relative.length === 0) return 'is empty';
  if (relative.includes('\0')) return 'contains a NUL byte';
  if (relative.includes('\\')) return 'contains a backslash';
  if (path.isAbsolute(relative) || /^[A-Za-z]:/.test(relative))
    return 'is absolute; give a path relative to the workspace';
  if (relative.split('/').includes('..'))
    return "contains '..'; give a path inside the workspace";
  return undefined;
}

/** True when `target` is `base` or inside it (textually). */
export function isWithin(base: string, target: string): boolean {
  const rel = path.relative(path.resolve(base), path.resolve(target));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Like {@link isWithin}, after resolving symlinks of both (the target must
 * exist): a symlink inside the workspace may point anywhere.
 */
export function isReallyWithin(base: string, target: string): boolean {
  try {
    return isWithin(fs.realpathSync(base), fs.realpathSync(target));
  } catch {
    return false;
  }
}

/** For messages: control characters would let input forge log lines. */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, c =>
    c === '\0' ? '\\0' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Repository names: one path segment of safe characters, as git hosts accept them. */
export const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why a repository name is refused, or undefined. */
export function repositoryNameProblem(name: string): string | undefined {
  if (!REPOSITORY_NAME.test(name))
    return 'must be 1-100 characters of letters, digits, ".", "_" and "-", starting with a letter or digit';
  if (name.includes('..')) return "must not contain '..'";
  if (name.toLowerCase().endsWith('.git')) return "must not end in '.git'";
  return undefined;
}
