import { mockCredentials } from '@backstage/backend-test-utils';
import type { Location } from '@backstage/catalog-client';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import {
  applyUnregister,
  planUnregister,
  unregisterLines,
  unregisterTarget,
  unregisterWarning,
} from './unregister';

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
    ).toEqual({ target: 'location', others: [] });
  });

  it('removes the location that holds the product alone', () => {
    expect(unregisterTarget('p', [entity('DataProduct', 'p')]).target).toBe(
      'location',
    );
    // the catalog may not have listed it (yet): nothing else is there either
    expect(unregisterTarget('p', []).target).toBe('location');
  });

  it('keeps a location that holds other products or components, whatever the kind spelling, and names them', () => {
    expect(
      unregisterTarget('p', [
        entity('location', 'repo-location'),
        entity('DataProduct', 'p'),
        entity('DataProduct', 'q'),
      ]),
    ).toEqual({ target: 'entity', others: ['dataproduct:default/q'] });
    expect(
      unregisterTarget('p', [
        entity('DataProduct', 'p'),
        entity('Component', 'dbt-project'),
      ]),
    ).toEqual({ target: 'entity', others: ['component:default/dbt-project'] });
  });
});

const ORIGIN = 'backstage.io/managed-by-origin-location';

/**
 * The catalog's location calls, which the in-memory client leaves
 * unimplemented: locations by ref and id, and removing one removes the
 * entities registered through it, as the catalog does.
 */
class CatalogWithLocations extends InMemoryCatalogClient {
  readonly removed: string[] = [];
  constructor(
    private entities: Entity[],
    private readonly locations: { id: string; ref: string }[],
  ) {
    super({ entities });
  }
  // as the catalog does: the registered location of the entity's origin
  async getLocationByEntity(ref: string): Promise<Location | undefined> {
    const origin = (await this.getEntityByRef(ref))?.metadata.annotations?.[
      ORIGIN
    ];
    const l = this.locations.find(x => x.ref === origin);
    return (
      l && {
        id: l.id,
        type: 'url',
        target: l.ref.replace(/^url:/, ''),
        entityRef: `location:default/generated-${l.id}`,
      }
    );
  }
  async removeLocationById(id: string) {
    const l = this.locations.find(x => x.id === id)!;
    this.removed.push(`location ${l.ref}`);
    for (const e of this.entities.filter(
      x => x.metadata.annotations?.[ORIGIN] === l.ref,
    )) {
      await super.removeEntityByUid(e.metadata.uid!);
    }
  }
  async removeEntityByUid(uid: string) {
    this.removed.push(`entity ${uid}`);
    await super.removeEntityByUid(uid);
  }
}

const registered = (kind: string, name: string, origin?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name,
    uid: `uid-${name}`,
    ...(origin ? { annotations: { [ORIGIN]: origin } } : {}),
  },
  spec: {},
});

describe('planUnregister and applyUnregister against the catalog', () => {
  const credentials = mockCredentials.service();
  const VISITS = 'dataproduct:default/visits';
  const plan = async (catalog: CatalogWithLocations) =>
    planUnregister(
      catalog as any,
      credentials,
      await catalog.getEntityByRef(VISITS),
    );
  const apply = async (catalog: CatalogWithLocations) =>
    applyUnregister(catalog as any, credentials, VISITS, await plan(catalog));
  const repo = 'url:https://git.example/visits/blob/main/catalog-info.yaml';
  const mono = 'url:https://git.example/mono/blob/main/catalog-info.yaml';

  it('plans and removes the repository location of a template-made product, and the product with it', async () => {
    const catalog = new CatalogWithLocations(
      [
        registered('Location', 'generated-visits', repo),
        registered('DataProduct', 'visits', repo),
      ],
      [{ id: 'loc-1', ref: repo }],
    );
    const planned = await plan(catalog);
    expect(planned).toEqual({
      uid: 'uid-visits',
      target: 'location',
      origin: repo,
      location: { id: 'loc-1', ref: repo },
      others: [],
    });
    expect(unregisterLines(VISITS, planned)).toEqual([
      `- unregister dataproduct:default/visits: remove its catalog location ${repo}, which registers nothing else (its SLO monitors stop)`,
    ]);
    expect(unregisterWarning(VISITS, planned)).toBe(undefined);

    expect(await apply(catalog)).toEqual([`removed catalog location ${repo}`]);
    expect(catalog.removed).toEqual([`location ${repo}`]);
    expect(await catalog.getEntityByRef(VISITS)).toBeUndefined();
    // done: nothing left to plan or remove
    expect(await plan(catalog)).toEqual({ target: 'entity', others: [] });
    expect(await apply(catalog)).toEqual([]);
  });

  it('warns before confirming, and removes only the entity, where the location registers others', async () => {
    const catalog = new CatalogWithLocations(
      [
        registered('Location', 'mono', mono),
        registered('DataProduct', 'visits', mono),
        registered('DataProduct', 'labs', mono),
        registered('Component', 'dbt', mono),
      ],
      [{ id: 'loc-2', ref: mono }],
    );
    const planned = await plan(catalog);
    expect(planned.target).toBe('entity');
    expect(planned.others.sort()).toEqual([
      'component:default/dbt',
      'dataproduct:default/labs',
    ]);
    expect(unregisterLines(VISITS, planned)).toEqual([
      '- unregister dataproduct:default/visits from the catalog (its SLO monitors stop)',
    ]);
    expect(unregisterWarning(VISITS, planned)).toMatch(
      new RegExp(
        `^dataproduct:default/visits's catalog location ${mono.replace(
          /[.]/g,
          '\\.',
        )} also registers .*dataproduct:default/labs.*: unregistering removes only the product's entity, which comes back at the location's next refresh unless its spec file is taken out of that location first$`,
      ),
    );

    const lines = await apply(catalog);
    expect(lines[0]).toMatch(/comes back at the location's next refresh/);
    expect(catalog.removed).toEqual(['entity uid-visits']);
    expect(
      await catalog.getEntityByRef('dataproduct:default/labs'),
    ).toBeDefined();
  });

  it('warns that a product read from a location of the configuration or a provider comes back', async () => {
    // config locations and providers' entities are not in the API's locations
    const config = 'file:/srv/backstage/examples/all.yaml';
    const catalog = new CatalogWithLocations(
      [
        registered('Location', 'examples', config),
        registered('DataProduct', 'visits', config),
      ],
      [],
    );
    const planned = await plan(catalog);
    expect(planned).toEqual({
      uid: 'uid-visits',
      target: 'entity',
      origin: config,
      others: [],
    });
    expect(unregisterWarning(VISITS, planned)).toBe(
      `dataproduct:default/visits is read from ${config}, a location of the catalog's configuration or of an entity provider, which the catalog's API cannot remove: unregistering removes only the product's entity, which comes back at the next refresh unless its spec file is taken out of there first`,
    );
    expect(await apply(catalog)).toEqual([
      `removed dataproduct:default/visits from the catalog; ${config} is not a location the catalog's API can remove, so it comes back at the next refresh unless its spec file is removed from there`,
    ]);
    expect(catalog.removed).toEqual(['entity uid-visits']);
  });

  it('removes the entity of a product without an origin location', async () => {
    const catalog = new CatalogWithLocations(
      [registered('DataProduct', 'visits')],
      [],
    );
    const planned = await plan(catalog);
    expect(planned).toEqual({
      uid: 'uid-visits',
      target: 'entity',
      others: [],
    });
    expect(unregisterWarning(VISITS, planned)).toBe(undefined);
    expect(await apply(catalog)).toEqual([
      'removed dataproduct:default/visits from the catalog',
    ]);
    expect(catalog.removed).toEqual(['entity uid-visits']);
  });

  it('lists at most five others in the warning', () => {
    const others = Array.from(
      { length: 7 },
      (_, i) => `component:default/c${i}`,
    );
    const warning = unregisterWarning(VISITS, {
      uid: 'u',
      target: 'entity',
      origin: mono,
      location: { id: 'l', ref: mono },
      others,
    })!;
    expect(warning).toContain('component:default/c4 and 2 more:');
    expect(warning).not.toContain('c5');
  });
});
