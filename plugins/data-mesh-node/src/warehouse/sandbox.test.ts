import {
  SandboxError,
  sandboxCreatedAt,
  sandboxKeptAt,
  sandboxMarker,
  sandboxSuffix,
  sandboxSuffixOf,
} from './sandbox';

const ref = 'dataproduct:default/orders';

describe('sandbox markers', () => {
  it('name the product, the branch and when the sandbox was made', () => {
    const marker = sandboxMarker(
      ref,
      'feat_late_returns',
      new Date('2026-12-01T09:30:00.250Z'),
    );
    expect(marker).toBe(
      'datamesh:dataproduct:default/orders:sandbox:feat_late_returns created 2026-12-01T09:30:00Z',
    );
    expect(sandboxSuffixOf(marker, ref)).toBe('feat_late_returns');
    expect(sandboxCreatedAt(marker)).toBe('2026-12-01T09:30:00Z');
  });

  it('say when its owners kept it past its expiry, without losing when it was made', () => {
    const marker = sandboxMarker(
      ref,
      'feat_x',
      new Date('2026-12-01T09:30:00Z'),
      new Date('2026-12-29T08:00:00.999Z'),
    );
    expect(marker).toBe(
      'datamesh:dataproduct:default/orders:sandbox:feat_x created 2026-12-01T09:30:00Z kept 2026-12-29T08:00:00Z',
    );
    expect(sandboxSuffixOf(marker, ref)).toBe('feat_x');
    expect(sandboxCreatedAt(marker)).toBe('2026-12-01T09:30:00Z');
    expect(sandboxKeptAt(marker)).toBe('2026-12-29T08:00:00Z');
    expect(sandboxKeptAt(sandboxMarker(ref, 'feat_x', new Date()))).toBe(
      undefined,
    );
  });

  it('still read the markers made before they had a time', () => {
    const old = 'datamesh:dataproduct:default/orders:sandbox:fix_b';
    expect(sandboxSuffixOf(old, ref)).toBe('fix_b');
    expect(sandboxCreatedAt(old)).toBeUndefined();
  });

  it("mark no sandbox of another product, a product schema or a stranger's", () => {
    expect(
      sandboxSuffixOf(sandboxMarker('dataproduct:default/order', 'a'), ref),
    ).toBeUndefined();
    expect(
      sandboxSuffixOf('datamesh:dataproduct:default/orders', ref),
    ).toBeUndefined();
    expect(sandboxSuffixOf('scratch space', ref)).toBeUndefined();
    expect(sandboxSuffixOf(undefined, ref)).toBeUndefined();
    expect(
      sandboxCreatedAt(`${sandboxMarker(ref, 'a')} created yesterday`),
    ).toBeUndefined();
  });
});

describe('sandboxSuffix', () => {
  it('makes a schema-name suffix of a git branch, the same for its suffix', () => {
    expect(sandboxSuffix('feat/Late-Returns')).toBe('feat_late_returns');
    expect(sandboxSuffix('feat_late_returns')).toBe('feat_late_returns');
    expect(sandboxSuffix('1234-fix')).toBe('b1234_fix');
    expect(sandboxSuffix('b1234_fix')).toBe('b1234_fix');
  });

  it('refuses what is no branch name', () => {
    for (const branch of ['-rf', 'a..b', "x'; drop", '', '_/_']) {
      expect(() => sandboxSuffix(branch)).toThrow(SandboxError);
    }
  });
});
