import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import type { Entity } from '@backstage/catalog-model';
import { mockApis } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  AccessRequest,
  DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import { fakeAccessRoutes } from './fakeAccessBackend';
import { fakeDataMeshBackend, type FakeRoutes } from './fakeBackend';
import { patientEncounters, patients, readmissionRisk } from './fixtures';
import { renderForEntity } from './render';

/** The signed-in users of the access tests: an owner of patient-encounters (its team) … */
export const OWNER = {
  user: 'user:default/olga',
  groups: ['group:default/clinical-data-team'],
};
/** … and an analyst of population health, who requests access. */
export const ANALYST = {
  user: 'user:default/ann',
  groups: ['group:default/population-health'],
};

/** The group of the analysts in the access tests. */
export const populationHealth = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'population-health', namespace: 'default' },
  spec: {
    type: 'team',
    profile: { displayName: 'Population health' },
    children: [],
  },
};

/**
 * Renders `element` on `entity`'s page for `user` of `groups`, with the
 * access routes of the fake backend, a catalog of the example products, and
 * a permission API that allows deciding, revoking and extending exactly on
 * the products one of `groups` owns (the portal policy's "is owner" rule).
 */
export function renderAccess(options: {
  entity: Entity;
  element: ReactElement;
  user: string;
  groups: string[];
  requests?: AccessRequest[];
  products?: DataProductEntityV1alpha1[];
  routes?: FakeRoutes;
  /** Routes of other plugins the element links to. */
  mountedRoutes?: NonNullable<
    Parameters<typeof renderForEntity>[2]
  >['mountedRoutes'];
}) {
  const products = options.products ?? [
    patientEncounters,
    patients,
    readmissionRisk,
  ];
  const access = fakeAccessRoutes({
    user: options.user,
    groups: options.groups,
    products,
    requests: options.requests,
  });
  const backend = fakeDataMeshBackend({ ...access.routes, ...options.routes });
  const owners = new Map(
    products.map(p => [
      `dataproduct:default/${p.metadata.name}`,
      p.spec.owner.toLowerCase(),
    ]),
  );
  const permissionApi = mockApis.permission({
    authorize: request =>
      'resourceRef' in request &&
      options.groups.includes(owners.get(request.resourceRef ?? '') ?? '')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
  // usePermission caches decisions in SWR's global cache, keyed by
  // permission and resource only: each render gets its own, so one test's
  // owner does not lend their decisions to the next test's analyst
  const element = (
    <SWRConfig value={{ provider: () => new Map() }}>
      {options.element}
    </SWRConfig>
  );
  const catalog = catalogApiMock({ entities: [...products, populationHealth] });
  // watched, so a test can count what a component looks up
  jest.spyOn(catalog, 'getEntityByRef');
  renderForEntity(options.entity, element, {
    apis: [
      backend.apiEntry,
      [catalogApiRef, catalog],
      mockApis.identity({
        userEntityRef: options.user,
        ownershipEntityRefs: [options.user, ...options.groups],
      }),
      permissionApi,
    ],
    mountedRoutes: options.mountedRoutes,
  });
  return { backend, access, catalog };
}
