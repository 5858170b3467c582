import { unregisterTarget } from './unregister';

const entity = (kind: string, uid: string) => ({
  kind,
  metadata: { name: uid, uid },
});

describe('unregisterTarget', () => {
  it('removes the location of a repository made by the template: the product and the Location pointing at its spec', () => {
    expect(
      unregisterTarget('p', [
        entity('Location', 'repo-location'),
        entity('DataProduct', 'p'),
      ]),
    ).toBe('location');
  });

  it('removes the location that holds the product alone', () => {
    expect(unregisterTarget('p', [entity('DataProduct', 'p')])).toBe(
      'location',
    );
    // the catalog may not have listed it (yet): nothing else is there either
    expect(unregisterTarget('p', [])).toBe('location');
  });

  it('keeps a location that holds other products or components, whatever the kind spelling', () => {
    expect(
      unregisterTarget('p', [
        entity('location', 'repo-location'),
        entity('DataProduct', 'p'),
        entity('DataProduct', 'q'),
      ]),
    ).toBe('entity');
    expect(
      unregisterTarget('p', [
        entity('DataProduct', 'p'),
        entity('Component', 'dbt-project'),
      ]),
    ).toBe('entity');
  });
});
