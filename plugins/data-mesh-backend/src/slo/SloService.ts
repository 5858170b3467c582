/*
 * The use cases of the SLO engine behind the REST API: a product's
 * objectives evaluated, the fleet summary, and results pushed by a
 * product's CI or owner. The router only parses, calls these and responds;
 * the store only persists.
 */
import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  type ObservationInput,
  type ProductSlosResponse,
  type SloFleetResponse,
  type SloPushResponse,
  type SloPushedResult,
  type SloStatus,
  dataMeshSloObservationCreatePermission,
  millisToDuration,
} from '@datamesh/plugin-data-mesh-common';
import { authorizeOnDataProduct } from '../permissions';
import type { SloClock, SloCollector } from './collector';
import { evaluateMonitors } from './evaluation';
import { productRef } from './monitors';
import type { MonitorRecord, SloStore } from './SloStore';
import { fleetItemView, isoAt, objectiveView } from './views';

/** Who calls: a user or a service, as `HttpAuthService` authenticated them. @public */
export type SloCaller = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/** @public */
export interface SloServiceOptions {
  store: SloStore;
  /** Re-evaluates monitors after pushed results (and notifies breaches). */
  collector: Pick<SloCollector, 'evaluate'>;
  userInfo: UserInfoService;
  /** Decides who may push results (the `data-product` resource type). */
  permissions: PermissionsService;
  logger: LoggerService;
  clock: SloClock;
  recentSlices: number;
  retentionMs: number;
}

/** @public */
export interface SloFleetQuery {
  owners: string[];
  domains: string[];
  status?: SloStatus;
  /** Add the caller's own ownership refs to `owners` (users only). */
  mine?: boolean;
  limit?: number;
  offset?: number;
}

/** How far in the future a pushed result may be stamped (clock skew of CI runners). */
const MAX_FUTURE_MS = 5 * 60_000;

/**
 * The SLO use cases.
 * @public
 */
export class SloService {
  constructor(private readonly options: SloServiceOptions) {}

  /** Every objective of a product, evaluated now, with history and latest observations. */
  async productSlos(
    product: { namespace: string; name: string },
    query: { observations?: number } = {},
  ): Promise<ProductSlosResponse> {
    const { store, clock, recentSlices } = this.options;
    const entityRef = productRef(product.namespace, product.name);
    const now = clock.now();
    const monitors = await store.listMonitors({ entityRef });
    const evaluations = await evaluateMonitors(store, monitors, {
      now,
      recentSlices,
    });
    const ids = monitors.map(m => m.id);
    // the history reaches back one window and the slice it may shift by
    const from = Math.min(
      ...monitors.map(m =>
        m.sliceMs > 0 ? now - m.windowMs - 2 * m.sliceMs : now,
      ),
      now,
    );
    const [slices, observations, statuses] = await Promise.all([
      store.slices(ids, from),
      store.latestObservations(ids, query.observations ?? 10),
      store.status.statuses(ids),
    ]);
    return {
      entityRef,
      evaluatedAt: isoAt(now),
      objectives: monitors.map(m =>
        objectiveView(m, evaluations.get(m.id), {
          now,
          slices: slices.filter(s => s.monitorId === m.id),
          observations: observations.get(m.id) ?? [],
          status: statuses.get(m.id),
          recentSlices,
        }),
      ),
    };
  }

  /** One row per product, worst first; counts per status are taken before the status filter. */
  async fleet(
    query: SloFleetQuery,
    caller: SloCaller,
  ): Promise<SloFleetResponse> {
    const owners = query.owners.map(o => o.toLowerCase());
    if (query.mine) {
      if (caller.principal.type !== 'user') {
        throw new InputError('mine=true needs user credentials');
      }
      const info = await this.options.userInfo.getUserInfo(caller);
      owners.push(...info.ownershipEntityRefs.map(r => r.toLowerCase()));
      if (owners.length === 0) owners.push(info.userEntityRef.toLowerCase());
    }
    let rows = await this.options.store.status.fleet({
      owners: owners.length ? owners : undefined,
      domains: query.domains.length
        ? query.domains.map(d => d.toLowerCase())
        : undefined,
    });
    const counts = { ok: 0, breaching: 0, noData: 0 };
    for (const r of rows) {
      if (r.status === 'ok') counts.ok++;
      else if (r.status === 'breaching') counts.breaching++;
      else counts.noData++;
    }
    if (query.status) rows = rows.filter(r => r.status === query.status);
    const offset = query.offset ?? 0;
    const page = rows.slice(
      offset,
      query.limit ? offset + query.limit : undefined,
    );
    return { total: rows.length, counts, items: page.map(fleetItemView) };
  }

  /**
   * Store results pushed for a product's objectives (by name, or all of a
   * dimension), re-evaluate them and return their new status.
   */
  async pushResults(
    product: { namespace: string; name: string },
    results: SloPushedResult[],
    caller: SloCaller,
  ): Promise<SloPushResponse> {
    const { store, clock } = this.options;
    const entityRef = productRef(product.namespace, product.name);
    const monitors = await store.listMonitors({ entityRef });
    if (monitors.length === 0) {
      throw new NotFoundError(
        `${entityRef} has no service level objectives (or is not in the catalog yet)`,
      );
    }
    const reporter = await this.authorizeReporter(
      caller,
      monitors[0].owner,
      entityRef,
    );
    const now = clock.now();
    const observations: ObservationInput[] = [];
    const accepted: SloPushResponse['accepted'] = [];
    for (const [index, r] of results.entries()) {
      const where = results.length > 1 ? `result ${index}: ` : '';
      const targets = this.targetsOf(r, monitors, entityRef, where);
      const at = this.observedAt(r, now, where);
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
          observedAt: isoAt(at),
          passed: r.passed,
        });
      }
    }
    await store.recordObservations(observations);
    const touched = new Set(observations.map(o => o.monitorId));
    // re-read: the first observation may have moved
    const fresh = (await store.listMonitors({ entityRef })).filter(m =>
      touched.has(m.id),
    );
    await this.options.collector.evaluate({ now, monitors: fresh });
    const statuses = await store.status.statuses(fresh.map(m => m.id));
    this.options.logger.info(
      `${reporter} reported ${observations.length} result(s) for ${entityRef}`,
    );
    return {
      accepted,
      objectives: fresh.map(m => ({
        name: m.sloName,
        status: statuses.get(m.id)?.status ?? 'no-data',
        sli: statuses.get(m.id)?.sli ?? null,
      })),
    };
  }

  /** When a pushed result was observed: now by default, never far in the future nor before the retention. */
  private observedAt(r: SloPushedResult, now: number, where: string) {
    const at = r.observedAt ? Date.parse(r.observedAt) : now;
    if (at > now + MAX_FUTURE_MS) {
      throw new InputError(
        `${where}observedAt ${r.observedAt} is in the future`,
      );
    }
    if (at < now - this.options.retentionMs) {
      throw new InputError(
        `${where}observedAt ${
          r.observedAt
        } is older than the retention of ${millisToDuration(
          this.options.retentionMs,
        )}`,
      );
    }
    return at;
  }

  /** The objectives a pushed result is about. */
  private targetsOf(
    r: SloPushedResult,
    monitors: MonitorRecord[],
    entityRef: string,
    where: string,
  ): MonitorRecord[] {
    const targets = monitors.filter(m =>
      r.slo !== undefined
        ? m.sloName === r.slo && (!r.dimension || m.dimension === r.dimension)
        : m.dimension === r.dimension,
    );
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
    return targets;
  }

  /**
   * Who may push results for a product: whom the portal's permission policy
   * allows (by default its owners, directly or through a group, and platform
   * admins), and services (e.g. the product's CI with a static or
   * external-access token: the permission framework allows services unless
   * their token's access restrictions say otherwise). Returns the reporter's
   * name.
   */
  private async authorizeReporter(
    caller: SloCaller,
    owner: string | undefined,
    entityRef: string,
  ): Promise<string> {
    const principal = caller.principal;
    const who =
      principal.type === 'service'
        ? principal.subject
        : principal.userEntityRef;
    await authorizeOnDataProduct(
      this.options.permissions,
      dataMeshSloObservationCreatePermission,
      entityRef,
      caller,
      () =>
        `${who} may not report results for ${entityRef}: only its owner${
          owner ? ` (${owner})` : ''
        } or a service may`,
    );
    return who;
  }
}
