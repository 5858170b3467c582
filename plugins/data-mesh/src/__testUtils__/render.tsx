import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';

/**
 * Renders an entity page fragment the way the catalog does: inside an
 * EntityProvider, with the entity route mounted so EntityRefLinks resolve to
 * real hrefs that tests can assert on.
 */
export function renderForEntity(
  entity: Entity,
  element: ReactElement,
  options: Parameters<typeof renderInTestApp>[1] = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      ...options,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...options.mountedRoutes,
      },
    },
  );
}
