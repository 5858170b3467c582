/*
 * `datamesh diff` and `datamesh check`, run as the real command on the
 * breaking-change fixtures of data-mesh-common, with a real temporary git
 * repository for `--against <git-ref>`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lines, makeTempDir, REPO_ROOT, runDatamesh } from './testUtils';

jest.setTimeout(120_000);

const FIXTURES = path.join(
  REPO_ROOT,
  'plugins/data-mesh-common/src/changes/__fixtures__',
);
const fixture = (version: string, file: string) =>
  fs.readFileSync(path.join(FIXTURES, version, file), 'utf8');
const withVersion = (text: string, from: string, to: string) => {
  expect(text).toContain(from);
  return text.replace(from, to);
};

describe('datamesh diff', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('prints every change of an OAM spec located and explained, and exits 0', async () => {
    tmp.write(
      'old/data_product_spec.yml',
      fixture('v1', 'data_product_spec.yml'),
    );
    tmp.write(
      'new/data_product_spec.yml',
      fixture('v2-breaking', 'data_product_spec.yml'),
    );
    const run = await runDatamesh(
      ['diff', 'old/data_product_spec.yml', 'new/data_product_spec.yml'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain(
      "old/data_product_spec.yml:39: breaking column-removed: column 'visits.beds' was removed: consumers selecting it fail",
    );
    expect(out).toContain(
      "new/data_product_spec.yml:39: breaking column-type-incompatible: column 'visits.ward' changed type from varchar(20) to int, which does not hold every value of the old type: consumers' queries, casts and parsers can fail",
    );
    expect(out[out.length - 1]).toBe(
      '9 breaking, 0 non-breaking, 1 info; 9 breaking changes need a major version bump: 1.2.0 → 1.3.0 keeps major version 1; write 2.0.0',
    );
  });

  it('writes JSON with the changes and the version verdict', async () => {
    tmp.write('old/v.entity.yaml', fixture('v1', 'visits.entity.yaml'));
    tmp.write(
      'new/v.entity.yaml',
      fixture('v2-additive', 'visits.entity.yaml'),
    );
    const run = await runDatamesh(
      ['diff', 'old/v.entity.yaml', 'new/v.entity.yaml', '--format', 'json'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.before.version).toBe('1.2.0');
    expect(json.version.ok).toBe(true);
    expect(json.changes).toContainEqual({
      kind: 'non-breaking',
      code: 'column-type-widened',
      path: 'datasets.visits.columns.beds.type',
      message: "column 'visits.beds' widened from int to bigint",
      location: { file: 'new/v.entity.yaml', line: 28, column: 17 },
    });
  });
});

describe('datamesh check --against <file>', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('exits 1 for a breaking change without a major bump, 0 with one', async () => {
    tmp.write('old.entity.yaml', fixture('v1', 'visits.entity.yaml'));
    const breaking = fixture('v2-breaking', 'visits.entity.yaml');
    tmp.write('new.entity.yaml', breaking);
    const failed = await runDatamesh(
      ['check', 'new.entity.yaml', '--against', 'old.entity.yaml'],
      { cwd: tmp.dir },
    );
    expect(failed.code).toBe(1);
    expect(lines(failed.stdout).find(l => l.startsWith('changes:'))).toBe(
      'changes: FAILED: 9 breaking, 0 non-breaking, 1 info against old.entity.yaml; 9 breaking changes need a major version bump: 1.2.0 → 1.3.0 keeps major version 1; write 2.0.0',
    );

    tmp.write('new.entity.yaml', withVersion(breaking, '1.3.0', '2.0.0'));
    const bumped = await runDatamesh(
      [
        'check',
        'new.entity.yaml',
        '--against',
        'old.entity.yaml',
        '--format',
        'github',
      ],
      { cwd: tmp.dir },
    );
    expect(bumped.code).toBe(0);
    const out = lines(bumped.stdout);
    // breaking with a bump: warnings; other changes: notices
    expect(out).toContain(
      "::warning file=new.entity.yaml,line=25,title=column-pii-added::column 'visits.patient_name' is now personal data (PII): consumers must protect it from now on, and may not be allowed to hold it at all",
    );
    expect(out).toContain(
      '::notice file=new.entity.yaml,line=5,title=description-changed::the description changed',
    );
    expect(out.filter(l => l.startsWith('::error'))).toEqual([]);
  });

  it('exits 1 for an invalid spec and for a version that is not semver', async () => {
    tmp.write('old.entity.yaml', fixture('v1', 'visits.entity.yaml'));
    tmp.write(
      'bad.entity.yaml',
      'apiVersion: datamesh.dev/v1alpha1\nkind: DataProduct\n',
    );
    const invalid = await runDatamesh(
      [
        'check',
        'bad.entity.yaml',
        '--against',
        'old.entity.yaml',
        '--format',
        'github',
      ],
      { cwd: tmp.dir },
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(
      /^::error file=bad\.entity\.yaml,.*title=invalid spec::/m,
    );

    // an invalid earlier version does not block the change that repairs it
    const repaired = await runDatamesh(
      ['check', 'old.entity.yaml', '--against', 'bad.entity.yaml'],
      { cwd: tmp.dir },
    );
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(
      'changes: ok: the spec at bad.entity.yaml is not valid, so there is nothing to classify against',
    );

    tmp.write(
      'latest.entity.yaml',
      withVersion(
        fixture('v2-breaking', 'visits.entity.yaml'),
        '1.3.0',
        'latest',
      ),
    );
    const notSemver = await runDatamesh(
      ['check', 'latest.entity.yaml', '--against', 'old.entity.yaml'],
      { cwd: tmp.dir },
    );
    expect(notSemver.code).toBe(1);
    expect(notSemver.stdout).toContain(
      "the new version 'latest' is not a semantic version; write MAJOR.MINOR.PATCH, e.g. 1.0.0 or 2.1.3",
    );
  });
});

describe('datamesh check --against <git-ref>', () => {
  const tmp = makeTempDir();
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: tmp.dir, encoding: 'utf8' });
  const writeVersion = (version: string) => {
    tmp.write('product/visits.odps.yaml', fixture(version, 'visits.odps.yaml'));
    tmp.write('product/visits.odcs.yaml', fixture(version, 'visits.odcs.yaml'));
  };
  beforeAll(() => {
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'Test');
    writeVersion('v1');
    git('add', '.');
    git('commit', '-q', '-m', 'v1');
  });
  afterAll(() => tmp.cleanup());

  it('reads the ODPS product and its contract at the ref and gates the change', async () => {
    writeVersion('v2-breaking');
    const run = await runDatamesh(
      ['check', 'visits.odps.yaml', '--against', 'main', '--format', 'github'],
      { cwd: path.join(tmp.dir, 'product') },
    );
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    // a removal is located in the old version, which GitHub cannot show:
    // the annotation goes on the spec and says where it was
    expect(out).toContain(
      "::error file=visits.odps.yaml,title=column-removed::column 'visits.beds' was removed: consumers selecting it fail (was at main:visits.odcs.yaml:25)",
    );
    expect(out).toContain(
      "::error file=visits.odcs.yaml,line=26,title=column-type-incompatible::column 'visits.ward' changed type from varchar(20) to int, which does not hold every value of the old type: consumers' queries, casts and parsers can fail",
    );
  });

  it('passes a breaking change with a major bump, and a product new at the ref', async () => {
    writeVersion('v2-breaking');
    const product = path.join(tmp.dir, 'product/visits.odps.yaml');
    fs.writeFileSync(
      product,
      withVersion(
        fs.readFileSync(product, 'utf8'),
        'version: 1.3.0',
        'version: 2.0.0',
      ),
    );
    const bumped = await runDatamesh(
      ['check', 'product/visits.odps.yaml', '--against', 'HEAD'],
      { cwd: tmp.dir },
    );
    expect(bumped.code).toBe(0);
    expect(lines(bumped.stdout).find(l => l.startsWith('changes:'))).toBe(
      'changes: ok: 9 breaking, 0 non-breaking, 1 info against HEAD; 9 breaking changes with a major version bump (1.2.0 → 2.0.0)',
    );

    tmp.write(
      'other/data_product_spec.yml',
      fixture('v1', 'data_product_spec.yml'),
    );
    const fresh = await runDatamesh(
      ['check', 'other/data_product_spec.yml', '--against', 'HEAD'],
      { cwd: tmp.dir },
    );
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain(
      'no earlier version at HEAD: nothing to compare',
    );
  });

  it('says so when the ref does not exist', async () => {
    const run = await runDatamesh(
      ['check', 'product/visits.odps.yaml', '--against', 'no-such-branch'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "'no-such-branch' is neither a file nor a git commit or branch",
    );
  });
});
