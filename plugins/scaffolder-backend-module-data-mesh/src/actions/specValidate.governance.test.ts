/*
 * datamesh:spec:validate runs the governance policies after the spec is
 * valid: results as output, failing policies (and broken rules) fail the task.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import { parse } from 'yaml';
import { recordingLogger, workspaceWith } from '../testing';
import { createSpecValidateAction } from './specValidate';

const FIXTURES = path.resolve(
  __dirname,
  '../../../data-mesh-common/src/governance/__fixtures__',
);
const fixture = (file: string) =>
  fs.readFileSync(path.join(FIXTURES, file), 'utf8');

function run(
  action: ReturnType<typeof createSpecValidateAction>,
  input: Record<string, unknown>,
) {
  const workspacePath = workspaceWith({
    'visits.entity.yaml': fixture('visits.entity.yaml'),
  });
  const log = recordingLogger();
  const outputs: Record<string, any> = {};
  const ctx = {
    ...createMockActionContext({
      workspacePath,
      input: { path: 'visits.entity.yaml', ...input },
      logger: log.logger,
    }),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  };
  return { promise: action.handler(ctx as any), log, outputs };
}

describe('datamesh:spec:validate governance', () => {
  it('outputs the built-in results and passes in dev, where they only warn', async () => {
    const { promise, outputs, log } = run(createSpecValidateAction(), {});
    await promise;
    expect(outputs.governance.stage).toBe('dev');
    expect(outputs.governance.ok).toBe(true);
    expect(outputs.governance.counts).toEqual({
      pass: 4,
      warn: 1,
      fail: 0,
      'not-evaluated': 1,
    });
    expect(log.lines).toContainEqual({
      level: 'warn',
      message: expect.stringMatching(/^governance: warn \[pii-classified\]/),
    });
  });

  it('fails the task at stage prod, naming each failing rule and the broken one with its file and line', async () => {
    const settings = () =>
      readGovernanceSettings(
        new ConfigReader(parse(fixture('app-config.governance.yaml'))),
        { baseDir: FIXTURES },
      );
    const { promise, outputs } = run(
      createSpecValidateAction({ governance: settings }),
      { stage: 'prod' },
    );
    await expect(promise).rejects.toThrow(
      /visits\.entity\.yaml fails 3 governance policies at stage prod:\n {2}rule problem: governance-rules\.yaml: rules\[1\]\.expression: rule 'broken-rule' does not compile: .*\(line 8, column 17\)\n {2}fail \[pii-classified\]/,
    );
    expect(outputs.governance.counts).toEqual({
      pass: 5,
      warn: 1,
      fail: 3,
      'not-evaluated': 1,
    });
    expect(outputs.entityRef).toBeUndefined();
  });
});
