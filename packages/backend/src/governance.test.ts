/*
 * Issue 9 §2: one policy engine used identically by the CLI (`datamesh
 * check`), the scaffolder's validate action and catalog processing. One
 * input — a product, app-config rules and a rules file with a broken rule —
 * through all three gives the same results.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DataProductGovernanceProcessor } from '@datamesh/plugin-catalog-backend-module-data-mesh';
import {
  SourceDocument,
  readGovernanceAnnotation,
} from '@datamesh/plugin-data-mesh-common';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import { createSpecValidateAction } from '@datamesh/plugin-scaffolder-backend-module-data-mesh';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(
  ROOT,
  'plugins/data-mesh-common/src/governance/__fixtures__',
);
const read = (file: string) =>
  fs.readFileSync(path.join(FIXTURES, file), 'utf8');
const settings = () =>
  readGovernanceSettings(
    new ConfigReader(
      new SourceDocument(read('app-config.governance.yaml')).value as any,
    ),
    { baseDir: FIXTURES },
  );
type Outcome = Array<[string, string]>;

function viaCli(): Promise<Outcome> {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [
        path.join(ROOT, 'packages/cli/bin/datamesh'),
        'check',
        'visits.entity.yaml',
        '--against',
        'visits.entity.yaml',
        '--config',
        'app-config.governance.yaml',
        '--format',
        'json',
      ],
      { cwd: FIXTURES, env },
      (_error, stdout, stderr) => {
        try {
          const section = JSON.parse(stdout).sections.find(
            (s: { name: string }) => s.name === 'governance',
          );
          resolve(section.results.map((r: any) => [r.ruleId, r.status]));
        } catch (e) {
          reject(new Error(`${e}: ${stdout} ${stderr}`));
        }
      },
    ),
  );
}

async function viaScaffolder(): Promise<Outcome> {
  const outputs: Record<string, any> = {};
  const logger = mockServices.logger.mock();
  await createSpecValidateAction({ governance: settings })
    .handler({
      input: { path: 'visits.entity.yaml' },
      workspacePath: FIXTURES,
      logger,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    } as any)
    .catch(() => undefined); // the broken rule fails the task, after the output
  return outputs.governance.results.map((r: any) => [r.ruleId, r.status]);
}

async function viaProcessor(): Promise<Outcome> {
  const processor = new DataProductGovernanceProcessor({
    logger: mockServices.logger.mock(),
    governance: settings,
  });
  const entity = new SourceDocument(read('visits.entity.yaml')).value as any;
  const annotated = await processor.postProcessEntity(entity);
  return readGovernanceAnnotation(annotated)!.results.map(r => [
    r.ruleId,
    r.status,
  ]);
}

it('the CLI, the scaffolder action and the catalog processor reach the same results for one input', async () => {
  const [cli, scaffolder, processor] = await Promise.all([
    viaCli(),
    viaScaffolder(),
    viaProcessor(),
  ]);
  expect(cli).toEqual([
    ['pii-classified', 'warn'],
    ['slo-defined', 'pass'],
    ['output-port-documented', 'pass'],
    ['consumer-aligned-input', 'pass'],
    ['naming-conventions', 'pass'],
    ['certified-slos-met', 'not-evaluated'],
    ['has-description', 'warn'],
    ['owner-is-group', 'pass'],
    ['tags-later', 'warn'],
    ['broken-rule', 'fail'],
  ]);
  expect(scaffolder).toEqual(cli);
  expect(processor).toEqual(cli);
});
