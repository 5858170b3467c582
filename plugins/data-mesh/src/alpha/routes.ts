import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  dataProductsRouteRef,
  myAccessRouteRef,
  myDataProductsRouteRef,
} from '../routes';

// The legacy refs converted once, so the pages and the plugin's `routes`
// hand the app the same ref objects.
export const rootRouteRef = convertLegacyRouteRef(dataProductsRouteRef);
export const mineRouteRef = convertLegacyRouteRef(myDataProductsRouteRef);
export const myAccessPageRouteRef = convertLegacyRouteRef(myAccessRouteRef);
