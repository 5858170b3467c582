/*
 * The example mesh's reads as access agreements: one per input port that
 * reads another example product's port, read from the real example files.
 */
import path from 'node:path';
import { exampleAgreements } from './agreements';
import { readDataProductsOfLocation } from './files';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('exampleAgreements', () => {
  const products = readDataProductsOfLocation(
    path.join(EXAMPLES, 'locations.yaml'),
  ).entities;

  it('records each read of another example product, the reading product as the consumer', () => {
    const agreements = exampleAgreements(products);
    expect(
      agreements.map(a => `${a.consumer} ← ${a.product} ${a.outputPort}`),
    ).toContain(
      'dataproduct:default/readmission-features ← dataproduct:default/patient-encounter-history encounter-history-jdbc',
    );
    // every data-product input port of the examples reads another example
    expect(agreements).toHaveLength(
      products.flatMap(p =>
        (p.spec.inputPorts ?? []).filter(i => i.type === 'data-product'),
      ).length,
    );
    expect(agreements.length).toBeGreaterThanOrEqual(9);
    expect(
      agreements.find(
        a => a.consumer === 'dataproduct:default/readmission-features',
      ),
    ).toMatchObject({
      purpose: expect.stringMatching(/^Input of /),
      comment: expect.stringContaining('example data'),
    });
  });

  it('asks for personal data in clear where the reading product says it needs them, and only there', () => {
    const inClear = exampleAgreements(products).filter(a => a.pii);
    expect(
      inClear.map(a => `${a.consumer} ← ${a.product} ${a.outputPort}`).sort(),
    ).toEqual([
      'dataproduct:default/patient-encounter-history ← dataproduct:default/patient-registry patients-jdbc',
      'dataproduct:default/readmission-risk-dashboard ← dataproduct:default/patient-registry patients-jdbc',
    ]);
    expect(
      inClear.find(
        a => a.consumer === 'dataproduct:default/readmission-risk-dashboard',
      )!.purpose,
    ).toBe(
      'Input of readmission-risk-dashboard: Names and MRNs so ward staff recognise their patients.',
    );
  });

  it('leaves out reads of products outside the examples', () => {
    const alone = products.filter(
      p => p.metadata.name === 'readmission-features',
    );
    expect(exampleAgreements(alone)).toEqual([]);
  });
});
