import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  type DataProductEntityV1alpha1,
  SourceDocument,
  loadGovernanceRules,
  readGovernanceAnnotation,
} from '@datamesh/plugin-data-mesh-common';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import { DataProductGovernanceProcessor } from './DataProductGovernanceProcessor';

const FIXTURES = path.resolve(
  __dirname,
  '../../../data-mesh-common/src/governance/__fixtures__',
);
const fixture = (file: string) =>
  fs.readFileSync(path.join(FIXTURES, file), 'utf8');
const parse = (text: string): any => new SourceDocument(text).value;
const visits = (): DataProductEntityV1alpha1 =>
  parse(fixture('visits.entity.yaml'));

describe('DataProductGovernanceProcessor', () => {
  it('records the results of every rule in the annotation, a failing product and the next one alike', async () => {
    const logger = mockServices.logger.mock();
    const processor = new DataProductGovernanceProcessor({
      logger,
      governance: () =>
        readGovernanceSettings(
          new ConfigReader(parse(fixture('app-config.governance.yaml'))),
          { baseDir: FIXTURES },
        ),
    });
    const failing = visits();
    failing.spec.infrastructure = { stage: 'prod' };
    const compliant = visits();
    compliant.metadata.name = 'visits-clean';
    compliant.metadata.description = 'Visits';
    compliant.metadata.tags = ['clinical'];
    compliant.spec.datasets![0].columns[1].classification = 'restricted';

    const first = await processor.postProcessEntity(failing);
    const second = await processor.postProcessEntity(compliant);

    expect(readGovernanceAnnotation(first)).toEqual({
      stage: 'prod',
      ok: false,
      counts: { pass: 5, warn: 1, fail: 3, 'not-evaluated': 1 },
      results: [
        { ruleId: 'pii-classified', status: 'fail' },
        { ruleId: 'slo-defined', status: 'pass' },
        { ruleId: 'output-port-documented', status: 'pass' },
        { ruleId: 'consumer-aligned-input', status: 'pass' },
        { ruleId: 'naming-conventions', status: 'pass' },
        { ruleId: 'certified-slos-met', status: 'not-evaluated' },
        { ruleId: 'has-description', status: 'fail' },
        { ruleId: 'owner-is-group', status: 'pass' },
        { ruleId: 'tags-later', status: 'warn' },
        { ruleId: 'broken-rule', status: 'fail' },
      ],
    });
    // only the broken rule fails the clean product, at its own stage (dev)
    const clean = readGovernanceAnnotation(second)!;
    expect(clean.stage).toBe('dev');
    expect(clean.results.filter(r => r.status !== 'pass')).toEqual([
      { ruleId: 'certified-slos-met', status: 'not-evaluated' },
      { ruleId: 'broken-rule', status: 'fail' },
    ]);
    // the broken rule is logged with its location once, not per entity
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Governance rule problem: governance-rules\.yaml: rules\[1\]\.expression: rule 'broken-rule' does not compile: .*\(line 8, column 17\)$/,
      ),
    );
  });

  it('leaves other kinds alone, and a product unannotated when the rules cannot be loaded', async () => {
    const logger = mockServices.logger.mock();
    let calls = 0;
    const processor = new DataProductGovernanceProcessor({
      logger,
      governance: async () => {
        calls++;
        if (calls === 1) throw new Error('rules unavailable');
        return loadGovernanceRules();
      },
    });
    const component = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'c' },
      spec: {},
    };
    expect(await processor.postProcessEntity(component)).toBe(component);
    const product = visits();
    expect(await processor.postProcessEntity(product)).toBe(product);
    expect(logger.warn).toHaveBeenCalledWith(
      'Governance not evaluated for dataproduct:default/visits: Error: rules unavailable',
    );
    // the next entity tries again
    const annotated = await processor.postProcessEntity(visits());
    expect(readGovernanceAnnotation(annotated)?.counts.warn).toBe(1);
  });
});
