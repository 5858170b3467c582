import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';
import {
  dataProductsRouteRef,
  myAccessRouteRef,
  myDataProductsRouteRef,
  scaffolderTaskRouteRef,
} from '../routes';

// The legacy refs converted once, so the pages and the plugin's `routes`
// hand the app the same ref objects.
export const rootRouteRef = convertLegacyRouteRef(dataProductsRouteRef);
export const mineRouteRef = convertLegacyRouteRef(myDataProductsRouteRef);
export const myAccessPageRouteRef = convertLegacyRouteRef(myAccessRouteRef);
export const scaffolderTaskExternalRouteRef = convertLegacyRouteRef(
  scaffolderTaskRouteRef,
);

// Pages of the new frontend system only, so no legacy ref to convert.
export const specProblemsRouteRef = createRouteRef();
export const checkSpecRouteRef = createRouteRef();
export const meshMapRouteRef = createRouteRef();
// the platform team's views; a page has a nav item only with a route ref
export const complianceRouteRef = createRouteRef();
export const driftRouteRef = createRouteRef();
