import {
  isDataProductEntity,
  validateDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import {
  bareProduct,
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from './fixtures';

// The cards are only as honest as their fixtures: these must be entities the
// catalog module could really have produced.
describe('test fixtures', () => {
  it.each([
    ['patient-encounters', patientEncounters],
    ['patients', patients],
    ['readmission-risk', readmissionRisk],
    ['bed-occupancy', bareProduct],
  ])('%s is a valid DataProduct', (_name, entity) => {
    expect(isDataProductEntity(entity)).toBe(true);
    expect(validateDataProductEntity(entity)).toEqual([]);
  });

  it('the component is not a DataProduct', () => {
    expect(isDataProductEntity(component)).toBe(false);
  });
});
