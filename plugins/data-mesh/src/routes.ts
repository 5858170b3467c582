import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Route of the "Data products" page. A legacy route ref, because the same ref
 * serves both app systems (the new one accepts it through
 * `convertLegacyRouteRef`), so links bound in either kind of app resolve.
 *
 * @public
 */
export const dataProductsRouteRef = createRouteRef({ id: 'data-mesh' });

/**
 * Route of the "My data products" page (the owners' SLO dashboard),
 * `/data-products/mine` by default.
 *
 * @public
 */
export const myDataProductsRouteRef = createRouteRef({
  id: 'data-mesh:my-data-products',
});

/**
 * Route of the "My access" page (the signed-in user's access requests),
 * `/data-products/my-access` by default.
 *
 * @public
 */
export const myAccessRouteRef = createRouteRef({
  id: 'data-mesh:my-access',
});
