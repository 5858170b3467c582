import { readFileSync } from 'fs';
import { join } from 'path';
import { toOdps } from './export';
import { stringify } from 'yaml';
import {
  type SpecFileIO,
  type SpecFileSyncIO,
  readSpecFiles,
} from './specFiles';
import { isContractFile } from './read';

const fixture = (name: string) =>
  readFileSync(join(__dirname, 'formats', '__fixtures__', name), 'utf8');

/** Files in memory, keyed by path; directories are the part before the last `/`. */
class MemoryFiles implements SpecFileSyncIO {
  readonly calls: string[] = [];
  constructor(private readonly files: Record<string, string>) {}
  readText(file: string): string {
    this.calls.push(`read ${file}`);
    const text = this.files[file];
    if (text === undefined) throw new Error(`${file}: no such file`);
    return text;
  }
  listSiblings(file: string): string[] {
    this.calls.push(`list ${file}`);
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    return Object.keys(this.files).filter(
      f => f.startsWith(dir) && !f.slice(dir.length).includes('/'),
    );
  }
}

/** The same files behind promises, as a URL reader answers. */
function asyncIo(files: MemoryFiles): SpecFileIO {
  return {
    readText: async file => files.readText(file),
    listSiblings: async file => files.listSiblings(file),
  };
}

const PRODUCT = fixture('patient-visits.odps.yaml');
const CONTRACT = fixture('patient-visits.odcs.yaml');
const UPSTREAM = fixture('patients-upstream.odcs.yaml');

describe('readSpecFiles', () => {
  it('reads an ODPS product with the contracts beside it, in name order, answering at once with a synchronous io', () => {
    const files = new MemoryFiles({
      'mesh/visits/visits.odps.yaml': PRODUCT,
      'mesh/visits/visits.odcs.yaml': CONTRACT,
      'mesh/visits/PATIENTS.ODCS.YML': UPSTREAM,
      'mesh/visits/README.md': '# not a contract',
      'mesh/other/other.odcs.yaml': 'not: read',
    });
    const result = readSpecFiles('mesh/visits/visits.odps.yaml', files);
    expect(result.issues.filter(i => i.severity === 'error')).toEqual([]);
    expect(result.format).toBe('odps');
    expect(result.contractFiles).toEqual([
      'mesh/visits/PATIENTS.ODCS.YML',
      'mesh/visits/visits.odcs.yaml',
    ]);
    expect(result.entity?.spec.datasets?.map(d => d.name)).toEqual(['visits']);
    expect(files.calls).toEqual([
      'read mesh/visits/visits.odps.yaml',
      'list mesh/visits/visits.odps.yaml',
      'read mesh/visits/PATIENTS.ODCS.YML',
      'read mesh/visits/visits.odcs.yaml',
    ]);
  });

  it('gives the same result through an asynchronous io', async () => {
    const contents = {
      'a/p.odps.yaml': PRODUCT,
      'a/visits.odcs.yaml': CONTRACT,
      'a/patients.odcs.json': UPSTREAM,
    };
    const sync = readSpecFiles('a/p.odps.yaml', new MemoryFiles(contents));
    const pending = readSpecFiles(
      'a/p.odps.yaml',
      asyncIo(new MemoryFiles(contents)),
    );
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual(sync);
  });

  it('lists nothing for OAM specs and native entities', () => {
    const files = new MemoryFiles({
      'x/data_product_spec.yml': fixture('patients.data_product_spec.yml'),
      'x/stray.odcs.yaml': CONTRACT,
    });
    const result = readSpecFiles('x/data_product_spec.yml', files);
    expect(result.format).toBe('oam');
    expect(result.contractFiles).toEqual([]);
    expect(files.calls).toEqual(['read x/data_product_spec.yml']);
  });

  it('takes the format from the content, not the file name', () => {
    const files = new MemoryFiles({
      'x/data_product_spec.yml': PRODUCT,
      'x/visits.odcs.yaml': CONTRACT,
    });
    const result = readSpecFiles('x/data_product_spec.yml', files);
    expect(result.format).toBe('odps');
    expect(result.contractFiles).toEqual(['x/visits.odcs.yaml']);
  });

  it('reads the contracts that follow the product in its own YAML stream instead of its neighbours', () => {
    const first = readSpecFiles(
      'a/p.odps.yaml',
      new MemoryFiles({ 'a/p.odps.yaml': PRODUCT, 'a/v.odcs.yaml': CONTRACT }),
    );
    const { product, contracts } = toOdps(first.entity!);
    const stream = [product, ...contracts.map(c => c.contract)]
      .map(d => stringify(d))
      .join('---\n');
    const files = new MemoryFiles({
      's/p.odps.yaml': stream,
      's/unrelated.odcs.yaml': 'kind: DataContract',
    });
    const result = readSpecFiles('s/p.odps.yaml', files);
    expect(result.issues.filter(i => i.severity === 'error')).toEqual([]);
    expect(result.contractFiles).toEqual([]);
    expect(result.entity?.spec.datasets).toEqual(first.entity?.spec.datasets);
    expect(files.calls).toEqual(['read s/p.odps.yaml']);
  });

  it('reports a contract that cannot be read as an error of that contract', async () => {
    const files = new MemoryFiles({ 'a/p.odps.yaml': PRODUCT });
    const io: SpecFileSyncIO = {
      readText: f => files.readText(f),
      listSiblings: () => ['a/p.odps.yaml', 'a/gone.odcs.yaml'],
    };
    const expected = {
      entity: undefined,
      contractFiles: [],
      issues: expect.arrayContaining([
        {
          severity: 'error',
          file: 'a/gone.odcs.yaml',
          path: '(document)',
          message:
            'the contract could not be read: a/gone.odcs.yaml: no such file',
        },
      ]),
    };
    expect(readSpecFiles('a/p.odps.yaml', io)).toMatchObject(expected);
    const rejecting: SpecFileIO = {
      readText: async f => files.readText(f),
      listSiblings: async () => io.listSiblings(''),
    };
    expect(await readSpecFiles('a/p.odps.yaml', rejecting)).toMatchObject(
      expected,
    );
  });

  it('throws the io error when the spec file itself cannot be read', async () => {
    const files = new MemoryFiles({});
    expect(() => readSpecFiles('nope.odps.yaml', files)).toThrow(
      'nope.odps.yaml: no such file',
    );
    await expect(
      readSpecFiles('nope.odps.yaml', asyncIo(files)),
    ).rejects.toThrow('nope.odps.yaml: no such file');
  });

  it('passes a given format on', () => {
    const files = new MemoryFiles({
      'a/spec.yaml': PRODUCT,
      'a/c.odcs.yaml': CONTRACT,
    });
    const result = readSpecFiles('a/spec.yaml', files, { format: 'oam' });
    expect(result.format).toBe('oam');
    expect(result.contractFiles).toEqual([]);
  });
});

describe('isContractFile', () => {
  it.each([
    ['visits.odcs.yaml', true],
    ['visits.odcs.yml', true],
    ['visits.odcs.json', true],
    ['VISITS.ODCS.YAML', true],
    ['https://git.example.test/a/visits.odcs.yaml?ref=main', true],
    ['C:\\mesh\\visits.Odcs.Yml', true],
    ['.odcs.yaml', false],
    ['visits.odcs.yaml.bak', false],
    ['visits.odps.yaml', false],
    ['visits.yaml', false],
  ])('%s → %s', (name, expected) => {
    expect(isContractFile(name)).toBe(expected);
  });
});
