import {
  deriveIdentifier,
  durationParts,
  parseBoolean,
  parseDataProductType,
  parseDuration,
  parseDurationAmount,
  parseFraction,
  parseFractionAmount,
  parseTarget,
  parseTolerance,
} from './values';
import { durationToMillis } from './slo/duration';
import { readDataProductSpec } from './read';

describe('durations', () => {
  it.each([
    ['20d', '20d'],
    ['1d', '1d'],
    ['20 days', '20d'],
    ['1 day', '1d'],
    ['24 hours', '24h'],
    ['24 Hours', '24h'],
    ['20D', '20d'],
    ['30 min', '30m'],
    ['2 weeks', '2w'],
    ['2 wk', '2w'],
    ['daily', '1d'],
    ['Hourly', '1h'],
    [' weekly ', '1w'],
  ])('%j → %s', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    ['soon'],
    ['0d'],
    ['-1d'],
    ['1.5d'],
    ['10s'], // seconds are finer than any slice the monitors take
    ['3 fortnights'],
    ['1y'],
    ['1234567d'],
    [''],
    [20], // a number alone has no unit
    [true],
    [null],
  ])('not a duration: %j', input => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('reads ODCS amounts with a separate unit, days when none is given', () => {
    expect(parseDurationAmount(4, 'h')).toBe('4h');
    expect(parseDurationAmount('4', 'hours')).toBe('4h');
    expect(parseDurationAmount(2, undefined)).toBe('2d');
    expect(parseDurationAmount('4h', undefined)).toBe('4h');
    expect(parseDurationAmount(8, 'y')).toBeUndefined();
    expect(parseDurationAmount(0, 'd')).toBeUndefined();
    expect(parseDurationAmount(1.5, 'd')).toBeUndefined();
    expect(parseDurationAmount(-3, 'd')).toBeUndefined();
    expect(parseDurationAmount(3, 7)).toBeUndefined();
  });

  it('splits canonical durations only', () => {
    expect(durationParts('24h')).toEqual({ amount: 24, unit: 'h' });
    expect(durationParts(' 20d ')).toEqual({ amount: 20, unit: 'd' });
    expect(durationParts('24 hours')).toBeUndefined();
    expect(durationParts('0d')).toBeUndefined();
    expect(durationParts(24)).toBeUndefined();
  });

  it('yields only durations the monitors accept', () => {
    for (const text of ['20 days', 'daily', '90 minutes', '2 weeks']) {
      expect(durationToMillis(parseDuration(text))).toBeGreaterThan(0);
    }
  });
});

describe('fractions', () => {
  it.each([
    ['80%', 0.8],
    [80, 0.8],
    [0.8, 0.8],
    ['0.8', 0.8],
    ['80', 0.8],
    ['57%', 0.57],
    ['99.9%', 0.999],
    [99.9, 0.999],
    [0.999, 0.999],
    ['.5', 0.5],
    [1, 1], // 100 %, never 1 %
    ['100%', 1],
    [100, 1],
    ['1%', 0.01],
    ['5 %', 0.05],
    [0, 0],
    ['0%', 0],
  ] as const)('%j → %s', (input, expected) => {
    expect(parseFraction(input)).toBe(expected);
  });

  it.each([
    ['most'],
    ['-5%'],
    [-0.5],
    ['101%'],
    [150],
    ['80 percent'],
    ['1e2'],
    ['99,9%'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [null],
    [true],
  ])('not a fraction: %j', input => {
    expect(parseFraction(input)).toBeUndefined();
  });

  it('bounds targets above 0 and tolerances at 0, both at 100 %', () => {
    expect(parseTarget(0)).toBeUndefined();
    expect(parseTarget('0%')).toBeUndefined();
    expect(parseTarget('100%')).toBe(1);
    expect(parseTarget('180%')).toBeUndefined();
    expect(parseTolerance(0)).toBe(0);
    expect(parseTolerance('100%')).toBe(1);
    expect(parseTolerance('5%')).toBe(0.05);
  });

  it('reads an amount with unit % as a percentage, whatever its size', () => {
    expect(parseFractionAmount(1, '%')).toBe(0.01);
    expect(parseFractionAmount('99.5', 'percent')).toBe(0.995);
    expect(parseFractionAmount('99.5%', undefined)).toBe(0.995);
    expect(parseFractionAmount(99.5, undefined)).toBe(0.995);
    expect(parseFractionAmount(0.5, undefined)).toBe(0.5);
    expect(parseFractionAmount(120, '%')).toBeUndefined();
  });
});

describe('booleans', () => {
  it.each([
    [true, true],
    [false, false],
    ['yes', true],
    ['Yes', true],
    ['YES', true],
    ['y', true],
    ['true', true],
    [' True ', true],
    ['no', false],
    ['No', false],
    ['n', false],
    ['false', false],
  ] as const)('%j → %s', (input, expected) => {
    expect(parseBoolean(input)).toBe(expected);
  });

  it.each([['maybe'], ['on'], ['off'], [''], [1], [0], [null], [undefined]])(
    'not a yes/no value: %j',
    input => {
      expect(parseBoolean(input)).toBeUndefined();
    },
  );
});

describe('product types', () => {
  it.each([
    ['source-aligned', 'source-aligned'],
    ['Source Oriented', 'source-aligned'],
    ['sourceAligned', 'source-aligned'],
    ['SOURCE_ALIGNED', 'source-aligned'],
    ['Aggregated', 'aggregate'],
    ['aggregate', 'aggregate'],
    ['Consumer Aligned', 'consumer-aligned'],
    ['consumerAligned', 'consumer-aligned'],
  ])('%j → %s', (input, expected) => {
    expect(parseDataProductType(input)).toBe(expected);
  });

  it.each([['raw'], [''], [3], [null]])('not a type: %j', input => {
    expect(parseDataProductType(input)).toBeUndefined();
  });
});

describe('names as identifiers', () => {
  it('keeps a name that already is an identifier, as written', () => {
    // toIdentifier would fold the double underscore
    expect(deriveIdentifier('visits__daily', 'dataset')).toEqual({
      identifier: 'visits__daily',
    });
    expect(deriveIdentifier(' patients ', 'product')).toEqual({
      identifier: 'patients',
    });
  });

  it('derives one from a display name, and refuses hostile text', () => {
    expect(deriveIdentifier('JDBC-Port of DP patients', 'port')).toEqual({
      identifier: 'jdbc-port-of-dp-patients',
    });
    expect(
      deriveIdentifier('patients"; DROP TABLE x; --', 'product').error,
    ).toBeDefined();
  });
});

describe('one rule set in every author format', () => {
  // The same objective, written with author spellings in OAM and in an
  // ODPS product's `slos`, must come out the same.
  const oam = [
    'components:',
    '  - { name: clinical, type: domain }',
    '  - name: patients',
    '    type: data-product',
    '    properties:',
    '      data_product_owner: care-team',
    '      data_product_type: Source Oriented',
    '      certified: "yes"',
    '  - name: visits',
    '    type: data-set',
    '    properties:',
    '      columns: [{ name: id, type: string }]',
    '  - name: fresh',
    '    type: service-level-asset',
    '    properties:',
    '      dimension: Freshness',
    '      dataset: visits',
    '      target: 99.9%',
    '      window: 20 days',
    '      slice: daily',
    '      max_age: 24 Hours',
    '      tolerance: 0',
    '',
  ].join('\n');
  const odps = [
    'apiVersion: v1.1.0',
    'kind: DataProduct',
    'id: p-1',
    'name: patients',
    'domain: clinical',
    'status: active',
    'type: Source Oriented',
    'customProperties:',
    '  - { property: owner, value: care-team }',
    '  - { property: certified, value: "yes" }',
    '  - property: slos',
    '    value:',
    '      - name: fresh',
    '        dimension: Freshness',
    '        objective: fresh',
    '        target: 99.9%',
    '        window: 20 days',
    '        slice: daily',
    '        maxAge: 24 Hours',
    '        tolerance: 0',
    '',
  ].join('\n');

  it('reads targets, durations, booleans and types alike', () => {
    const a = readDataProductSpec(oam, { file: 'data_product_spec.yml' });
    const b = readDataProductSpec(odps, { file: 'p.odps.yaml' });
    expect(a.issues.filter(i => i.severity === 'error')).toEqual([]);
    expect(b.issues.filter(i => i.severity === 'error')).toEqual([]);
    const expected = {
      dimension: 'freshness',
      target: 0.999,
      window: '20d',
      slice: '1d',
      maxAge: '24h',
      tolerance: 0,
    };
    expect(a.entity?.spec.slos?.[0]).toMatchObject(expected);
    expect(b.entity?.spec.slos?.[0]).toMatchObject(expected);
    for (const r of [a, b]) {
      expect(r.entity?.spec.type).toBe('source-aligned');
      expect(r.entity?.spec.certified).toBe(true);
    }
  });

  it('refuses the same values in both', () => {
    const bad = (text: string) =>
      text
        .replace('target: 99.9%', 'target: 0')
        .replace('window: 20 days', 'window: 20 seconds')
        .replace('certified: "yes"', 'certified: maybe')
        .replace('certified, value: "yes"', 'certified, value: maybe');
    const messages = (text: string, file: string) =>
      readDataProductSpec(bad(text), { file })
        .issues.filter(i => i.severity === 'error')
        .map(i => i.message)
        .sort();
    const fromOam = messages(oam, 'data_product_spec.yml');
    expect(fromOam).toEqual([
      "'20 seconds' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h",
      "'maybe' is not a yes/no value; write Yes or No",
      '0 is not a target; write a percentage above 0 and at most 100, e.g. 80% (or 0.8)',
    ]);
    expect(messages(odps, 'p.odps.yaml')).toEqual(fromOam);
  });
});
