/*
 * REST API of the Changes timeline: `GET /changes?product=<ref>`, and
 * `GET /changes/latest` (when every product last changed).
 * Described in data-mesh-common's OpenAPI document
 * (src/openapi/data-mesh.openapi.json).
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ProductChangesResponse,
  ProductLastChangesResponse,
  ProductRevision,
} from '@datamesh/plugin-data-mesh-common';
import type express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { fullRef } from '../access/parties';
import type { ChangeStore, RevisionRecord } from './ChangeStore';
import { parseInput } from '../parseInput';

/** @public */
export interface ChangesRouterOptions {
  httpAuth: HttpAuthService;
  store: Pick<ChangeStore, 'list' | 'latest'>;
  catalog: CatalogService;
}

const listQuery = z.object({
  product: z.string().trim().min(1).max(255),
});

const iso = (t: number) => new Date(t).toISOString();

/** A stored revision as the API returns it. */
export function revisionView(r: RevisionRecord): ProductRevision {
  return {
    revision: r.revision,
    ...(r.version !== undefined ? { version: r.version } : {}),
    ...(r.previousVersion !== undefined
      ? { previousVersion: r.previousVersion }
      : {}),
    ingestedAt: iso(r.ingestedAt),
    initial: r.revision === 1,
    breaking: r.breaking,
    versionCheck: { ok: r.versionOk, message: r.versionMessage },
    changes: r.changes,
    ...(r.notified
      ? {
          notified: {
            at: iso(r.notified.at),
            recipients: r.notified.recipients,
          },
        }
      : {}),
  };
}

/**
 * Routes (relative to `/api/data-mesh`): `GET /changes?product=<ref>`,
 * `GET /changes/latest`.
 * @public
 */
export function createChangesRouter(
  options: ChangesRouterOptions,
): express.Router {
  const { httpAuth, store, catalog } = options;
  const router = Router();

  router.get('/changes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(listQuery, req.query, 'query');
    const product = fullRef(query.product, 'dataproduct', 'product');
    if (!product.startsWith('dataproduct:')) {
      throw new InputError(
        `product: '${query.product}' is not a data product reference`,
      );
    }
    // the caller's own credentials: the catalog's read permission decides
    // who sees a product's history, as it decides who sees the product
    const entity = await catalog.getEntityByRef(product, { credentials });
    if (!entity) throw new NotFoundError(`no data product ${product}`);
    const body: ProductChangesResponse = {
      product,
      items: (await store.list(product)).map(revisionView),
    };
    res.json(body);
  });

  router.get('/changes/latest', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const latest = await store.latest();
    // one catalog request with the caller's credentials: a product the
    // caller may not read (or no longer in the catalog) comes back null
    const { items: visible } = latest.length
      ? await catalog.getEntitiesByRefs(
          {
            entityRefs: latest.map(l => l.product),
            fields: ['kind', 'metadata.namespace', 'metadata.name'],
          },
          { credentials },
        )
      : { items: [] };
    const body: ProductLastChangesResponse = {
      items: latest
        .filter((_, i) => visible[i])
        .map(l => ({
          product: l.product,
          revision: l.revision,
          ...(l.version !== undefined ? { version: l.version } : {}),
          ingestedAt: iso(l.ingestedAt),
        })),
    };
    res.json(body);
  });

  return router;
}
