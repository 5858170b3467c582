import { readFileSync, readdirSync } from 'fs';
import { dirname, join } from 'path';
import { readSpecFiles } from '../specFiles';
import { toCatalogForm } from '../catalogForm';
import { stringify } from 'yaml';
import { readDataProductSpec } from '../read';
import { toOamSpec, toOdps } from '../export';
import type { DataProductEntityV1alpha1, QualityCheck } from '../model';
import {
  classifyChanges,
  specLocator,
  specVersion,
  versionBumpRequired,
} from './index';

const FIXTURES = join(__dirname, '__fixtures__');
const disk = {
  readText: (file: string) => readFileSync(file, 'utf8'),
  listSiblings: (file: string) =>
    readdirSync(dirname(file)).map(name => join(dirname(file), name)),
};
const FORMATS = {
  entity: 'visits.entity.yaml',
  oam: 'data_product_spec.yml',
  odps: 'visits.odps.yaml',
};

function read(version: string, format: keyof typeof FORMATS) {
  const file = join(FIXTURES, version, FORMATS[format]);
  const result = readSpecFiles(file, disk);
  expect(result.issues.filter(i => i.severity === 'error')).toEqual([]);
  const entity = result.entity!;
  const locate = specLocator(
    entity,
    { text: disk.readText(file), file },
    result.contractFiles.map(c => ({ text: disk.readText(c), file: c })),
  );
  return { entity, locate };
}

function diff(from: string, to: string, format: keyof typeof FORMATS) {
  const before = read(from, format);
  const after = read(to, format);
  return classifyChanges(before.entity, after.entity, {
    beforeLocate: before.locate,
    afterLocate: after.locate,
  });
}

const summary = (changes: ReturnType<typeof diff>) =>
  changes.map(c => `${c.kind} ${c.code} ${c.path}`);

describe('classifyChanges over the three formats', () => {
  const BREAKING = [
    'info description-changed description',
    'breaking product-type-changed type',
    'breaking output-port-removed outputPorts.sql',
    'breaking column-removed datasets.visits.columns.beds',
    'breaking column-pii-added datasets.visits.columns.patient_name.pii',
    'breaking classification-raised datasets.visits.columns.patient_name.classification',
    'breaking column-type-incompatible datasets.visits.columns.ward.type',
    'breaking column-type-incompatible datasets.visits.columns.cost.type',
    'breaking slo-removed slos.complete',
    'breaking slo-loosened slos.fresh-daily',
  ];
  const ADDITIVE = [
    'info description-changed description',
    'non-breaking output-port-added outputPorts.wards',
    'non-breaking dataset-added datasets.wards',
    'non-breaking column-added datasets.visits.columns.discharged_at',
    'non-breaking column-type-widened datasets.visits.columns.visit_id.type',
    'non-breaking column-type-widened datasets.visits.columns.beds.type',
    'non-breaking column-type-widened datasets.visits.columns.cost.type',
    'non-breaking slo-added slos.wards-fresh',
    'non-breaking slo-tightened slos.fresh-daily',
  ];

  it.each(['entity', 'oam', 'odps'] as const)(
    'classifies breaking changes the same in %s',
    format => {
      const changes = diff('v1', 'v2-breaking', format);
      expect(summary(changes).sort()).toEqual([...BREAKING].sort());
    },
  );

  it.each(['entity', 'oam', 'odps'] as const)(
    'classifies additions and tightening as non-breaking in %s',
    format => {
      const changes = diff('v1', 'v2-additive', format);
      expect(summary(changes).sort()).toEqual([...ADDITIVE].sort());
    },
  );

  it.each(['entity', 'oam', 'odps'] as const)(
    'finds no change between a %s spec and itself',
    format => {
      expect(diff('v1', 'v1', format)).toEqual([]);
    },
  );

  it('locates an addition in the new file and a removal in the old one', () => {
    const byCode = (format: keyof typeof FORMATS, code: string) =>
      diff('v1', 'v2-breaking', format).find(c => c.code === code)!.location;
    // the entity YAML: paths are the document's own
    expect(byCode('entity', 'column-removed')).toMatchObject({
      file: join(FIXTURES, 'v1', 'visits.entity.yaml'),
      line: 27,
    });
    expect(byCode('entity', 'column-pii-added')).toMatchObject({
      file: join(FIXTURES, 'v2-breaking', 'visits.entity.yaml'),
      line: 25,
    });
    // ODPS: a column lives in its ODCS contract
    const odps = byCode('odps', 'column-type-incompatible')!;
    expect(odps.file).toBe(join(FIXTURES, 'v2-breaking', 'visits.odcs.yaml'));
    const odcs = readFileSync(odps.file!, 'utf8').split('\n');
    expect(odcs[odps.line! - 1]).toMatch(/Type: integer|Type: int/);
    // OAM: the product type is a property of the data-product component
    const oam = byCode('oam', 'product-type-changed')!;
    const lines = readFileSync(oam.file!, 'utf8').split('\n');
    expect(lines.slice(oam.line! - 1, oam.line! + 1).join('\n')).toMatch(
      /data_product_type|Aggregate/,
    );
  });

  it('classifies entities as the catalog stores them (the catalog form) the same', () => {
    const before = read('v1', 'entity').entity;
    const after = read('v2-breaking', 'entity').entity;
    expect(
      summary(classifyChanges(toCatalogForm(before), toCatalogForm(after))),
    ).toEqual(summary(classifyChanges(before, after)));
  });

  it.each(['entity', 'oam', 'odps'] as const)(
    'reads the spec version from %s',
    format => {
      expect(specVersion(read('v1', format).entity)).toBe('1.2.0');
      expect(specVersion(read('v2-breaking', format).entity)).toBe('1.3.0');
    },
  );
});

describe('the spec version through the writers', () => {
  it('is written by toOamSpec and toOdps and read back', () => {
    const entity = read('v1', 'entity').entity;
    const oam = readDataProductSpec(stringify(toOamSpec(entity)));
    expect(specVersion(oam.entity!)).toBe('1.2.0');
    const odps = toOdps(entity);
    expect(odps.product.version).toBe('1.2.0');
    const back = readDataProductSpec(stringify(odps.product), {
      contracts: odps.contracts.map(c => ({ text: stringify(c.contract) })),
    });
    expect(specVersion(back.entity!)).toBe('1.2.0');
  });
});

describe('SLO comparison', () => {
  const product = (
    slo: Record<string, unknown>,
  ): DataProductEntityV1alpha1 => ({
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'p' },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/t',
      domain: 'domain:default/d',
      certified: false,
      slos: [{ name: 's', objective: 'o', dimension: 'completeness', ...slo }],
    },
  });
  it.each([
    [{}, { target: 0.8 }, []], // the default written out is the same promise
    [{}, { target: 0.7 }, ['breaking slo-loosened']],
    [{}, { target: 0.9 }, ['non-breaking slo-tightened']],
    [{ window: '20d' }, { window: '30d' }, ['breaking slo-loosened']],
    [
      { slice: '1d' },
      { slice: '1h', window: '20d' },
      ['non-breaking slo-tightened'],
    ],
    [{ tolerance: 0.05 }, { tolerance: 0.1 }, ['breaking slo-loosened']],
    [{}, { tolerance: 0.01, target: 0.5 }, ['breaking slo-loosened']], // one looser part breaks
    [{}, { dimension: 'availability' }, ['breaking slo-dimension-changed']],
  ])('%j → %j', (old, now, expected) => {
    const changes = classifyChanges(product(old), product(now));
    expect(changes.map(c => `${c.kind} ${c.code}`)).toEqual(expected);
  });
});

describe('input ports reading personal data in clear', () => {
  const product = (
    inputPorts: DataProductEntityV1alpha1['spec']['inputPorts'],
  ): DataProductEntityV1alpha1 => ({
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'p' },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/t',
      domain: 'domain:default/d',
      certified: false,
      inputPorts,
    },
  });
  const registry = {
    name: 'registry',
    type: 'data-product' as const,
    dataProduct: 'dataproduct:default/registry',
    outputPort: 'jdbc',
  };
  const said = (
    old: DataProductEntityV1alpha1['spec']['inputPorts'],
    now: DataProductEntityV1alpha1['spec']['inputPorts'],
  ) =>
    classifyChanges(product(old), product(now)).map(
      c => `${c.kind} ${c.code}: ${c.message}`,
    );

  it('says so when an input starts or stops reading them, and when one that does is added', () => {
    expect(
      said([registry], [{ ...registry, personalDataInClear: true }]),
    ).toEqual([
      "info input-port-personal-data: input port 'registry' now reads the personal data of dataproduct:default/registry in clear",
    ]);
    expect(
      said([{ ...registry, personalDataInClear: true }], [registry]),
    ).toEqual([
      "info input-port-personal-data: input port 'registry' no longer reads the personal data of dataproduct:default/registry in clear",
    ]);
    expect(said([], [{ ...registry, personalDataInClear: true }])).toEqual([
      "non-breaking input-port-added: input port 'registry' was added, reading the personal data of dataproduct:default/registry in clear",
    ]);
    // and another change of the same port is said as well
    expect(
      said(
        [registry],
        [{ ...registry, personalDataInClear: true, outputPort: 'sql' }],
      ).map(s => s.split(':')[0]),
    ).toEqual(['info input-port-personal-data', 'info input-port-changed']);
  });
});

describe('versionBumpRequired', () => {
  const breaking = [
    {
      kind: 'breaking' as const,
      code: 'column-removed',
      path: 'x',
      message: 'm',
    },
  ];
  const info = [
    {
      kind: 'info' as const,
      code: 'description-changed',
      path: 'd',
      message: 'm',
    },
  ];
  it.each([
    [breaking, '1.2.0', '2.0.0', true],
    [breaking, '1.2.0', '1.3.0', false],
    [breaking, '1.2.0', '1.2.0', false],
    [breaking, '0.3.1', '0.4.0', true], // 0.x: a minor bump may break
    [breaking, 'v1.0.0', 'v2.0.0', true],
    [breaking, undefined, '1.0.0', false],
    [breaking, '1.0.0', undefined, false],
    [info, '1.0.0', '1.0.0', true],
    [info, undefined, undefined, true],
  ])('%#: %s → %s', (changes, before, after, ok) => {
    expect(versionBumpRequired(changes, before, after).ok).toBe(ok);
  });

  it('says how to bump', () => {
    expect(versionBumpRequired(breaking, '1.2.0', '1.3.0').message).toBe(
      '1 breaking change need a major version bump: 1.2.0 → 1.3.0 keeps major version 1; write 2.0.0',
    );
  });

  it('rejects a version that is not semver, naming it', () => {
    expect(() => versionBumpRequired(info, '1.0', '2.0.0')).toThrow(
      "the old version '1.0' is not a semantic version; write MAJOR.MINOR.PATCH, e.g. 1.0.0 or 2.1.3",
    );
    expect(() => versionBumpRequired(info, '1.0.0', 'latest')).toThrow(
      /the new version 'latest' is not a semantic version/,
    );
  });
});

describe('critical data elements', () => {
  const product = (
    criticalDataElement?: boolean,
  ): DataProductEntityV1alpha1 => ({
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'p' },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/t',
      domain: 'domain:default/d',
      certified: false,
      datasets: [
        {
          name: 'visits',
          columns: [
            {
              name: 'ward',
              type: 'string',
              ...(criticalDataElement === undefined
                ? {}
                : { criticalDataElement }),
            },
          ],
        },
      ],
    },
  });
  it.each([
    [undefined, true, ['info column-critical-added']],
    [true, false, ['info column-critical-removed']],
    [true, undefined, ['info column-critical-removed']],
    [undefined, false, []],
    [true, true, []],
  ])('%j → %j', (old, now, expected) => {
    const changes = classifyChanges(product(old), product(now));
    expect(changes.map(c => `${c.kind} ${c.code}`)).toEqual(expected);
    expect(changes.map(c => c.message)).toEqual(
      expected.map(
        () =>
          `column 'visits.ward' is ${
            now ? 'now' : 'no longer'
          } a critical data element`,
      ),
    );
  });
});

describe('data-quality checks', () => {
  const product = (
    column: QualityCheck[] | undefined,
    dataset?: QualityCheck[],
  ): DataProductEntityV1alpha1 => ({
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'p' },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/t',
      domain: 'domain:default/d',
      certified: false,
      datasets: [
        {
          name: 'visits',
          columns: [{ name: 'ward', type: 'string', quality: column }],
          ...(dataset ? { quality: dataset } : {}),
        },
      ],
    },
  });
  const nulls = (more: Partial<QualityCheck>): QualityCheck => ({
    metric: 'nullValues',
    ...more,
  });
  it.each<[QualityCheck[] | undefined, QualityCheck[] | undefined, string[]]>([
    [[nulls({ mustBe: 0 })], [nulls({ mustBe: 0 })], []],
    // a wider range accepts more: looser
    [
      [nulls({ mustBe: 0 })],
      [nulls({ mustBeLessThan: 5 })],
      ['breaking quality-check-loosened'],
    ],
    [
      [nulls({ mustBeLessThan: 5 })],
      [nulls({ mustBeLessOrEqualTo: 5 })],
      ['breaking quality-check-loosened'],
    ],
    [
      [nulls({ mustBeLessThan: 5 })],
      [nulls({ mustBeBetween: [0, 2] })],
      ['non-breaking quality-check-tightened'],
    ],
    [
      [nulls({ mustBeLessThan: 5 })],
      [nulls({ mustBeGreaterThan: 1 })],
      ['breaking quality-check-changed'],
    ],
    [
      [nulls({ mustBe: 0 })],
      [nulls({ mustBe: 0, unit: 'percent' })],
      ['breaking quality-check-changed'],
    ],
    // severity: a warning no longer blocks
    [
      [nulls({ mustBe: 0 })],
      [nulls({ mustBe: 0, severity: 'warning' })],
      ['breaking quality-check-loosened'],
    ],
    [
      [nulls({ mustBe: 0, severity: 'warning' })],
      [nulls({ mustBe: 0 })],
      ['non-breaking quality-check-tightened'],
    ],
    // more valid values accepted: looser; fewer: stricter
    [
      [{ metric: 'invalidValues', validValues: ['a'], mustBe: 0 }],
      [{ metric: 'invalidValues', validValues: ['a', 'b'], mustBe: 0 }],
      ['breaking quality-check-loosened'],
    ],
    [
      [{ metric: 'invalidValues', validValues: ['a', 'b'], mustBe: 0 }],
      [{ metric: 'invalidValues', validValues: ['a'], mustBe: 0 }],
      ['non-breaking quality-check-tightened'],
    ],
    [[nulls({ mustBe: 0 })], undefined, ['breaking quality-check-removed']],
    [
      [nulls({ mustBe: 0, severity: 'info' })],
      [],
      ['info quality-check-removed'],
    ],
    [undefined, [nulls({ mustBe: 0 })], ['non-breaking quality-check-added']],
    // matched by name: a renamed check is one removed and one added
    [
      [nulls({ name: 'a', mustBe: 0 })],
      [nulls({ name: 'b', mustBe: 0 })],
      ['breaking quality-check-removed', 'non-breaking quality-check-added'],
    ],
  ])('%j → %j', (old, now, expected) => {
    const changes = classifyChanges(product(old), product(now));
    expect(changes.map(c => `${c.kind} ${c.code}`)).toEqual(expected);
  });

  it('compares a dataset’s checks too, and says what changed', () => {
    const changes = classifyChanges(
      product(undefined, [{ metric: 'rowCount', mustBeGreaterThan: 1000 }]),
      product(undefined, [{ metric: 'rowCount', mustBeGreaterThan: 10 }]),
    );
    expect(changes).toEqual([
      {
        kind: 'breaking',
        code: 'quality-check-loosened',
        path: 'datasets.visits.quality.rowCount',
        message:
          "quality check 'rowCount' of dataset 'visits' (rows must be more than 1,000) now accepts more: rows must be more than 10; consumers relying on the old promise may get worse data",
      },
    ]);
  });

  it('calls another composite key a changed check, and a schedule no change', () => {
    const key = (columns: string[], more: Partial<QualityCheck> = {}) =>
      product(undefined, [
        { metric: 'duplicateValues', mustBe: 0, columns, ...more },
      ]);
    expect(
      classifyChanges(key(['a', 'b']), key(['a', 'c'])).map(c => c.code),
    ).toEqual(['quality-check-changed']);
    expect(
      classifyChanges(
        key(['a', 'b']),
        key(['a', 'b'], { schedule: '0 20 * * *' }),
      ),
    ).toEqual([]);
  });

  it("calls another pattern, or a pattern instead of a list, a changed check; a sql check's new query too", () => {
    const check = (more: Partial<QualityCheck>) =>
      product([{ metric: 'invalidValues', mustBe: 0, ...more }]);
    const codes = (a: Partial<QualityCheck>, b: Partial<QualityCheck>) =>
      classifyChanges(check(a), check(b)).map(c => c.code);
    expect(codes({ pattern: '^[A-Z]{2}$' }, { pattern: '^[A-Z]{3}$' })).toEqual(
      ['quality-check-changed'],
    );
    expect(codes({ validValues: ['GB'] }, { pattern: '^[A-Z]{2}$' })).toEqual([
      'quality-check-changed',
    ]);
    expect(codes({ pattern: '^[A-Z]{2}$' }, { pattern: '^[A-Z]{2}$' })).toEqual(
      [],
    );
    const sql = (query: string) =>
      product(undefined, [{ name: 'own', type: 'sql', query, mustBe: 0 }]);
    expect(
      classifyChanges(
        sql('SELECT COUNT(1) FROM ${table} WHERE a < 0'),
        sql('SELECT COUNT(1) FROM ${table} WHERE a <= 0'),
      ).map(c => c.code),
    ).toEqual(['quality-check-changed']);
  });
});
