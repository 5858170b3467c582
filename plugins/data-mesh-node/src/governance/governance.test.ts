import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { formatIssue } from '@datamesh/plugin-data-mesh-common';
import { readGovernanceSettings } from '.';

describe('readGovernanceSettings', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gov-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads config rules and the rules file relative to baseDir, with the default stage', async () => {
    fs.writeFileSync(
      path.join(dir, 'rules.yaml'),
      'rules:\n  - id: from-file\n    expression: "true"\n    message: m\n  - id: broken\n    expression: "spec.("\n    message: m\n',
    );
    const settings = await readGovernanceSettings(
      new ConfigReader({
        dataMesh: {
          provisioning: { defaultStage: 'test' },
          governance: {
            rulesFile: 'rules.yaml',
            rules: [{ id: 'from-config', expression: 'true', message: 'm' }],
          },
        },
      }),
      { baseDir: dir },
    );
    expect(settings.defaultStage).toBe('test');
    expect(settings.rules.map(r => r.rule.id)).toEqual(
      expect.arrayContaining([
        'slo-defined',
        'from-config',
        'from-file',
        'broken',
      ]),
    );
    expect(settings.issues.map(formatIssue)).toEqual([
      "rules.yaml: rules[1].expression: rule 'broken' does not compile: Expected IDENTIFIER, got LPAREN (at character 6) (line 6, column 17)",
    ]);
  });

  it('a rules file that cannot be read is an issue at its key', async () => {
    const settings = await readGovernanceSettings(
      new ConfigReader({
        dataMesh: { governance: { rulesFile: 'nope.yaml' } },
      }),
      { baseDir: dir },
    );
    expect(settings.issues).toHaveLength(1);
    expect(formatIssue(settings.issues[0])).toMatch(
      /^dataMesh\.governance\.rulesFile: cannot read .*nope\.yaml: ENOENT/,
    );
    expect(settings.defaultStage).toBe('dev');
  });
});
