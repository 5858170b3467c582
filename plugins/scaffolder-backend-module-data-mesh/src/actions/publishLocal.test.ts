import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { recordingLogger, tempDir, workspaceWith } from '../testing';
import { createPublishLocalAction } from './publishLocal';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('datamesh:publish:local', () => {
  let directory: string;
  beforeEach(() => {
    // a directory that does not exist yet: the action creates it
    directory = path.join(tempDir('repos'), 'repos');
  });

  function run(
    workspacePath: string,
    input: Record<string, any>,
    extra: Partial<ActionContext<any, any>> = {},
  ) {
    const outputs: Record<string, any> = {};
    const log = recordingLogger();
    const ctx = {
      ...createMockActionContext({ workspacePath, input, logger: log.logger }),
      output: (k: string, v: unknown) => {
        outputs[k] = v;
      },
      ...extra,
    } as ActionContext<any, any>;
    return {
      outputs,
      log,
      done: createPublishLocalAction({ repositories: { directory } }).handler(
        ctx,
      ),
    };
  }

  it('makes the workspace the first commit of a git repository in the configured directory', async () => {
    const ws = workspaceWith({
      'catalog-info.yaml': 'kind: Location\n',
      'data_product_spec.yml': 'kind: DataProduct\n',
      'dbt/models/stg.sql': 'select 1\n',
      '.gitignore': 'target/\n',
      'target/compiled.sql': 'ignored\n',
    });
    // a workspace that is itself a git checkout does not leak its history
    fs.mkdirSync(path.join(ws, '.git'));
    fs.writeFileSync(path.join(ws, '.git', 'HEAD'), 'ref: refs/heads/evil\n');

    const { outputs, done } = run(ws, {
      repoName: 'patient-visits',
      description: 'Visits',
      gitCommitMessage: 'Scaffold patient-visits',
      gitAuthorName: 'Ada Lovelace',
      gitAuthorEmail: 'ada@example.com',
    });
    await done;

    const repo = path.join(directory, 'patient-visits');
    expect(outputs.remoteUrl).toBe(`file://${repo}`);
    expect(outputs.path).toBe(repo);
    expect(outputs.repoContentsUrl).toBe(`file://${repo}/`);
    expect(fileURLToPath(outputs.catalogInfoUrl)).toBe(
      path.join(repo, 'catalog-info.yaml'),
    );
    expect(outputs.defaultBranch).toBe('main');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(outputs.commitHash);
    expect(git(repo, 'branch', '--show-current')).toBe('main');
    expect(git(repo, 'log', '--format=%an <%ae>|%s')).toBe(
      'Ada Lovelace <ada@example.com>|Scaffold patient-visits',
    );
    expect(git(repo, 'ls-files').split('\n')).toEqual([
      '.gitignore',
      'catalog-info.yaml',
      'data_product_spec.yml',
      'dbt/models/stg.sql',
    ]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(
      fs.readFileSync(path.join(repo, '.git', 'description'), 'utf8'),
    ).toBe('Visits\n');
    // a clone of the remoteUrl has the content
    const clone = path.join(tempDir('clone'), 'c');
    execFileSync('git', ['clone', '--quiet', outputs.remoteUrl, clone]);
    expect(
      fs.readFileSync(path.join(clone, 'data_product_spec.yml'), 'utf8'),
    ).toBe('kind: DataProduct\n');
    // nothing but the repository was left in the directory
    expect(fs.readdirSync(directory)).toEqual(['patient-visits']);
  });

  it('never overwrites an existing repository', async () => {
    const ws = workspaceWith({ 'catalog-info.yaml': 'a\n' });
    await run(ws, { repoName: 'orders' }).done;
    const first = git(path.join(directory, 'orders'), 'rev-parse', 'HEAD');
    const other = workspaceWith({ 'catalog-info.yaml': 'b\n' });
    await expect(run(other, { repoName: 'orders' }).done).rejects.toThrow(
      /a repository named 'orders' exists already/,
    );
    expect(git(path.join(directory, 'orders'), 'rev-parse', 'HEAD')).toBe(
      first,
    );
    expect(fs.readdirSync(directory)).toEqual(['orders']);
  });

  it('returns the first attempt’s repository when a retried task reaches the checkpoint again', async () => {
    const stored: Record<string, any> = {};
    const checkpoint = async ({ key, fn }: { key: string; fn: () => any }) =>
      key in stored ? stored[key] : (stored[key] = await fn());
    const ws = workspaceWith({ 'catalog-info.yaml': 'a\n' });
    const first = run(ws, { repoName: 'orders' }, { checkpoint } as any);
    await first.done;
    const retry = run(ws, { repoName: 'orders' }, { checkpoint } as any);
    await retry.done;
    expect(retry.outputs.commitHash).toBe(first.outputs.commitHash);
    expect(Object.keys(stored)).toEqual(['publish.local.orders']);
  });

  it('publishes a sub-directory and points catalogInfoUrl at the given catalog file', async () => {
    const ws = workspaceWith({
      'repo/meta/catalog.yaml': 'x\n',
      'outside.txt': 'not published\n',
    });
    const { outputs, done } = run(ws, {
      repoName: 'sub',
      sourcePath: 'repo',
      catalogInfoPath: '/meta/catalog.yaml',
      defaultBranch: 'trunk',
    });
    await done;
    const repo = path.join(directory, 'sub');
    expect(git(repo, 'ls-files')).toBe('meta/catalog.yaml');
    expect(git(repo, 'branch', '--show-current')).toBe('trunk');
    expect(fileURLToPath(outputs.catalogInfoUrl)).toBe(
      path.join(repo, 'meta', 'catalog.yaml'),
    );
  });
});
