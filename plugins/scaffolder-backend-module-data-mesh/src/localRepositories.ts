/*
 * Local git repositories: the embedded default's stand-in for a git host.
 * A product's repository is an ordinary (non-bare) git repository in a
 * configured directory, made with the `git` CLI, so `git clone <path>`
 * works and the catalog can read its files (LocalRepositoriesUrlReader).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { isWithin, printable, repositoryNameProblem } from './paths';

const run = promisify(execFile);

/** Default of `dataMesh.scaffolder.localRepositories.directory`, relative to the backend's working directory. @public */
export const DEFAULT_LOCAL_REPOSITORIES_DIRECTORY = '.data/repos';

/** @public */
export interface LocalRepositoriesConfig {
  /** Absolute directory holding one repository per product. */
  directory: string;
}

/** Reads `dataMesh.scaffolder.localRepositories`. @public */
export function readLocalRepositoriesConfig(
  config: Config,
): LocalRepositoriesConfig {
  return {
    directory: path.resolve(
      config.getOptionalString(
        'dataMesh.scaffolder.localRepositories.directory',
      ) ?? DEFAULT_LOCAL_REPOSITORIES_DIRECTORY,
    ),
  };
}

const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/** Why a branch name is refused (git's rules, narrowed to what is plainly safe), or undefined. */
export function branchNameProblem(branch: string): string | undefined {
  if (
    !BRANCH.test(branch) ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock')
  ) {
    return `'${printable(
      branch,
    )}' is not an acceptable branch name: letters, digits, '.', '_', '/' and '-', starting with a letter or digit`;
  }
  return undefined;
}

/** Text that goes to git as one argument: no NUL (execFile refuses it), no line breaks in names. */
function checkText(value: string, what: string, multiline = false) {
  // eslint-disable-next-line no-control-regex
  const bad = multiline ? /[\u0000]/ : /[\u0000-\u001f\u007f]/;
  if (bad.test(value))
    throw new InputError(`${what} contains control characters`);
  if (value.length > 2000) throw new InputError(`${what} is too long`);
}

/** @public */
export interface PublishLocalOptions {
  /** Directory of repositories (absolute). */
  directory: string;
  /** One path segment; the repository's directory name. */
  repoName: string;
  /** Directory whose content becomes the first commit. */
  sourceDir: string;
  defaultBranch?: string;
  commitMessage?: string;
  description?: string;
  author?: { name?: string; email?: string };
}

/** @public */
export interface PublishLocalResult {
  /** Absolute path of the repository (what `git clone` takes). */
  path: string;
  commitHash: string;
  branch: string;
}

/** Where `repoName` lives, after the name is checked. @public */
export function localRepositoryPath(directory: string, repoName: string) {
  const problem = repositoryNameProblem(repoName);
  if (problem)
    throw new InputError(`repoName '${printable(repoName)}' ${problem}`);
  const target = path.join(directory, repoName);
  if (!isWithin(directory, target) || path.dirname(target) !== directory) {
    throw new InputError(
      `repoName '${printable(repoName)}' is outside ${directory}`,
    );
  }
  return target;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, {
      cwd,
      // no user or system config (hooks, signing, templates) of the host
      env: {
        PATH: process.env.PATH,
        HOME: cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        LANG: 'C',
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `git ${args[0]} failed: ${(err.stderr || err.message).trim()}`,
    );
  }
}

/**
 * Make `sourceDir`'s content the first commit of a new repository
 * `<directory>/<repoName>`. Built in a temporary sibling directory and
 * renamed into place, so a failure leaves no half repository and an
 * existing repository is never overwritten.
 * @public
 */
export async function publishLocalRepository(
  options: PublishLocalOptions,
): Promise<PublishLocalResult> {
  const directory = path.resolve(options.directory);
  const target = localRepositoryPath(directory, options.repoName);
  const branch = options.defaultBranch ?? 'main';
  const branchProblem = branchNameProblem(branch);
  if (branchProblem) throw new InputError(`defaultBranch ${branchProblem}`);
  const message = options.commitMessage ?? 'Initial commit';
  checkText(message, 'commitMessage', true);
  const authorName = options.author?.name ?? 'Backstage Scaffolder';
  const authorEmail = options.author?.email ?? 'scaffolder@backstage.local';
  checkText(authorName, 'author name');
  checkText(authorEmail, 'author email');
  if (options.description !== undefined)
    checkText(options.description, 'description', true);

  await fs.mkdir(directory, { recursive: true });
  if (await exists(target)) {
    throw new ConflictError(
      `a repository named '${options.repoName}' exists already in ${directory}`,
    );
  }
  const staging = await fs.mkdtemp(
    path.join(directory, `.${options.repoName}.tmp-`),
  );
  try {
    await fs.cp(options.sourceDir, staging, {
      recursive: true,
      // symlinks stay links (git records the link, not what it points at)
      verbatimSymlinks: true,
      filter: src => path.basename(src) !== '.git',
    });
    await git(staging, ['init', '--quiet', `--initial-branch=${branch}`]);
    await git(staging, ['add', '--all']);
    await git(staging, [
      '-c',
      `user.name=${authorName}`,
      '-c',
      `user.email=${authorEmail}`,
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--quiet',
      '--no-verify',
      '-m',
      message,
    ]);
    if (options.description) {
      await fs.writeFile(
        path.join(staging, '.git', 'description'),
        `${options.description}\n`,
      );
    }
    const commitHash = await git(staging, ['rev-parse', 'HEAD']);
    try {
      // rename fails on an existing non-empty directory: a concurrent
      // publish of the same name loses instead of overwriting
      await fs.rename(staging, target);
    } catch (e) {
      throw new ConflictError(
        `a repository named '${options.repoName}' was created meanwhile in ${directory}`,
        e,
      );
    }
    return { path: target, commitHash, branch };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
