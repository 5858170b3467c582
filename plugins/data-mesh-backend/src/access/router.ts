/*
 * REST API of access requests: parse the request with zod, call the
 * AccessService, respond. Described in data-mesh-common's OpenAPI document
 * (src/openapi/data-mesh.openapi.json).
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  type AccessRequestConnection,
  type ProductReadersResponse,
  ACCESS_REQUEST_STATES,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { AccessService } from './AccessService';
import { parseInput } from '../parseInput';

/** @public */
export interface AccessRouterOptions {
  httpAuth: HttpAuthService;
  service: Pick<
    AccessService,
    | 'create'
    | 'record'
    | 'list'
    | 'approve'
    | 'reject'
    | 'revoke'
    | 'extend'
    | 'cancel'
    | 'connection'
    | 'readers'
  >;
}

const ref = z.string().trim().min(1).max(255);

const createBody = z
  .object({
    product: ref,
    outputPort: z.string().trim().min(1).max(255),
    consumer: ref,
    purpose: z.string().trim().min(1, 'a purpose is required').max(2000),
    pii: z.boolean().optional(),
    duration: z.string().trim().min(1).max(32).optional(),
  })
  .strict();

const recordBody = createBody
  .extend({
    requestedBy: ref.optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict();

const actionBody = z
  .object({
    comment: z.string().max(2000).optional(),
    duration: z.string().trim().min(1).max(32).optional(),
  })
  .strict();

const listQuery = z.object({
  product: ref.optional(),
  consumer: ref.optional(),
  state: z.enum(ACCESS_REQUEST_STATES).optional(),
  pii: z.enum(['true', 'false']).optional(),
  mine: z.enum(['true', 'false']).optional(),
  ours: z.enum(['true', 'false']).optional(),
  inbox: z.enum(['true', 'false']).optional(),
});

const readersQuery = z.object({ product: ref.optional() });

// request ids are 16 hex digits; anything else cannot exist
const idParams = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/, 'not an access request id'),
});

/**
 * Routes (relative to `/api/data-mesh`): `POST /access-requests`,
 * `POST /access-requests/record`,
 * `GET /access-requests`, `POST /access-requests/:id/approve|reject|revoke|extend|cancel`,
 * `GET /access-requests/:id/connection`, `GET /access/readers`.
 * @public
 */
export function createAccessRouter(
  options: AccessRouterOptions,
): express.Router {
  const { httpAuth, service } = options;
  const router = Router();
  router.use('/access-requests', express.json({ limit: '64kb' }));
  const caller = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.post('/access-requests', async (req, res) => {
    const credentials = await caller(req);
    const body = parseInput(createBody, req.body, 'access request');
    res.status(201).json(await service.create(body, credentials));
  });

  router.post('/access-requests/record', async (req, res) => {
    const credentials = await caller(req);
    const body = parseInput(recordBody, req.body, 'access agreement');
    res.status(201).json(await service.record(body, credentials));
  });

  router.get('/access-requests', async (req, res) => {
    const credentials = await caller(req);
    const query = parseInput(listQuery, req.query, 'query');
    const items = await service.list(
      {
        ...query,
        pii: query.pii === undefined ? undefined : query.pii === 'true',
        mine: query.mine === 'true',
        ours: query.ours === 'true',
        inbox: query.inbox === 'true',
      },
      credentials,
    );
    res.json({ items });
  });

  router.get('/access/readers', async (req, res) => {
    await caller(req);
    const { product } = parseInput(readersQuery, req.query, 'query');
    const body = { items: await service.readers(product) };
    res.json(body satisfies ProductReadersResponse);
  });

  router.get('/access-requests/:id/connection', async (req, res) => {
    const credentials = await caller(req);
    const { id } = parseInput(idParams, req.params, 'access request id');
    const body = await service.connection(id, credentials);
    res.json(body satisfies AccessRequestConnection);
  });

  for (const action of [
    'approve',
    'reject',
    'revoke',
    'extend',
    'cancel',
  ] as const) {
    router.post(`/access-requests/:id/${action}`, async (req, res) => {
      const credentials = await caller(req);
      const { id } = parseInput(idParams, req.params, 'access request id');
      const body = parseInput(actionBody, req.body, `${action} body`);
      if (body.duration !== undefined && action !== 'extend') {
        throw new InputError(
          `Invalid ${action} body: duration: only extend takes a duration`,
        );
      }
      res.json(await service[action](id, body, credentials));
    });
  }

  return router;
}
