/*
 * REST API of the SLO engine: parse the request, call the SloService,
 * respond. The API is described in data-mesh-common's OpenAPI document
 * (src/openapi/data-mesh.yaml).
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { SLO_DIMENSIONS } from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SloService, type SloServiceOptions } from './SloService';
import { parseInput, productParams } from '../parseInput';

/** @public */
export interface SloRouterOptions extends SloServiceOptions {
  httpAuth: HttpAuthService;
}


const listParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform(v =>
    [v ?? []]
      .flat()
      .flatMap(s => s.split(','))
      .map(s => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(255)).max(200));

const fleetQuery = z.object({
  owner: listParam,
  domain: listParam,
  status: z.enum(['ok', 'breaching', 'no-data']).optional(),
  mine: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(10000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const productQuery = z.object({
  observations: z.coerce.number().int().min(0).max(100).optional(),
});

const pushedResult = z
  .object({
    slo: z.string().min(1).max(63).optional(),
    dimension: z.enum(SLO_DIMENSIONS).optional(),
    passed: z.boolean(),
    observedAt: z.string().datetime({ offset: true }).optional(),
    reason: z.string().max(1000).optional(),
    details: z.record(z.unknown()).optional(),
  })
  .strict()
  .refine(r => r.slo !== undefined || r.dimension !== undefined, {
    message: 'name the objective (slo) or the dimension the result is about',
  })
  .refine(
    r => r.details === undefined || JSON.stringify(r.details).length <= 8192,
    {
      message: 'details must be at most 8 KiB of JSON',
      path: ['details'],
    },
  );
const pushBody = z.union([pushedResult, z.array(pushedResult).min(1).max(100)]);

/**
 * Routes (relative to `/api/data-mesh`):
 * `GET /products/:namespace/:name/slos`, `GET /slos`,
 * `POST /products/:namespace/:name/observations`.
 * @public
 */
export function createSloRouter(options: SloRouterOptions): express.Router {
  const { httpAuth } = options;
  const service = new SloService(options);
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  const caller = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/products/:namespace/:name/slos', async (req, res) => {
    await caller(req);
    const product = parseInput(productParams, req.params, 'product');
    const query = parseInput(productQuery, req.query, 'query');
    res.json(await service.productSlos(product, query));
  });

  router.get('/slos', async (req, res) => {
    const credentials = await caller(req);
    const query = parseInput(fleetQuery, req.query, 'query');
    res.json(
      await service.fleet(
        {
          owners: query.owner,
          domains: query.domain,
          status: query.status,
          mine: query.mine === 'true',
          limit: query.limit,
          offset: query.offset,
        },
        credentials,
      ),
    );
  });

  router.post('/products/:namespace/:name/observations', async (req, res) => {
    const credentials = await caller(req);
    const product = parseInput(productParams, req.params, 'product');
    const input = parseInput(pushBody, req.body, 'results');
    const results = Array.isArray(input) ? input : [input];
    res
      .status(201)
      .json(await service.pushResults(product, results, credentials));
  });

  return router;
}
