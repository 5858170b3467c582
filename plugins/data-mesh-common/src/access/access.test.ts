import { accessRef, coveringRequest } from '.';

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
