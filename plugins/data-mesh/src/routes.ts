import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Route of the "Data products" page. A legacy route ref, because the same ref
 * serves both app systems (the new one accepts it through
 * `convertLegacyRouteRef`), so links bound in either kind of app resolve.
 *
 * @public
 */
export const dataProductsRouteRef = createRouteRef({ id: 'data-mesh' });
