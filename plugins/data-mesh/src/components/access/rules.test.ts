import { accessRequest } from '../../__testUtils__/fakeAccessBackend';
import {
  EXPIRY_SOON_DAYS,
  expiresSoon,
  openFirst,
  readersPhrase,
} from './rules';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('expiresSoon', () => {
  it('says how soon granted access ends within the window, in whole days', () => {
    expect(expiresSoon(at(3_600_000), NOW)).toBe('today');
    expect(expiresSoon(at(DAY + 1), NOW)).toBe('in 1 day');
    expect(expiresSoon(at(5.5 * DAY), NOW)).toBe('in 5 days');
    expect(expiresSoon(at(EXPIRY_SOON_DAYS * DAY - 1), NOW)).toBe(
      `in ${EXPIRY_SOON_DAYS - 1} days`,
    );
  });

  it('says nothing of what ends later, has ended, or never ends', () => {
    expect(expiresSoon(at(EXPIRY_SOON_DAYS * DAY), NOW)).toBeUndefined();
    expect(expiresSoon(at(-1), NOW)).toBeUndefined();
    expect(expiresSoon(null, NOW)).toBeUndefined();
    expect(expiresSoon(undefined, NOW)).toBeUndefined();
  });
});

describe('openFirst', () => {
  it('puts what still needs someone before what has ended, keeping each group in order', () => {
    const ids = openFirst(
      (
        [
          ['1', 'expired'],
          ['2', 'pending'],
          ['3', 'cancelled'],
          ['4', 'active'],
          ['5', 'approved'],
          ['6', 'rejected'],
        ] as const
      ).map(([id, state]) => accessRequest({ id, state })),
    ).map(r => r.id);
    expect(ids).toEqual(['2', '4', '5', '1', '3', '6']);
  });
});

describe('readersPhrase', () => {
  it('says the counts that are not 0, singular or plural, and nothing for nobody', () => {
    expect(readersPhrase({ teams: 2, products: 1 })).toBe(
      '2 teams, 1 data product',
    );
    expect(readersPhrase({ teams: 1, products: 0 })).toBe('1 team');
    expect(readersPhrase({ teams: 0, products: 3 })).toBe('3 data products');
    expect(readersPhrase({ teams: 0, products: 0 })).toBeUndefined();
  });
});
