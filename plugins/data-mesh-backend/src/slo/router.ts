/*
 * REST API of the SLO engine (documented in the plugin README).
 */
import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  type ProductSlosResponse,
  SLO_DIMENSIONS,
  type SloFleetResponse,
  type SloObjectiveReport,
  type SloObservationReport,
  type SloPushResponse,
  evaluateTimeslices,
  millisToDuration,
  warehouseErrorOf,
} from '@datamesh/plugin-data-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { SloClock, SloCollector } from './collector';
import { productRef } from './monitors';
import type {
  MonitorEvaluation,
  MonitorRecord,
  ObservationInput,
  SloStore,
} from './SloStore';

/** @public */
export interface SloRouterOptions {
  store: SloStore;
  collector: SloCollector;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  logger: LoggerService;
  clock: SloClock;
  recentSlices: number;
  retentionMs: number;
}

// Entity namespaces and names: letters, digits, - _ . (Backstage's rule), at most 63.
const entityPart = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a valid entity name');
const productParams = z.object({ namespace: entityPart, name: entityPart });

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

/** How far in the future a pushed result may be stamped (clock skew of CI runners). */
const MAX_FUTURE_MS = 5 * 60_000;

function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

const isoAt = (t: number) => new Date(t).toISOString();
const iso = (t: number | undefined) => (t === undefined ? undefined : isoAt(t));

function objectiveView(
  m: MonitorRecord,
  evaluation: MonitorEvaluation | undefined,
  extra: {
    now: number;
    slices: {
      start: number;
      checks: number;
      passed: number;
      rowCount?: number;
      lastAlteredAt?: number;
    }[];
    observations: ReturnType<typeof observationView>[];
    alert?: { state: string; since?: number; notifiedAt?: number };
    recentSlices: number;
  },
): SloObjectiveReport {
  const base = {
    name: m.sloName,
    ...(m.title ? { title: m.title } : {}),
    dimension: m.dimension,
    objective: m.objective,
    ...(m.dataset ? { dataset: m.dataset } : {}),
    table: m.table
      ? `${m.table.database}.${m.table.schema}.${m.table.table}`
      : null,
    ...(m.problem ? { problem: m.problem } : {}),
    target: m.target,
    window: m.window,
    slice: m.slice,
    ...(m.maxAgeMs !== undefined
      ? { maxAge: millisToDuration(m.maxAgeMs) }
      : {}),
    ...(m.tolerance !== undefined ? { tolerance: m.tolerance } : {}),
  };
  if (!evaluation) {
    return {
      ...base,
      sli: null,
      status: 'no-data' as const,
      good: 0,
      bad: 0,
      noData: 0,
      total: 0,
      errorBudget: { allowedBad: 0, bad: 0, remaining: 1, exhausted: false },
      burnRate: { window: 0, recent: 0, recentSlices: 0 },
      windowStart: null,
      windowEnd: null,
      alert: { state: 'ok' },
      history: [],
      latestObservations: extra.observations,
    };
  }
  // The history is laid out by the same rules as the SQL evaluation (the
  // reference implementation); its rows are at most window/slice + 1.
  const reference = evaluateTimeslices({
    now: extra.now,
    windowMs: m.windowMs,
    sliceMs: m.sliceMs,
    target: m.target,
    firstObservedAt: m.firstObservedAt,
    slices: extra.slices,
    recentSlices: extra.recentSlices,
  });
  const stats = new Map(extra.slices.map(s => [s.start, s]));
  return {
    ...base,
    sli: evaluation.sli,
    status: evaluation.status,
    good: evaluation.good,
    bad: evaluation.bad,
    noData: evaluation.noData,
    total: evaluation.total,
    errorBudget: evaluation.errorBudget,
    burnRate: evaluation.burnRate,
    // never observed: there is no window yet
    windowStart:
      m.firstObservedAt === undefined ? null : isoAt(evaluation.plan.start),
    windowEnd:
      m.firstObservedAt === undefined ? null : isoAt(evaluation.plan.end),
    alert: {
      state: extra.alert?.state === 'breaching' ? 'breaching' : 'ok',
      ...(extra.alert?.since !== undefined
        ? { since: iso(extra.alert.since) }
        : {}),
      ...(extra.alert?.notifiedAt !== undefined
        ? { notifiedAt: iso(extra.alert.notifiedAt) }
        : {}),
    },
    history: reference.history.map(h => {
      const s = stats.get(h.start);
      return {
        start: isoAt(h.start),
        end: isoAt(h.end),
        good: h.good,
        total: h.total,
        status: h.status,
        ...(s?.rowCount !== undefined ? { rowCount: s.rowCount } : {}),
        ...(s?.lastAlteredAt !== undefined
          ? { lastAltered: iso(s.lastAlteredAt) }
          : {}),
      };
    }),
    latestObservations: extra.observations,
  };
}

function observationView(o: {
  observedAt: number;
  source: string;
  reporter?: string;
  exists?: boolean;
  rowCount?: number;
  lastAlteredAt?: number;
  bytes?: number;
  passed: boolean;
  reason?: string;
  details?: unknown;
}): SloObservationReport {
  const warehouseError = warehouseErrorOf(o);
  return {
    observedAt: iso(o.observedAt)!,
    source: o.source as SloObservationReport['source'],
    ...(o.reporter ? { reporter: o.reporter } : {}),
    ...(o.exists !== undefined ? { exists: o.exists } : {}),
    ...(o.rowCount !== undefined ? { rowCount: o.rowCount } : {}),
    ...(o.lastAlteredAt !== undefined
      ? { lastAltered: iso(o.lastAlteredAt) }
      : {}),
    ...(o.bytes !== undefined ? { bytes: o.bytes } : {}),
    passed: o.passed,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(warehouseError ? { warehouseError } : {}),
    ...(o.details !== undefined ? { details: o.details } : {}),
  };
}

/**
 * Routes (relative to `/api/data-mesh`):
 * `GET /products/:namespace/:name/slos`, `GET /slos`,
 * `POST /products/:namespace/:name/observations`.
 * @public
 */
export function createSloRouter(options: SloRouterOptions): express.Router {
  const { store, collector, httpAuth, userInfo, clock } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/products/:namespace/:name/slos', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { namespace, name } = parse(productParams, req.params, 'product');
    const query = parse(productQuery, req.query, 'query');
    const entityRef = productRef(namespace, name);
    const now = clock.now();
    const monitors = await store.listMonitors({ entityRef });
    const evaluations = await store.evaluate(monitors, {
      now,
      recentSlices: options.recentSlices,
    });
    const ids = monitors.map(m => m.id);
    const from = Math.min(
      ...monitors.map(m =>
        m.sliceMs > 0 ? now - m.windowMs - 2 * m.sliceMs : now,
      ),
      now,
    );
    const [slices, observations, statuses] = await Promise.all([
      store.slices(ids, from),
      store.latestObservations(ids, query.observations ?? 10),
      store.statuses(ids),
    ]);
    const body: ProductSlosResponse = {
      entityRef,
      evaluatedAt: iso(now)!,
      objectives: monitors.map(m => {
        const status = statuses.get(m.id);
        return objectiveView(m, evaluations.get(m.id), {
          now,
          slices: slices.filter(s => s.monitorId === m.id),
          observations: (observations.get(m.id) ?? []).map(observationView),
          alert: status && {
            state: status.alertState,
            since: status.breachStartedAt,
            notifiedAt: status.notifiedAt,
          },
          recentSlices: options.recentSlices,
        });
      }),
    };
    res.json(body);
  });

  router.get('/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(fleetQuery, req.query, 'query');
    const owners = query.owner.map(o => o.toLowerCase());
    if (query.mine === 'true') {
      if (credentials.principal.type !== 'user') {
        throw new InputError('mine=true needs user credentials');
      }
      const info = await userInfo.getUserInfo(credentials);
      owners.push(...info.ownershipEntityRefs.map(r => r.toLowerCase()));
      if (owners.length === 0) owners.push(info.userEntityRef.toLowerCase());
    }
    let rows = await store.fleet({
      owners: owners.length ? owners : undefined,
      domains: query.domain.length
        ? query.domain.map(d => d.toLowerCase())
        : undefined,
    });
    const counts = { ok: 0, breaching: 0, noData: 0 };
    for (const r of rows) {
      if (r.status === 'ok') counts.ok++;
      else if (r.status === 'breaching') counts.breaching++;
      else counts.noData++;
    }
    if (query.status) rows = rows.filter(r => r.status === query.status);
    const total = rows.length;
    const offset = query.offset ?? 0;
    const page = rows.slice(
      offset,
      query.limit ? offset + query.limit : undefined,
    );
    const body: SloFleetResponse = {
      total,
      counts,
      items: page.map(r => ({
        entityRef: r.entityRef,
        namespace: r.namespace,
        name: r.name,
        ...(r.title ? { title: r.title } : {}),
        ...(r.owner ? { owner: r.owner } : {}),
        ...(r.domain ? { domain: r.domain } : {}),
        status: r.status,
        minErrorBudget: r.minErrorBudget ?? null,
        objectives: r.objectives,
        breaching: r.breaching,
        noData: r.noData,
        ...(r.evaluatedAt !== undefined
          ? { evaluatedAt: iso(r.evaluatedAt) }
          : {}),
      })),
    };
    res.json(body);
  });

  router.post('/products/:namespace/:name/observations', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { namespace, name } = parse(productParams, req.params, 'product');
    const input = parse(pushBody, req.body, 'results');
    const results = Array.isArray(input) ? input : [input];
    const entityRef = productRef(namespace, name);
    const monitors = await store.listMonitors({ entityRef });
    if (monitors.length === 0) {
      throw new NotFoundError(
        `${entityRef} has no service level objectives (or is not in the catalog yet)`,
      );
    }
    const reporter = await authorizeReporter(
      credentials,
      monitors[0].owner,
      userInfo,
      entityRef,
    );
    const now = clock.now();
    const observations: ObservationInput[] = [];
    const accepted: SloPushResponse['accepted'] = [];
    for (const [index, r] of results.entries()) {
      const targets = monitors.filter(m =>
        r.slo !== undefined
          ? m.sloName === r.slo && (!r.dimension || m.dimension === r.dimension)
          : m.dimension === r.dimension,
      );
      const at = r.observedAt ? Date.parse(r.observedAt) : now;
      const where = results.length > 1 ? `result ${index}: ` : '';
      if (targets.length === 0) {
        throw new InputError(
          `${where}${entityRef} has no objective ${
            r.slo !== undefined
              ? `named '${r.slo}'`
              : `of dimension ${r.dimension}`
          }; its objectives are ${monitors
            .map(m => `${m.sloName} (${m.dimension})`)
            .join(', ')}`,
        );
      }
      if (at > now + MAX_FUTURE_MS) {
        throw new InputError(
          `${where}observedAt ${r.observedAt} is in the future`,
        );
      }
      if (at < now - options.retentionMs) {
        throw new InputError(
          `${where}observedAt ${
            r.observedAt
          } is older than the retention of ${millisToDuration(
            options.retentionMs,
          )}`,
        );
      }
      for (const m of targets) {
        if (m.problem) {
          throw new InputError(
            `${where}objective '${m.sloName}' cannot be measured: ${m.problem}`,
          );
        }
        observations.push({
          monitorId: m.id,
          observedAt: at,
          source: 'push',
          reporter,
          passed: r.passed,
          reason: r.reason,
          details: r.details,
        });
        accepted.push({
          slo: m.sloName,
          dimension: m.dimension,
          observedAt: iso(at)!,
          passed: r.passed,
        });
      }
    }
    await store.recordObservations(observations);
    const touched = monitors.filter(m =>
      observations.some(o => o.monitorId === m.id),
    );
    // re-read: the first observation may have moved
    const fresh = (await store.listMonitors({ entityRef })).filter(m =>
      touched.some(t => t.id === m.id),
    );
    await collector.evaluate({ now, monitors: fresh });
    const statuses = await store.statuses(fresh.map(m => m.id));
    options.logger.info(
      `${reporter} reported ${observations.length} result(s) for ${entityRef}`,
    );
    const body: SloPushResponse = {
      accepted,
      objectives: fresh.map(m => ({
        name: m.sloName,
        status: statuses.get(m.id)?.status ?? 'no-data',
        sli: statuses.get(m.id)?.sli ?? null,
      })),
    };
    res.status(201).json(body);
  });

  return router;
}

/**
 * Who may push results for a product: a service (e.g. the product's CI with
 * a static or external-access token, whose scope Backstage's
 * `backend.auth.externalAccess` config restricts), or a user who owns the
 * product (directly or through a group). Returns the reporter's name.
 */
async function authorizeReporter(
  credentials: BackstageCredentials<
    BackstageUserPrincipal | BackstageServicePrincipal
  >,
  owner: string | undefined,
  userInfo: UserInfoService,
  entityRef: string,
): Promise<string> {
  const principal = credentials.principal;
  if (principal.type === 'service') return principal.subject;
  const info = await userInfo.getUserInfo(credentials);
  const ownership = new Set(
    [info.userEntityRef, ...info.ownershipEntityRefs].map(r => r.toLowerCase()),
  );
  if (!owner || !ownership.has(owner.toLowerCase())) {
    throw new NotAllowedError(
      `${
        principal.userEntityRef
      } may not report results for ${entityRef}: only its owner${
        owner ? ` (${owner})` : ''
      } or a service may`,
    );
  }
  return principal.userEntityRef;
}
