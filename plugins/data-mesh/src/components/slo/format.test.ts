import { formatAgo } from './format';

describe('formatAgo', () => {
  const now = Date.UTC(2026, 11, 5, 12);
  it('says "just now" within a minute either way, else how long ago or until', () => {
    expect(formatAgo(now, now)).toBe('just now');
    expect(formatAgo(now - 59_000, now)).toBe('just now');
    expect(formatAgo(now + 30_000, now)).toBe('just now');
    expect(formatAgo(now - 30 * 60_000, now)).toBe('30m ago');
    expect(formatAgo(now + 2 * 3_600_000, now)).toBe('in 2h');
  });
});
