import { mockServices } from '@backstage/backend-test-utils';
import { readDurationSetting } from './durationSetting';
import { readAccessConfig } from './access/config';
import { readArchiveRetention, readReadersLookBack } from './lifecycle';
import { readUnusedAfterMs } from './usage';

const DAY = 24 * 3_600_000;
const config = (data: object) => mockServices.rootConfig({ data });

describe('readDurationSetting', () => {
  it('reads the spec rule and ISO 8601, and falls back when absent', () => {
    const c = config({ a: { short: '36h', iso: 'P2D', words: '3 days' } });
    expect(readDurationSetting(c, 'a.short', DAY)).toBe(36 * 3_600_000);
    expect(readDurationSetting(c, 'a.iso', DAY)).toBe(2 * DAY);
    expect(readDurationSetting(c, 'a.words', DAY)).toBe(3 * DAY);
    expect(readDurationSetting(c, 'a.absent', 7 * DAY)).toBe(7 * DAY);
  });

  it.each(['soon', '0d', '-1d', '10 parsecs'])(
    "refuses '%s', naming the key and an example from the default",
    text => {
      const c = config({ a: { b: text } });
      expect(() => readDurationSetting(c, 'a.b', 30 * DAY)).toThrow(
        `a.b: '${text}' is not a duration (write e.g. 30d or P30D)`,
      );
    },
  );

  it('is the reader of every duration setting of the plugin', () => {
    const bad = config({
      dataMesh: {
        access: { warnBefore: 'x', unusedAfter: 'x' },
        lifecycle: { archiveRetention: 'x', readersLookBack: 'x' },
      },
    });
    expect(() => readAccessConfig(bad)).toThrow(/dataMesh.access.warnBefore/);
    expect(() => readUnusedAfterMs(bad)).toThrow(/dataMesh.access.unusedAfter/);
    expect(() => readArchiveRetention(bad)).toThrow(
      /dataMesh.lifecycle.archiveRetention: 'x' is not a duration \(write e.g. 90d/,
    );
    expect(() => readReadersLookBack(bad)).toThrow(
      /dataMesh.lifecycle.readersLookBack: 'x' is not a duration \(write e.g. 30d/,
    );
    const none = config({});
    expect(readArchiveRetention(none)).toBe(90 * DAY);
    expect(readReadersLookBack(none)).toBe(30 * DAY);
    expect(readUnusedAfterMs(none)).toBe(30 * DAY);
  });
});
