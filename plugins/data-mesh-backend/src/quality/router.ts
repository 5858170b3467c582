/*
 * `GET /products/:namespace/:name/quality`: a product's data-quality checks
 * and results, to callers the catalog lets read the product (a product the
 * caller may not see is a 404, as in the catalog). `POST …/quality/run`:
 * its owners measure them now (permission `data-mesh.quality.run`).
 * `GET /quality/failing`: the caller's teams' products that their latest
 * run left failing, for the home page.
 */
import type {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type ProductQualityResponse,
  type QualityFailingResponse,
  dataMeshQualityRunPermission,
  fromCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { authorizeOwnersAction } from '../infra/ownersAction';
import { parseInput, productParams } from '../parseInput';
import { isDataProduct, productRef } from '../slo/monitors';
import type { QualityService } from './QualityService';

export function createQualityRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  service: Pick<QualityService, 'productQuality' | 'failingOwnedBy'>;
  /** Measure one product's checks now. */
  runNow(product: string): Promise<unknown>;
}): express.Router {
  const { httpAuth, catalog, service } = options;
  const router = Router();
  const productOf = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const product = parseInput(productParams, req.params, 'product');
    const ref = productRef(product.namespace, product.name);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity || !isDataProduct(entity))
      throw new NotFoundError(`${ref} not found`);
    return { product, ref, credentials, entity: fromCatalogForm(entity) };
  };
  router.get('/quality/failing', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
      credentials,
    );
    res.json(
      (await service.failingOwnedBy(
        ownershipEntityRefs,
      )) satisfies QualityFailingResponse,
    );
  });
  router.get('/products/:namespace/:name/quality', async (req, res) => {
    const { entity } = await productOf(req);
    res.json(
      (await service.productQuality(entity)) satisfies ProductQualityResponse,
    );
  });
  router.post('/products/:namespace/:name/quality/run', async (req, res) => {
    const { product, ref, credentials, entity } = await productOf(req);
    await authorizeOwnersAction(
      options.permissions,
      dataMeshQualityRunPermission,
      product,
      credentials,
      actor => `${actor} may not measure the data quality of ${ref}`,
    );
    await options.runNow(ref);
    res.json(
      (await service.productQuality(entity)) satisfies ProductQualityResponse,
    );
  });
  return router;
}
