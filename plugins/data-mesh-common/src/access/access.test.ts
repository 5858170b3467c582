import type { DataProductEntityV1alpha1 } from '../model';
import { accessRef, coveringRequest } from '.';
import { inputAccessAsks } from './inputs';

describe('accessRef', () => {
  it('fills in kind and namespace and lower-cases, so refs compare', () => {
    expect(accessRef('Orders', 'dataproduct')).toBe(
      'dataproduct:default/orders',
    );
    expect(accessRef('group:Team-A', 'dataproduct')).toBe(
      'group:default/team-a',
    );
    expect(accessRef('DataProduct:Sales/Orders', 'group')).toBe(
      'dataproduct:sales/orders',
    );
    expect(() => accessRef('', 'group')).toThrow();
  });
});

describe('coveringRequest', () => {
  const open = (
    id: string,
    state: 'pending' | 'active' | 'revoked',
    pii = false,
  ) => ({ id, consumer: 'group:default/team-b', pii, state });

  it('finds an open request of the consumer that gives what is asked, personal data included', () => {
    const plain = open('a', 'active');
    const withPii = open('b', 'pending', true);
    const ask = { consumer: 'group:default/team-b', pii: false };
    expect(coveringRequest([plain], ask)).toBe(plain);
    expect(coveringRequest([plain], { ...ask, pii: true })).toBeUndefined();
    expect(coveringRequest([plain, withPii], { ...ask, pii: true })).toBe(
      withPii,
    );
    // ended, or another consumer's: covers nothing
    expect(coveringRequest([open('c', 'revoked')], ask)).toBeUndefined();
    expect(
      coveringRequest([plain], {
        consumer: 'group:default/team-c',
        pii: false,
      }),
    ).toBeUndefined();
  });
});

describe('inputAccessAsks', () => {
  const product = (
    inputPorts: DataProductEntityV1alpha1['spec']['inputPorts'],
    metadata: Partial<DataProductEntityV1alpha1['metadata']> = {},
  ): DataProductEntityV1alpha1 => ({
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'letters', ...metadata },
    spec: {
      type: 'consumer-aligned',
      lifecycle: 'production',
      owner: 'group:default/outreach',
      domain: 'domain:default/care',
      certified: false,
      inputPorts,
    },
  });

  it("asks for each upstream port on the product's behalf, personal data in clear only where the input says so", () => {
    const asks = inputAccessAsks(
      product(
        [
          {
            name: 'registry',
            type: 'data-product',
            dataProduct: 'Registry',
            outputPort: 'patients-jdbc',
            description: 'Names and addresses for the letters',
            personalDataInClear: true,
          },
          {
            name: 'visits',
            type: 'data-product',
            dataProduct: 'dataproduct:clinical/visits',
            outputPort: 'visits-jdbc',
          },
          { name: 'crm', type: 'dataset', source: 'CRM export' },
          // the entity checks report these; nothing is asked for them
          { name: 'broken', type: 'data-product', dataProduct: 'registry' },
          {
            name: 'self',
            type: 'data-product',
            dataProduct: 'letters',
            outputPort: 'out',
          },
        ],
        { title: 'Appointment letters', description: 'Letters to patients.' },
      ),
    );
    expect(asks).toEqual([
      {
        inputPort: 'registry',
        product: 'dataproduct:default/registry',
        outputPort: 'patients-jdbc',
        consumer: 'dataproduct:default/letters',
        purpose:
          'Input of Appointment letters: Names and addresses for the letters',
        pii: true,
      },
      {
        inputPort: 'visits',
        product: 'dataproduct:clinical/visits',
        outputPort: 'visits-jdbc',
        consumer: 'dataproduct:default/letters',
        // no description of the input: what the product is
        purpose: 'Input of Appointment letters: Letters to patients.',
        pii: false,
      },
    ]);
  });

  it('keeps the purpose within what the API takes', () => {
    const [ask] = inputAccessAsks(
      product([
        {
          name: 'registry',
          type: 'data-product',
          dataProduct: 'registry',
          outputPort: 'jdbc',
          description: 'x'.repeat(3000),
        },
      ]),
    );
    expect(ask.purpose).toHaveLength(2000);
    expect(ask.purpose.startsWith('Input of letters: xxx')).toBe(true);
  });
});
