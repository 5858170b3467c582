/*
 * REST API of drift detection (documented in the plugin README):
 *   GET /products/:namespace/:name/infrastructure  declared vs actual, one product
 *   GET /infrastructure/drift                      every product, one introspection
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  InfrastructureDriftSummaryResponse,
  ProductInfrastructureResponse,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { InfrastructureService } from './InfrastructureService';

/** @public */
export interface InfrastructureRouterOptions {
  service: InfrastructureService;
  httpAuth: HttpAuthService;
}

// Backstage's rule for entity names and namespaces (letters, digits, - _ .), at most 63.
const entityPart = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a valid entity name');
const productParams = z.object({ namespace: entityPart, name: entityPart });

/**
 * Routes of the infrastructure API, to mount on the plugin's router
 * (`router.use(createInfrastructureRouter(...))`). Warehouse failures
 * answer 502 with the warehouse's message (secrets removed), through the
 * backend's error handler.
 * @public
 */
export function createInfrastructureRouter(
  options: InfrastructureRouterOptions,
): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/products/:namespace/:name/infrastructure', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const parsed = productParams.safeParse(req.params);
    if (!parsed.success) {
      throw new InputError(
        `Invalid product: ${parsed.error.issues
          .map(i => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    const body = await service.getProductInfrastructure(
      parsed.data,
      credentials,
    );
    res.json(body satisfies ProductInfrastructureResponse);
  });

  router.get('/infrastructure/drift', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = await service.getDriftSummary(credentials);
    res.json(body satisfies InfrastructureDriftSummaryResponse);
  });

  return router;
}
