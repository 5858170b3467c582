/*
 * `GET /products/:namespace/:name/usage`: the usage of one product, to
 * callers the catalog lets read the product (the catalog's permission
 * decision on the entity is the authorisation: a product the caller may
 * not see is a 404, as in the catalog).
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { productRef } from '../slo/monitors';
import type { UsageService } from './UsageService';
import { parseInput, productParams } from '../parseInput';


export function createUsageRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  service: Pick<UsageService, 'productUsage'>;
}): express.Router {
  const { httpAuth, catalog, service } = options;
  const router = Router();
  router.get('/products/:namespace/:name/usage', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const product = parseInput(productParams, req.params, 'product');
    const ref = productRef(product.namespace, product.name);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`${ref} not found`);
    res.json(await service.productUsage(ref));
  });
  return router;
}
