import type { DataProductEntityV1alpha1 } from '../model';
import {
  ANNOTATION_GOVERNANCE,
  type GovernanceReport,
  type GovernanceRuleSet,
  evaluateGovernance,
  formatGovernanceResult,
  governanceAnnotation,
  loadGovernanceRules,
  readGovernanceAnnotation,
} from '.';
import { formatIssue } from '../issues';

function product(
  spec: Partial<DataProductEntityV1alpha1['spec']> = {},
  name = 'claims-by-provider',
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:claims',
      domain: 'claims',
      certified: false,
      datasets: [
        {
          name: 'claims_by_provider',
          columns: [
            { name: 'provider_id', type: 'string' },
            {
              name: 'patient_name',
              type: 'string',
              pii: true,
              classification: 'restricted',
            },
          ],
        },
      ],
      outputPorts: [
        {
          name: 'sql',
          type: 'sql',
          description: 'The table',
          dataset: 'claims_by_provider',
        },
      ],
      slos: [
        {
          name: 'fresh',
          dimension: 'freshness',
          objective: 'daily',
          maxAge: '24h',
        },
      ],
      ...spec,
    },
  };
}

const status = (report: GovernanceReport, id: string) =>
  report.results.find(r => r.ruleId === id)?.status;

describe('built-in rules', () => {
  let rules: GovernanceRuleSet;
  beforeAll(async () => {
    rules = await loadGovernanceRules();
  });

  it('a product that follows every convention passes every rule but the SLO one, which needs the SLO status', async () => {
    expect(rules.issues).toEqual([]);
    const report = evaluateGovernance(product({ certified: true }), rules);
    expect(report.results.map(r => [r.ruleId, r.status])).toEqual([
      ['pii-classified', 'pass'],
      ['slo-defined', 'pass'],
      ['output-port-documented', 'pass'],
      ['consumer-aligned-input', 'pass'],
      ['naming-conventions', 'pass'],
      ['certified-slos-met', 'not-evaluated'],
    ]);
    expect(report.ok).toBe(true);
    expect(report.stage).toBe('dev');
  });

  it.each([
    [
      'pii-classified',
      {
        datasets: [
          {
            name: 'claims_by_provider',
            columns: [
              {
                name: 'patient_name',
                type: 'string',
                pii: true,
                classification: 'internal' as const,
              },
            ],
          },
        ],
      },
    ],
    ['slo-defined', { slos: [] }],
    [
      'output-port-documented',
      {
        outputPorts: [
          { name: 'sql', type: 'sql', dataset: 'claims_by_provider' },
        ],
      },
    ],
    [
      'output-port-documented',
      {
        outputPorts: [
          { name: 'sql', type: 'sql', description: 'x', dataset: 'missing' },
        ],
      },
    ],
    ['consumer-aligned-input', { type: 'consumer-aligned' as const }],
  ])('%s fails: a warning in dev, an error in prod', (id, spec) => {
    const rules2 = rules;
    const dev = evaluateGovernance(product(spec), rules2);
    expect(status(dev, id)).toBe('warn');
    expect(dev.ok).toBe(true);
    const prod = evaluateGovernance(product(spec), rules2, { stage: 'prod' });
    expect(status(prod, id)).toBe('fail');
    expect(prod.ok).toBe(false);
    expect(
      prod.results.filter(r => r.status === 'fail').map(r => r.ruleId),
    ).toEqual([id]);
  });

  it('naming-conventions fails on a snake_case product name and a camelCase column', async () => {
    expect(
      status(
        evaluateGovernance(product({}, 'claims_by_provider'), rules),
        'naming-conventions',
      ),
    ).toBe('warn');
    const camel = product({
      datasets: [
        {
          name: 'claims_by_provider',
          columns: [{ name: 'providerId', type: 'string' }],
        },
      ],
    });
    expect(status(evaluateGovernance(camel, rules), 'naming-conventions')).toBe(
      'warn',
    );
  });

  it('the stage is the option, else the spec infrastructure stage, else the default stage', async () => {
    const staged = product({ slos: [], infrastructure: { stage: 'prod' } });
    expect(evaluateGovernance(staged, rules).stage).toBe('prod');
    expect(status(evaluateGovernance(staged, rules), 'slo-defined')).toBe(
      'fail',
    );
    expect(evaluateGovernance(staged, rules, { stage: 'dev' }).stage).toBe(
      'dev',
    );
    expect(
      evaluateGovernance(product(), rules, { defaultStage: 'test' }).stage,
    ).toBe('test');
  });

  it('certified only while the SLOs are met, where the SLO status is known', async () => {
    const certified = product({ certified: true });
    const met = evaluateGovernance(certified, rules, {
      slo: { met: true, breached: [] },
      stage: 'prod',
    });
    expect(status(met, 'certified-slos-met')).toBe('pass');
    const breached = evaluateGovernance(certified, rules, {
      slo: { met: false, breached: ['fresh'] },
      stage: 'prod',
    });
    const result = breached.results.find(
      r => r.ruleId === 'certified-slos-met',
    )!;
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('breached: fresh');
    // not certified: decided without the SLO status
    expect(
      status(evaluateGovernance(product(), rules), 'certified-slos-met'),
    ).toBe('pass');
  });
});

describe('rules from config and files', () => {
  const rule = {
    id: 'has-description',
    expression: 'metadata.description != ""',
    message: 'Describe the product',
    link: 'https://example.com/describe',
    levels: { prod: 'error' },
  };

  it('a config rule is evaluated with its message, link and levels', async () => {
    const rules = await loadGovernanceRules({ configRules: [rule] });
    expect(rules.issues).toEqual([]);
    const report = evaluateGovernance(product(), rules, { stage: 'prod' });
    const result = report.results.find(r => r.ruleId === 'has-description')!;
    expect(result).toMatchObject({
      status: 'fail',
      level: 'error',
      message: 'Describe the product',
      link: 'https://example.com/describe',
      source: { kind: 'config', location: 'dataMesh.governance.rules[0]' },
    });
    expect(formatGovernanceResult(result)).toBe(
      'fail [has-description] Describe the product — https://example.com/describe',
    );
    const described = product();
    described.metadata.description = 'Claims per provider';
    expect(
      status(
        evaluateGovernance(described, rules, { stage: 'prod' }),
        'has-description',
      ),
    ).toBe('pass');
  });

  it('a rule may ask for data-quality checks without guarding a missing list', async () => {
    const rules = await loadGovernanceRules({
      configRules: [
        {
          id: 'quality-declared',
          // every dataset promises something about its rows or a column
          expression:
            'spec.datasets.all(d, size(d.quality) > 0 || d.columns.exists(c, size(c.quality) > 0))',
          message: 'Every dataset declares a data-quality check',
        },
      ],
    });
    expect(rules.issues).toEqual([]);
    expect(
      status(evaluateGovernance(product(), rules), 'quality-declared'),
    ).toBe('warn');
    const checked = product();
    checked.spec.datasets![0].columns[0].quality = [
      { metric: 'duplicateValues', mustBe: 0 },
    ];
    expect(status(evaluateGovernance(checked, rules), 'quality-declared')).toBe(
      'pass',
    );
  });

  it('enforceFrom downgrades an error to a warning before the date, not after', async () => {
    const rules = await loadGovernanceRules({
      configRules: [{ ...rule, enforceFrom: '2030-01-01' }],
    });
    const before = evaluateGovernance(product(), rules, {
      stage: 'prod',
      now: new Date('2029-12-31T23:00:00Z'),
    });
    expect(
      before.results.find(r => r.ruleId === 'has-description'),
    ).toMatchObject({
      status: 'warn',
      level: 'warn',
      detail: 'an error from 2030-01-01; a warning until then',
    });
    expect(before.ok).toBe(true);
    const after = evaluateGovernance(product(), rules, {
      stage: 'prod',
      now: new Date('2030-01-01T00:00:00Z'),
    });
    expect(status(after, 'has-description')).toBe('fail');
  });

  it('a config rule with a syntax error is reported at its key path and fails, never passes', async () => {
    const rules = await loadGovernanceRules({
      configRules: [
        rule,
        { ...rule, id: 'broken', expression: 'size(spec.slos) >' },
      ],
    });
    expect(rules.issues.map(formatIssue)).toEqual([
      "dataMesh.governance.rules[1].expression: rule 'broken' does not compile: Unexpected token: EOF (at character 18)",
    ]);
    const report = evaluateGovernance(product(), rules, { stage: 'dev' });
    expect(report.results.find(r => r.ruleId === 'broken')).toMatchObject({
      status: 'fail',
      level: 'error',
      detail:
        "dataMesh.governance.rules[1].expression: rule 'broken' does not compile: Unexpected token: EOF (at character 18)",
    });
    expect(report.ok).toBe(false);
  });

  it('an unknown variable and a non-bool expression are compile errors too', async () => {
    const rules = await loadGovernanceRules({
      configRules: [
        { ...rule, id: 'typo', expression: 'specs.slos.size() > 0' },
        { ...rule, id: 'not-bool', expression: 'size(spec.slos)' },
      ],
    });
    expect(rules.issues.map(i => i.message)).toEqual([
      "rule 'typo' does not compile: Unknown variable: specs (at character 1)",
      "rule 'not-bool' does not compile: the expression is a int, not a bool",
    ]);
  });

  it('a rule that errors while evaluating fails at its level instead of passing', async () => {
    const rules = await loadGovernanceRules({
      configRules: [
        { ...rule, id: 'missing-field', expression: 'spec.nothing == "x"' },
      ],
    });
    expect(rules.issues).toEqual([]);
    const result = evaluateGovernance(product(), rules).results.find(
      r => r.ruleId === 'missing-field',
    )!;
    expect(result.status).toBe('warn');
    expect(result.detail).toBe(
      'the rule could not be evaluated: No such key: nothing (at character 6)',
    );
  });

  it('a rules file rule with a syntax error is reported with file and line', async () => {
    const text = [
      'rules:',
      '  - id: owner-is-group',
      '    expression: spec.owner.startsWith("group:")',
      '    message: Products are owned by teams',
      '  - id: broken-rule',
      '    expression: spec.type ==',
      '    message: never compiles',
      '    level: error',
    ].join('\n');
    const rules = await loadGovernanceRules({
      rulesFile: { name: 'governance-rules.yaml', text },
    });
    expect(rules.issues.map(formatIssue)).toEqual([
      "governance-rules.yaml: rules[1].expression: rule 'broken-rule' does not compile: Unexpected token: EOF (at character 13) (line 6, column 17)",
    ]);
    const report = evaluateGovernance(product(), rules);
    expect(
      report.results.find(r => r.ruleId === 'owner-is-group'),
    ).toMatchObject({
      status: 'pass',
      source: { kind: 'file', location: 'governance-rules.yaml:2' },
    });
    expect(report.results.find(r => r.ruleId === 'broken-rule')).toMatchObject({
      status: 'fail',
      source: { kind: 'file', location: 'governance-rules.yaml:5' },
    });
  });

  it('a rule of the wrong shape is reported where it is and left out', async () => {
    const text =
      'rules:\n  - id: Bad Id\n    expression: "true"\n    level: fatal\n    enforceFrom: soon\n';
    const rules = await loadGovernanceRules({
      rulesFile: { name: 'r.yaml', text },
    });
    expect(rules.issues.map(formatIssue)).toEqual([
      "r.yaml: rules[0].id: 'Bad Id' is not a rule id: lowercase words joined by - _ or . (line 2, column 9)",
      'r.yaml: rules[0].message: message must be a non-empty string (line 2, column 5)',
      "r.yaml: rules[0].level: 'fatal' is not a level: use error, warn, off (line 4, column 12)",
      "r.yaml: rules[0].enforceFrom: 'soon' is not a date: write YYYY-MM-DD (line 5, column 18)",
    ]);
    expect(rules.rules.map(r => r.rule.id)).not.toContain('Bad Id');
  });

  it('a config rule with a built-in id replaces it; level off hides it', async () => {
    const rules = await loadGovernanceRules({
      configRules: [
        {
          id: 'slo-defined',
          expression: 'size(spec.slos) >= 2',
          message: 'Two SLOs',
          level: 'error',
        },
        {
          id: 'naming-conventions',
          expression: 'true',
          message: 'off',
          level: 'off',
        },
      ],
    });
    const report = evaluateGovernance(product(), rules);
    expect(report.results.find(r => r.ruleId === 'slo-defined')).toMatchObject({
      status: 'fail',
      message: 'Two SLOs',
      source: { kind: 'config' },
    });
    expect(report.results.map(r => r.ruleId)).not.toContain(
      'naming-conventions',
    );
  });
});

describe('the catalog annotation', () => {
  const entity = (text: string) => ({
    metadata: { annotations: { [ANNOTATION_GOVERNANCE]: text } },
  });

  it('holds each rule once with its status and reads back with the counts', async () => {
    const report = evaluateGovernance(
      product({ certified: true, slos: [] }),
      await loadGovernanceRules(),
    );
    const text = governanceAnnotation(report);
    expect(JSON.parse(text)).toEqual({
      stage: 'dev',
      ok: true,
      results: {
        'pii-classified': 'pass',
        'slo-defined': 'warn',
        'output-port-documented': 'pass',
        'consumer-aligned-input': 'pass',
        'naming-conventions': 'pass',
        'certified-slos-met': 'not-evaluated',
      },
    });
    expect(readGovernanceAnnotation(entity(text))).toEqual({
      stage: 'dev',
      ok: true,
      counts: report.counts,
      results: report.results.map(r => ({
        ruleId: r.ruleId,
        status: r.status,
      })),
    });
    expect(report.counts).toEqual({
      pass: 4,
      warn: 1,
      fail: 0,
      'not-evaluated': 1,
    });
  });

  it('reads the earlier form (results as a list), which an entity keeps until processed again', () => {
    const earlier = {
      stage: 'prod',
      ok: false,
      counts: { pass: 1, warn: 0, fail: 1, 'not-evaluated': 0 },
      results: [
        { ruleId: 'slo-defined', status: 'pass' },
        { ruleId: 'pii-classified', status: 'fail' },
      ],
    };
    expect(readGovernanceAnnotation(entity(JSON.stringify(earlier)))).toEqual(
      earlier,
    );
  });

  it.each([
    ['not JSON', '{stage'],
    ['no results', '{"stage":"dev","ok":true}'],
    ['an unknown status', '{"stage":"dev","ok":true,"results":{"a":"great"}}'],
    ['no stage', '{"ok":true,"results":{}}'],
  ])('is not ours when %s', (_, text) => {
    expect(readGovernanceAnnotation(entity(text))).toBeUndefined();
  });
});
