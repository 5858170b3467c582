/*
 * `GET /products/:namespace/:name/quality`: a product's data-quality checks
 * and results, to callers the catalog lets read the product (a product the
 * caller may not see is a 404, as in the catalog). `POST …/quality/run`:
 * its owners measure them now (permission `data-mesh.quality.run`).
 * `POST …/quality/reports`: a pipeline's counts of them (owners, admins,
 * services; the same permission). `GET /quality/failing`: the caller's
 * teams' products whose checks stand failing, for the home page;
 * `GET /quality/products`: where every product's checks stand, for the
 * data products list.
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
  type QualityMeasure,
  type QualityProductsResponse,
  type QualityReportResponse,
  QUALITY_REPORT_SOURCES,
  dataMeshQualityRunPermission,
  fromCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { authorizeOwnersAction } from '../infra/ownersAction';
import { parseInput, productParams } from '../parseInput';
import { isDataProduct, productRef } from '../slo/monitors';
import type { QualityService } from './QualityService';

const name = z.string().min(1).max(255);
const listed = z.array(z.string().max(200)).max(100);
// the shape (and key order) qualityMeasureKey hashes: kind, column(s), values
const measure = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rows') }).strict(),
  z.object({ kind: z.literal('nonNull'), column: name }).strict(),
  z.object({ kind: z.literal('distinct'), column: name }).strict(),
  z
    .object({
      kind: z.literal('inList'),
      column: name,
      values: listed,
      numeric: z.literal(true).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('notInList'),
      column: name,
      values: listed,
      numeric: z.literal(true).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('notMatching'),
      column: name,
      pattern: z.string().min(1).max(500),
    })
    .strict(),
  z
    .object({ kind: z.literal('nonNullRows'), columns: z.array(name).max(10) })
    .strict(),
  z
    .object({ kind: z.literal('distinctRows'), columns: z.array(name).max(10) })
    .strict(),
  z
    .object({ kind: z.literal('query'), query: z.string().min(1).max(10_000) })
    .strict(),
]) satisfies z.ZodType<QualityMeasure>;

const reportBody = z
  .object({
    source: z.enum(QUALITY_REPORT_SOURCES),
    stage: z.string().min(1).max(100).optional(),
    reference: z.string().min(1).max(500).optional(),
    checks: z
      .array(
        z
          .object({
            key: z.string().min(1).max(400),
            table: z
              .object({ database: name, schema: name, table: name })
              .strict()
              .optional(),
            counts: z
              .array(
                z
                  .object({ measure, count: z.number().finite() })
                  .strict()
                  // a sql check's number is any number; the rest are counts
                  .refine(
                    c =>
                      c.measure.kind === 'query' ||
                      (Number.isInteger(c.count) && c.count >= 0),
                    { message: 'a count is a whole number from 0' },
                  ),
              )
              .max(10)
              .optional(),
            error: z.string().min(1).max(2000).optional(),
          })
          .strict()
          .refine(c => (c.counts === undefined) !== (c.error === undefined), {
            message: 'either counts or an error',
          }),
      )
      .min(1)
      .max(2000),
  })
  .strict();

export function createQualityRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  service: Pick<
    QualityService,
    'productQuality' | 'failingOwnedBy' | 'products' | 'report'
  >;
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
  router.get('/quality/products', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json((await service.products()) satisfies QualityProductsResponse);
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
  router.post(
    '/products/:namespace/:name/quality/reports',
    // up to 2,000 checks with their counts
    express.json({ limit: '2mb' }),
    async (req, res) => {
      const body = parseInput(reportBody, req.body, 'quality report');
      const { product, ref, credentials, entity } = await productOf(req);
      await authorizeOwnersAction(
        options.permissions,
        dataMeshQualityRunPermission,
        product,
        credentials,
        actor => `${actor} may not report the data quality of ${ref}`,
      );
      res
        .status(201)
        .json(
          (await service.report(
            entity,
            body,
            credentials,
          )) satisfies QualityReportResponse,
        );
    },
  );
  return router;
}
