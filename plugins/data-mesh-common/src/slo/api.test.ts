import { checkAvailability } from './checks';
import { warehouseErrorOf } from './api';

describe('warehouseErrorOf', () => {
  it('prefers the explicit field', () => {
    expect(
      warehouseErrorOf({
        passed: false,
        warehouseError: 'timeout',
        reason: 'whatever',
      }),
    ).toBe('timeout');
  });

  it("recovers the adapter's message from the reason the checks write", () => {
    const { reason } = checkAvailability({ error: 'connect ECONNREFUSED' });
    expect(warehouseErrorOf({ passed: false, reason })).toBe(
      'connect ECONNREFUSED',
    );
  });

  it('is undefined for failures that are about the table', () => {
    const { reason } = checkAvailability({ exists: false });
    expect(warehouseErrorOf({ passed: false, reason })).toBeUndefined();
    expect(warehouseErrorOf({ passed: true })).toBeUndefined();
  });
});
