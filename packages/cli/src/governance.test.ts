/*
 * `datamesh check`'s governance section, through the real binary: the
 * fixture product breaks two rules at stage prod, a platform rule has a
 * grace date, and a rule in the rules file does not compile.
 */
import path from 'node:path';
import { lines, REPO_ROOT, runDatamesh } from './testUtils';

jest.setTimeout(120_000);

const FIXTURES = path.join(
  REPO_ROOT,
  'plugins/data-mesh-common/src/governance/__fixtures__',
);
const check = (...args: string[]) =>
  runDatamesh(
    [
      'check',
      'visits.entity.yaml',
      '--against',
      'visits.entity.yaml',
      '--config',
      'app-config.governance.yaml',
      ...args,
    ],
    { cwd: FIXTURES },
  );

describe('datamesh check: governance', () => {
  it('reports each failing rule, the grace period and the broken rule with its file and line; exit 1 in prod', async () => {
    const run = await check('--stage', 'prod');
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out).toEqual(
      expect.arrayContaining([
        "governance-rules.yaml:8: error governance rule: rules[1].expression: rule 'broken-rule' does not compile: Unexpected token: EOF (at character 13)",
        'visits.entity.yaml: error pii-classified: Columns with personal data (pii: true) must be classified confidential or restricted — https://github.com/datamesh/backstage-data-mesh/blob/main/plugins/data-mesh-common/README.md#governance-pii-classified',
        'visits.entity.yaml: notice certified-slos-met: A certified data product meets all its service level objectives (needs the SLO status, which only the portal knows: not evaluated here) — https://github.com/datamesh/backstage-data-mesh/blob/main/plugins/data-mesh-common/README.md#governance-certified-slos-met',
        'visits.entity.yaml: error has-description: Describe the product in metadata.description — https://example.com/governance#describe',
        'visits.entity.yaml: warning tags-later: Tag the product for search (an error from 2999-01-01; a warning until then)',
        expect.stringMatching(
          /^visits\.entity\.yaml: error broken-rule: This rule has a syntax error \(governance-rules\.yaml: rules\[1\]\.expression: rule 'broken-rule' does not compile: .* \(line 8, column 17\)\)$/,
        ),
        'governance: FAILED: 5 passed, 1 warnings, 3 failed, 1 not evaluated here (stage prod); 1 rule problem(s)',
      ]),
    );
    expect(out).toContain(
      'changes: ok: no changes against visits.entity.yaml; no breaking change',
    );
  });

  it('writes the results as JSON and as GitHub annotations; in dev only the broken rule fails', async () => {
    const json = await check('--stage', 'dev', '--format', 'json');
    expect(json.code).toBe(1);
    const section = JSON.parse(json.stdout).sections.find(
      (s: { name: string }) => s.name === 'governance',
    );
    expect(section.stage).toBe('dev');
    expect(section.ok).toBe(false);
    expect(
      Object.fromEntries(
        section.results.map((r: { ruleId: string; status: string }) => [
          r.ruleId,
          r.status,
        ]),
      ),
    ).toEqual({
      'pii-classified': 'warn',
      'slo-defined': 'pass',
      'output-port-documented': 'pass',
      'consumer-aligned-input': 'pass',
      'naming-conventions': 'pass',
      'certified-slos-met': 'not-evaluated',
      'has-description': 'warn',
      'owner-is-group': 'pass',
      'tags-later': 'warn',
      'broken-rule': 'fail',
    });
    const github = await check('--stage', 'dev', '--format', 'github');
    expect(lines(github.stdout)).toContain(
      "::error file=governance-rules.yaml,line=8,title=governance rule::rules[1].expression: rule 'broken-rule' does not compile: Unexpected token: EOF (at character 13)",
    );
  });
});
