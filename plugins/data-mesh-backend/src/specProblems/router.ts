/*
 * REST API of spec problems (described in data-mesh-common's OpenAPI
 * document, src/openapi/data-mesh.openapi.json):
 *   GET  /spec-problems   spec files the catalog could not ingest, located
 *   POST /specs/check     read a pasted or linked spec; nothing is written
 */
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  SPEC_FORMATS,
  type SpecCheckRequest,
  type SpecCheckResponse,
  type SpecProblemsResponse,
  validateIdentifier,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { SpecProblemsService } from './SpecProblemsService';
import { parseInput } from '../parseInput';

/** @public */
export interface SpecProblemsRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  service: Pick<SpecProblemsService, 'list'>;
  check: (request: SpecCheckRequest) => Promise<SpecCheckResponse>;
}

/** Large enough for any product with its contracts, small enough to refuse a dump. */
export const MAX_SPEC_BYTES = 1_000_000;

const listQuery = z.object({
  mine: z.enum(['true', 'false']).optional(),
  owner: z.string().trim().min(1).max(255).optional(),
});

const checkBody = z
  .object({
    yaml: z.string().max(MAX_SPEC_BYTES).optional(),
    url: z
      .string()
      .max(2000)
      .url()
      .refine(u => /^https?:\/\//i.test(u), 'only http and https URLs')
      .optional(),
    format: z.enum(SPEC_FORMATS as [string, ...string[]]).optional(),
    stage: z
      .string()
      .max(63)
      .superRefine((stage, ctx) => {
        const problem = validateIdentifier(stage, 'stage');
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  })
  .strict()
  .refine(b => (b.yaml === undefined) !== (b.url === undefined), {
    message: 'give either yaml (the spec text) or url, not both',
  });

/** @public */
export function createSpecProblemsRouter(
  options: SpecProblemsRouterOptions,
): express.Router {
  const { httpAuth, userInfo, service, check } = options;
  const router = Router();

  router.get('/spec-problems', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(listQuery, req.query, 'query');
    const snapshot = await service.list();
    let items = snapshot.items;
    if (query.owner) {
      const owner = query.owner.toLowerCase();
      items = items.filter(p => p.owner?.toLowerCase() === owner);
    }
    if (query.mine === 'true') {
      if (credentials.principal.type !== 'user') {
        throw new InputError('mine=true needs user credentials');
      }
      const { ownershipEntityRefs } = await userInfo.getUserInfo(
        credentials as BackstageCredentials<BackstageUserPrincipal>,
      );
      const mine = new Set(ownershipEntityRefs.map(r => r.toLowerCase()));
      items = items.filter(p => p.owner && mine.has(p.owner.toLowerCase()));
    }
    const body: SpecProblemsResponse = {
      items,
      total: snapshot.items.length,
      checkedAt: new Date(snapshot.checkedAt).toISOString(),
      unprocessedSource: snapshot.unprocessedSource,
    };
    res.json(body);
  });

  router.post('/specs/check', async (req, res) => {
    // any signed-in user; it reads and plans, and writes nothing
    await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(checkBody, req.body, 'request');
    res.json(await check(body as SpecCheckRequest));
  });

  return router;
}
