/*
 * REST API of governance (issue 9 §2), read-only:
 *   GET /governance?product=<entity ref>  the product's results, evaluated now
 *   GET /governance/summary               compliance per domain (fleet page)
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  GovernanceProductResponse,
  GovernanceSummaryResponse,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { GovernanceService } from './GovernanceService';
import { parseInput } from '../parseInput';

/** @public */
export interface GovernanceRouterOptions {
  service: GovernanceService;
  httpAuth: HttpAuthService;
}

const productQuery = z.object({
  product: z.string().min(1, 'product is required').max(300),
});

/** @public */
export function createGovernanceRouter(
  options: GovernanceRouterOptions,
): express.Router {
  const { service, httpAuth } = options;
  const router = Router();

  router.get('/governance/summary', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json((await service.summary()) satisfies GovernanceSummaryResponse);
  });

  router.get('/governance', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(productQuery, req.query, 'query');
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(query.product, { defaultKind: 'dataproduct' }),
      );
    } catch (e) {
      throw new InputError(`Invalid query: product: ${(e as Error).message}`);
    }
    const body = await service.product(ref, credentials);
    res.json(body satisfies GovernanceProductResponse);
  });

  return router;
}
