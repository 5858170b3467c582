import { readFileSync } from 'fs';
import { join } from 'path';
import { readDataProductSpec } from './read';

// The README's examples are what adopters copy first; they must read.
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1]);

describe('README examples', () => {
  it('has one example per format', () => {
    expect(examples.map(e => readDataProductSpec(e).format)).toEqual([
      'entity',
      'oam',
      'odps',
    ]);
  });

  it.each(examples.map((e, i) => [i, e]))(
    'example %i reads without errors',
    (_i, text) => {
      const result = readDataProductSpec(text as string, { file: 'README.md' });
      expect(result.issues.filter(i => i.severity === 'error')).toEqual([]);
      expect(result.entity).toBeDefined();
    },
  );
});
