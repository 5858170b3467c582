/*
 * REST API of drift detection (documented in the plugin README):
 *   GET /products/:namespace/:name/infrastructure  declared vs actual, one product
 *   GET /infrastructure/drift                      every product, one introspection
 *   GET /infrastructure/unexplained-grants         grants made by hand the watch last found
 *   GET /infrastructure/leftovers                  what products left behind (one look at the warehouse)
 *   GET /infrastructure/leftovers/seen             what the leftovers watch last found
 *   POST /products/:namespace/:name/leftovers/drop  owners, or the platform team: drop what it left
 *   PUT|DELETE /products/:namespace/:name/leftovers/keep  the same: keep it on purpose, or no longer
 *   POST /products/:namespace/:name/infrastructure/apply  owners: provision, or repair drift
 *   POST /products/:namespace/:name/infrastructure/reports  owners: report a change made elsewhere
 *   POST /products/:namespace/:name/access-drift/repair  owners: apply the access repair
 *   POST /products/:namespace/:name/sandboxes  owners: make a branch's sandbox
 *   DELETE /products/:namespace/:name/sandboxes/:branch  owners: drop a branch's sandbox
 *   POST /products/:namespace/:name/sandboxes/:branch/keep  owners: keep it past its expiry
 *   POST /products/:namespace/:name/sandbox-claims  owners: claim a branch's sandbox to change it elsewhere
 *   PUT|DELETE /products/:namespace/:name/sandbox-claims/:id  its holder: keep it, end it
 *   POST /infrastructure/repairs      apply many products' plans in the backend (each: owners)
 *   GET /infrastructure/repairs[/:id] the latest repair runs, or one
 *   POST /infrastructure/repairs/:id/stop  its requester, or who may apply what it has left
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  AccessDriftRepairResponse,
  InfrastructureChangeReportResponse,
  InfrastructureApplyResponse,
  InfrastructureDriftSummaryResponse,
  InfrastructureLeftoversResponse,
  LeftoverDropResponse,
  LeftoversSeenResponse,
  LeftoverKeepResponse,
  InfrastructureRepairRun,
  InfrastructureRepairRunListResponse,
  SandboxClaim,
  SandboxCreateResult,
  ProductInfrastructureResponse,
  SandboxDeleteResponse,
  SandboxKeepResponse,
  UnexplainedGrantsResponse,
} from '@datamesh/plugin-data-mesh-common';
import {
  INFRASTRUCTURE_CHANGE_SOURCES,
  SANDBOX_CHANGES,
  accessRef,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { AccessDriftRepair } from './accessRepair';
import type { InfrastructureService } from './InfrastructureService';
import type { InfrastructureApply } from './infrastructureApply';
import type { InfrastructureChangeReports } from './changeReports';
import type { LeftoverCleanup } from './leftovers';
import type { leftoversSeenView } from './leftoverWatch';
import type { SandboxDeletion } from './sandboxes';
import type { SandboxKeeping } from './sandboxKeep';
import type { SandboxCreation } from './sandboxCreate';
import type { SandboxClaims } from './sandboxClaims';
import type { InfrastructureRepairRuns } from './repairRuns';
import type { unexplainedGrantsView } from './unexplainedGrants';
import { parseInput, productParams } from '../parseInput';

/** @public */
export interface InfrastructureRouterOptions {
  service: InfrastructureService;
  httpAuth: HttpAuthService;
  /** Without it (no access requests), repairs answer 409. */
  repair?: Pick<AccessDriftRepair, 'repair'>;
  /** Without it, applying a product's plan answers 409. */
  apply?: Pick<InfrastructureApply, 'apply'>;
  /** Without it, reporting a change answers 409. */
  changeReports?: Pick<InfrastructureChangeReports, 'report'>;
  /** Without it, deleting a sandbox answers 409. */
  sandboxes?: Pick<SandboxDeletion, 'delete'>;
  /** Without it, making a sandbox answers 409. */
  newSandboxes?: Pick<SandboxCreation, 'create'>;
  /** Without it, keeping a sandbox answers 409. */
  keptSandboxes?: Pick<SandboxKeeping, 'keep'>;
  /** Without it, claiming a branch's sandbox answers 409. */
  sandboxClaims?: Pick<SandboxClaims, 'claim' | 'refresh' | 'release'>;
  /** Without it, repair runs answer 409. */
  runs?: Pick<InfrastructureRepairRuns, 'start' | 'get' | 'latest' | 'stop'>;
  /** Without it, no grant made by hand is listed (`watching: false`). */
  unexplainedGrants?: ReturnType<typeof unexplainedGrantsView>;
  /** Without it, schemas left behind answer 409. */
  leftovers?: Pick<LeftoverCleanup, 'list' | 'drop' | 'keep' | 'stopKeeping'>;
  /** Without it, nothing the leftovers watch saw is listed (`watching: false`). */
  leftoversSeen?: ReturnType<typeof leftoversSeenView>;
}

const sandboxParams = productParams.extend({
  // the branch rule itself (and its message) is the sandbox engine's
  branch: z.string().min(1).max(100),
});
const applyBody = z
  .object({ allowDestructive: z.boolean().optional() })
  .strict();
// what the OpenAPI document's InfrastructureChangeReport allows
const reportedChange = {
  source: z.enum(INFRASTRUCTURE_CHANGE_SOURCES as ['template', 'cli']),
  error: z.string().max(4_000).optional(),
  stage: z.string().min(1).max(63).optional(),
  reference: z.string().min(1).max(500).optional(),
  owner: z.string().min(1).max(300).optional(),
};
const schemaNames = z.array(z.string().max(1_000)).max(100);
const reportedBranch = z.string().min(1).max(100);
const changeReportBody = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('infrastructure-apply'),
      statements: z.array(z.string().max(20_000)).max(5_000),
      allowDestructive: z.boolean(),
      ...reportedChange,
    })
    .strict(),
  z
    .object({
      action: z.literal('sandbox-create'),
      branch: reportedBranch,
      schemas: schemaNames,
      method: z.enum(['zero-copy', 'copy']).optional(),
      replaced: schemaNames.optional(),
      ...reportedChange,
    })
    .strict(),
  z
    .object({
      action: z.literal('sandbox-delete'),
      branch: reportedBranch,
      dropped: schemaNames,
      ...reportedChange,
    })
    .strict(),
]);
const repairBody = z
  .object({ revokeUnmanaged: z.boolean().optional() })
  .strict();
const repairRunBody = z
  .object({
    // the service checks each is a data product's ref, and how many
    products: z.array(z.string().min(1).max(300)).min(1),
    allowDestructive: z.boolean().optional(),
  })
  .strict();
const runParams = z.object({ id: z.string().max(64) });
const unexplainedQuery = z
  .object({ product: z.string().trim().min(1).max(255).optional() })
  .strict();
const runsQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(50).optional() })
  .strict();
const claimBody = z
  .object({
    // the branch rule itself (and its message) is the sandbox engine's
    branch: z.string().min(1).max(100),
    change: z.enum(SANDBOX_CHANGES as ['create', 'delete']),
    source: z.enum(INFRASTRUCTURE_CHANGE_SOURCES as ['template', 'cli']),
    reference: z.string().max(500).optional(),
  })
  .strict();
const claimParams = productParams.extend({ id: z.string().min(1).max(64) });
// why a product's leftovers are kept on purpose
const leftoverKeepBody = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict();
// names as the leftovers list gives them; the service drops only those still left behind
const leftoverDropBody = z
  .object({
    schemas: z
      .array(
        z
          .object({
            database: z.string().min(1).max(255),
            schema: z.string().min(1).max(255),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    roles: z.array(z.string().min(1).max(255)).max(100).optional(),
  })
  .strict()
  .refine(b => (b.schemas?.length ?? 0) + (b.roles?.length ?? 0) > 0, {
    message: 'name at least one schema or role',
  });
const sandboxBody = z
  .object({
    // the branch rule itself (and its message) is the sandbox engine's
    branch: z.string().min(1).max(100),
    layers: z
      .array(z.enum(['raw', 'intermediate', 'output']))
      .min(1)
      .optional(),
    replace: z.boolean().optional(),
  })
  .strict();

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
  const {
    service,
    httpAuth,
    repair,
    apply,
    changeReports,
    sandboxes,
    newSandboxes,
    keptSandboxes,
    sandboxClaims,
    runs,
    unexplainedGrants,
  } = options;
  const claims = () => {
    if (!sandboxClaims) {
      throw new ConflictError('sandboxes are not claimed here');
    }
    return sandboxClaims;
  };
  const repairRuns = () => {
    if (!runs) throw new ConflictError('repair runs are not kept here');
    return runs;
  };
  const router = Router();

  router.get('/products/:namespace/:name/infrastructure', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const product = parseInput(productParams, req.params, 'product');
    const body = await service.getProductInfrastructure(product, credentials);
    res.json(body satisfies ProductInfrastructureResponse);
  });

  router.get('/infrastructure/drift', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = await service.getDriftSummary(credentials);
    res.json(body satisfies InfrastructureDriftSummaryResponse);
  });

  const leftoverSchemas = () => {
    if (!options.leftovers) {
      throw new ConflictError('schemas left behind are not looked for here');
    }
    return options.leftovers;
  };

  router.get('/infrastructure/leftovers', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body = await leftoverSchemas().list();
    res.json(body satisfies InfrastructureLeftoversResponse);
  });

  router.get('/infrastructure/leftovers/seen', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = options.leftoversSeen
      ? await options.leftoversSeen.list(credentials)
      : { watching: false, items: [] };
    res.json(body satisfies LeftoversSeenResponse);
  });

  router.post('/products/:namespace/:name/leftovers/drop', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const product = parseInput(productParams, req.params, 'product');
    const body = parseInput(leftoverDropBody, req.body, 'leftover drop');
    const result = await leftoverSchemas().drop(product, body, credentials);
    res.json(result satisfies LeftoverDropResponse);
  });

  router.put('/products/:namespace/:name/leftovers/keep', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const product = parseInput(productParams, req.params, 'product');
    const body = parseInput(leftoverKeepBody, req.body, 'leftover keep');
    const result = await leftoverSchemas().keep(product, body, credentials);
    res.json(result satisfies LeftoverKeepResponse);
  });

  router.delete(
    '/products/:namespace/:name/leftovers/keep',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const product = parseInput(productParams, req.params, 'product');
      const result = await leftoverSchemas().stopKeeping(product, credentials);
      res.json(result satisfies LeftoverKeepResponse);
    },
  );

  router.get('/infrastructure/unexplained-grants', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { product } = parseInput(unexplainedQuery, req.query, 'query');
    let ref: string | undefined;
    if (product) {
      try {
        ref = accessRef(product, 'dataproduct');
      } catch {
        throw new InputError(
          `product: '${product}' is not an entity reference`,
        );
      }
    }
    const body = unexplainedGrants
      ? await unexplainedGrants.list(credentials, ref)
      : { watching: false, items: [] };
    res.json(body satisfies UnexplainedGrantsResponse);
  });

  router.post(
    '/products/:namespace/:name/access-drift/repair',
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const product = parseInput(productParams, req.params, 'product');
      const body = parseInput(repairBody, req.body, 'repair body');
      if (!repair) {
        throw new ConflictError('access requests are not checked here');
      }
      const result = await repair.repair(product, body, credentials);
      res.json(result satisfies AccessDriftRepairResponse);
    },
  );

  router.post(
    '/products/:namespace/:name/infrastructure/apply',
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const product = parseInput(productParams, req.params, 'product');
      const body = parseInput(applyBody, req.body, 'apply body');
      if (!apply) {
        throw new ConflictError('infrastructure is not applied here');
      }
      const result = await apply.apply(product, body, credentials);
      res.json(result satisfies InfrastructureApplyResponse);
    },
  );

  router.post(
    '/products/:namespace/:name/infrastructure/reports',
    // an apply of up to 5,000 statements
    express.json({ limit: '4mb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const product = parseInput(productParams, req.params, 'product');
      const body = parseInput(changeReportBody, req.body, 'change report');
      if (!changeReports) {
        throw new ConflictError('changes are not recorded here');
      }
      const result = await changeReports.report(product, body, credentials);
      res.status(201).json(result satisfies InfrastructureChangeReportResponse);
    },
  );

  router.post(
    '/products/:namespace/:name/sandboxes',
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const product = parseInput(productParams, req.params, 'product');
      const body = parseInput(sandboxBody, req.body, 'sandbox');
      if (!newSandboxes) {
        throw new ConflictError('sandboxes are not made here');
      }
      const result = await newSandboxes.create(product, body, credentials);
      // 202: still copying, the backend goes on and tells the requester
      res
        .status(result.status === 'made' ? 201 : 202)
        .json(result satisfies SandboxCreateResult);
    },
  );

  router.delete(
    '/products/:namespace/:name/sandboxes/:branch',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { branch, ...product } = parseInput(
        sandboxParams,
        req.params,
        'sandbox',
      );
      if (!sandboxes) {
        throw new ConflictError('sandboxes are not deleted here');
      }
      const result = await sandboxes.delete(product, branch, credentials);
      res.json(result satisfies SandboxDeleteResponse);
    },
  );

  router.post(
    '/products/:namespace/:name/sandboxes/:branch/keep',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { branch, ...product } = parseInput(
        sandboxParams,
        req.params,
        'sandbox',
      );
      if (!keptSandboxes) {
        throw new ConflictError('sandboxes are not kept here');
      }
      const result = await keptSandboxes.keep(product, branch, credentials);
      res.json(result satisfies SandboxKeepResponse);
    },
  );

  router.post(
    '/products/:namespace/:name/sandbox-claims',
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const product = parseInput(productParams, req.params, 'product');
      const body = parseInput(claimBody, req.body, 'sandbox claim');
      const claim = await claims().claim(product, body, credentials);
      res.status(201).json(claim satisfies SandboxClaim);
    },
  );

  /** The caller and the claim a `…/sandbox-claims/:id` request names. */
  const claimOf = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { id, ...product } = parseInput(
      claimParams,
      req.params,
      'sandbox claim',
    );
    return { credentials, id, product };
  };

  router.put(
    '/products/:namespace/:name/sandbox-claims/:id',
    async (req, res) => {
      const { credentials, id, product } = await claimOf(req);
      const claim = await claims().refresh(product, id, credentials);
      res.json(claim satisfies SandboxClaim);
    },
  );

  router.delete(
    '/products/:namespace/:name/sandbox-claims/:id',
    async (req, res) => {
      const { credentials, id, product } = await claimOf(req);
      await claims().release(product, id, credentials);
      res.status(204).end();
    },
  );

  router.post(
    '/infrastructure/repairs',
    // a run of 1,000 products' refs
    express.json({ limit: '256kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parseInput(repairRunBody, req.body, 'repair run');
      const run = await repairRuns().start(body, credentials);
      res.status(202).json(run satisfies InfrastructureRepairRun);
    },
  );

  router.get('/infrastructure/repairs', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { limit } = parseInput(runsQuery, req.query, 'query');
    const items = await repairRuns().latest(limit);
    res.json({ items } satisfies InfrastructureRepairRunListResponse);
  });

  router.get('/infrastructure/repairs/:id', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { id } = parseInput(runParams, req.params, 'repair run');
    const run = await repairRuns().get(id);
    res.json(run satisfies InfrastructureRepairRun);
  });

  router.post('/infrastructure/repairs/:id/stop', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseInput(runParams, req.params, 'repair run');
    const run = await repairRuns().stop(id, credentials);
    res.json(run satisfies InfrastructureRepairRun);
  });

  return router;
}
