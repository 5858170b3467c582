import { holdsPersonalData, personalDataColumns } from './personalData';

const product = {
  spec: {
    datasets: [
      {
        name: 'patients',
        columns: [
          { name: 'patient_id', type: 'integer' },
          { name: 'full_name', type: 'text', pii: true },
          { name: 'postcode', type: 'text', pii: true },
        ],
      },
      { name: 'wards', columns: [{ name: 'ward', type: 'text' }] },
      {
        name: 'visits',
        columns: [{ name: 'nhs_number', type: 'text', pii: true }],
      },
    ],
  },
} as any;

describe('personal data of a product', () => {
  it('lists the columns marked pii, dataset by dataset in spec order', () => {
    expect(personalDataColumns(product)).toEqual([
      { dataset: 'patients', column: 'full_name' },
      { dataset: 'patients', column: 'postcode' },
      { dataset: 'visits', column: 'nhs_number' },
    ]);
    expect(holdsPersonalData(product)).toBe(true);
  });

  it('lists those of one dataset when asked', () => {
    expect(personalDataColumns(product, 'visits')).toEqual([
      { dataset: 'visits', column: 'nhs_number' },
    ]);
    expect(personalDataColumns(product, 'wards')).toEqual([]);
    expect(personalDataColumns(product, 'no-such-dataset')).toEqual([]);
  });

  it('holds none without a column marked pii, without datasets or columns', () => {
    expect(
      holdsPersonalData({
        spec: { datasets: [product.spec.datasets[1]] },
      } as any),
    ).toBe(false);
    expect(holdsPersonalData({ spec: {} } as any)).toBe(false);
    expect(
      holdsPersonalData({ spec: { datasets: [{ name: 'x' }] } } as any),
    ).toBe(false);
  });
});
