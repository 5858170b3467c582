import type { Entity } from '@backstage/catalog-model';
import { OutputPortDirectory } from './OutputPortDirectory';

function product(name: string, ports: string[]): Entity {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name },
    spec: { outputPorts: ports.map(p => ({ name: p, json: '{}' })) },
  };
}

describe('OutputPortDirectory', () => {
  let clock = 0;
  let asked: string[][];
  const catalog = new Map<string, Entity>([
    ['dataproduct:default/admissions', product('admissions', ['sql'])],
    ['dataproduct:default/patients', product('patients', ['jdbc', 'api'])],
  ]);
  const directory = (
    options: { maxAgeMs?: number; maxEntries?: number } = {},
  ) =>
    new OutputPortDirectory({
      lookup: async refs => {
        asked.push(refs);
        return new Map(refs.map(r => [r, catalog.get(r)]));
      },
      now: () => clock,
      ...options,
    });

  beforeEach(() => {
    clock = 1_000_000;
    asked = [];
  });

  it('answers remembered products without the catalog and asks it once for the rest', async () => {
    const ports = directory();
    ports.remember('dataproduct:default/admissions', ['sql', 'files']);
    const found = await ports.portsOf([
      'dataproduct:default/admissions',
      'dataproduct:default/patients',
      'dataproduct:default/lab',
    ]);
    expect(asked).toEqual([
      ['dataproduct:default/patients', 'dataproduct:default/lab'],
    ]);
    // what was accepted here wins over the catalog's (older) stitched copy
    expect(found.get('dataproduct:default/admissions')).toEqual([
      'sql',
      'files',
    ]);
    // catalog form: port names are read from `name`
    expect(found.get('dataproduct:default/patients')).toEqual(['jdbc', 'api']);
    expect(found.get('dataproduct:default/lab')).toBeUndefined();

    // looked-up products are remembered; absent ones are asked again
    await ports.portsOf([
      'dataproduct:default/patients',
      'dataproduct:default/lab',
    ]);
    expect(asked[1]).toEqual(['dataproduct:default/lab']);
  });

  it('asks the catalog again once a remembered product is older than the maximum age', async () => {
    const ports = directory({ maxAgeMs: 60_000 });
    ports.remember('dataproduct:default/admissions', ['old-port']);
    clock += 60_000;
    expect(
      (await ports.portsOf(['dataproduct:default/admissions'])).get(
        'dataproduct:default/admissions',
      ),
    ).toEqual(['old-port']);
    expect(asked).toEqual([]);
    clock += 1;
    expect(
      (await ports.portsOf(['dataproduct:default/admissions'])).get(
        'dataproduct:default/admissions',
      ),
    ).toEqual(['sql']);
    expect(asked).toEqual([['dataproduct:default/admissions']]);
  });

  it('forgets the longest-unwritten product beyond the maximum number', async () => {
    const ports = directory({ maxEntries: 2 });
    ports.remember('dataproduct:default/a', ['x']);
    ports.remember('dataproduct:default/b', ['x']);
    ports.remember('dataproduct:default/a', ['y']); // written again: now the newest
    ports.remember('dataproduct:default/c', ['x']);
    await ports.portsOf([
      'dataproduct:default/a',
      'dataproduct:default/b',
      'dataproduct:default/c',
    ]);
    expect(asked).toEqual([['dataproduct:default/b']]);
  });
});
