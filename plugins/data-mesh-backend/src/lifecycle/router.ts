/*
 * REST API of product lifecycle, described in data-mesh-common's OpenAPI
 * document: the lifecycle record, deprecation (owners), the retirement
 * plan and its step-by-step application (owners, each destructive step
 * confirmed). Also the admission check that keeps a deprecated product
 * from taking new access requests, placed in front of the access router.
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { RETIREMENT_STEP_IDS } from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { LifecycleService } from './LifecycleService';
import type { RetirementRunner } from './retire';
import { parseInput, productParams } from '../parseInput';

/** @public */
export interface LifecycleRouterOptions {
  httpAuth: HttpAuthService;
  service: Pick<LifecycleService, 'view' | 'deprecate'>;
  retirement: Pick<RetirementRunner, 'plan' | 'apply'>;
}

const params = productParams;

const deprecationBody = z
  .object({
    retireAt: z.string().trim().min(1).max(40),
    successor: z.string().trim().min(1).max(255).optional(),
    reason: z.string().max(2000).optional(),
    acceptNewRequests: z.boolean().optional(),
  })
  .strict();

const applyBody = z
  .object({
    confirm: z
      .array(z.enum(RETIREMENT_STEP_IDS))
      .max(RETIREMENT_STEP_IDS.length),
    force: z.boolean().optional(),
    reason: z.string().max(2000).optional(),
  })
  .strict();

/**
 * Routes (relative to `/api/data-mesh`): `GET /lifecycle/:namespace/:name`,
 * `POST …/deprecation`, `GET|POST …/retirement`.
 * @public
 */
export function createLifecycleRouter(
  options: LifecycleRouterOptions,
): express.Router {
  const { httpAuth, service, retirement } = options;
  const router = Router();
  router.use('/lifecycle', express.json({ limit: '64kb' }));
  const caller = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  const productRef = (req: express.Request) => {
    const p = parseInput(params, req.params, 'product');
    return `dataproduct:${p.namespace}/${p.name}`;
  };

  router.get('/lifecycle/:namespace/:name', async (req, res) => {
    await caller(req);
    res.json(await service.view(productRef(req)));
  });

  router.post('/lifecycle/:namespace/:name/deprecation', async (req, res) => {
    const credentials = await caller(req);
    const body = parseInput(deprecationBody, req.body, 'deprecation');
    res.json(await service.deprecate(productRef(req), body, credentials));
  });

  router.get('/lifecycle/:namespace/:name/retirement', async (req, res) => {
    const credentials = await caller(req);
    res.json(await retirement.plan(productRef(req), credentials));
  });

  router.post('/lifecycle/:namespace/:name/retirement', async (req, res) => {
    const credentials = await caller(req);
    const body = parseInput(applyBody, req.body, 'retirement');
    res.json(await retirement.apply(productRef(req), body, credentials));
  });

  return router;
}

/** New access to a product: requested, or recorded by its owners. */
const ADMITTED_PATHS = new Set(['/access-requests', '/access-requests/record']);

/**
 * Refuses `POST /access-requests` (and `…/record`) to a deprecated product (409) unless its
 * owners keep accepting requests; everything else passes through. A plain
 * middleware, not a route: the access router serves the operation.
 * @public
 */
export function createAccessAdmissionMiddleware(
  service: Pick<LifecycleService, 'admission'>,
): express.RequestHandler {
  const json = express.json({ limit: '64kb' });
  const check: express.RequestHandler = (req, _res, next) => {
    const product = (req.body as { product?: unknown } | undefined)?.product;
    if (typeof product !== 'string' || product.trim() === '') {
      next();
      return;
    }
    service
      .admission(product)
      .then(refusal => next(refusal ? new ConflictError(refusal) : undefined))
      // a ref the access router would refuse anyway is left to it
      .catch(e => next(e instanceof InputError ? undefined : e));
  };
  return (req, res, next) => {
    if (req.method !== 'POST' || !ADMITTED_PATHS.has(req.path)) {
      next();
      return;
    }
    json(req, res, err => (err ? next(err) : check(req, res, next)));
  };
}
