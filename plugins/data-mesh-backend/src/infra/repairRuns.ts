/*
 * Repair runs (POST /infrastructure/repairs): after a warehouse incident the
 * platform team applies the plans of many drifting products in one go. The
 * products are authorised when the run starts (the apply permission, per
 * product: owners and admins), then applied one after the other by the
 * backend — not by the browser tab that asked, which may close — through
 * the same engine and audit trail as one product's Repair. Each product is
 * claimed in the database, so replicas share a run and a run cut short by a
 * restart goes on (the scheduled task picks up what is left). It may be
 * stopped (the products not yet sent are not sent). The requester is told
 * when it is done.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  type InfrastructureRepairRun,
  type InfrastructureRepairRunBody,
  dataMeshInfrastructureApplyPermission,
} from '@datamesh/plugin-data-mesh-common';
import { randomBytes } from 'node:crypto';
import { actorOf } from '../lifecycle/LifecycleService';
import { type InfrastructureApply, applyRefusal } from './infrastructureApply';
import type {
  ClaimedRepairItem,
  RepairItemOutcome,
  RepairRunStore,
} from './RepairRunStore';

/** Notification topic of finished repair runs. @public */
export const REPAIR_RUN_TOPIC = 'data-mesh-infrastructure-repair';

/** Finished runs are kept this long (90 days). */
export const REPAIR_RUN_RETENTION_MS = 90 * 24 * 3_600_000;

/** At most this many products in one run. */
export const MAX_REPAIR_RUN_PRODUCTS = 1000;

/** @public */
export interface InfrastructureRepairRunsOptions {
  store: RepairRunStore;
  apply: Pick<InfrastructureApply, 'applyAuthorized'>;
  permissions: PermissionsService;
  /** The backend's own credentials read the catalog while a run goes on without its requester. */
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  /** Removes secrets from error messages kept in a run. */
  redact: (message: string) => string;
  notifications?: NotificationService;
  logger: LoggerService;
  clock: { now(): number };
  /** A product claimed longer ago than this is taken up again (its instance stopped). Default 10 minutes. */
  staleAfterMs?: number;
}

/** Repair runs, behind the REST API and the scheduled task. @public */
export class InfrastructureRepairRuns {
  private draining?: Promise<void>;
  private again = false;

  constructor(private readonly options: InfrastructureRepairRunsOptions) {}

  /** Authorise each product, record the run, and start applying; the run as it starts. */
  async start(
    body: InfrastructureRepairRunBody,
    credentials: BackstageCredentials,
  ): Promise<InfrastructureRepairRun> {
    const { store, clock, logger } = this.options;
    const actor = actorOf(credentials);
    const refs = [...new Set(body.products.map(productRef))];
    if (refs.length === 0) throw new InputError('products: none given');
    if (refs.length > MAX_REPAIR_RUN_PRODUCTS) {
      throw new InputError(
        `products: at most ${MAX_REPAIR_RUN_PRODUCTS} in one run (${refs.length} given)`,
      );
    }
    const allowed = await this.mayApply(refs, credentials);
    const id = randomBytes(8).toString('hex');
    await store.create({
      id,
      requestedBy: actor,
      requestedAt: clock.now(),
      allowDestructive: body.allowDestructive === true,
      products: refs.map((entityRef, n) => ({
        entityRef,
        ...(allowed[n] ? {} : { refused: applyRefusal(actor, entityRef) }),
      })),
    });
    logger.info(
      `Repair run ${id} by ${actor}: ${refs.length} products${
        body.allowDestructive ? ', revokes and drops allowed' : ''
      }`,
    );
    // not awaited: the run goes on after the answer
    void this.drain();
    return (await store.get(id))!;
  }

  async get(id: string): Promise<InfrastructureRepairRun> {
    const run = /^[0-9a-f]{16}$/.test(id)
      ? await this.options.store.get(id)
      : undefined;
    if (!run) throw new NotFoundError(`no repair run ${id}`);
    return run;
  }

  /**
   * Stop a run: the products not yet sent are not sent; the one being
   * applied is finished. Its requester may; anyone else only if the policy
   * lets them apply every product it has left (owners of all of them, or
   * an admin).
   */
  async stop(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<InfrastructureRepairRun> {
    const { store, clock, logger } = this.options;
    const run = await this.get(id);
    const actor = actorOf(credentials);
    if (run.done) {
      throw new ConflictError(`repair run ${id} is done: nothing to stop`);
    }
    if (actor !== run.requestedBy) {
      const left = await store.queued(id);
      const allowed = await this.mayApply(left, credentials);
      const notTheirs = left.filter((_, n) => !allowed[n]);
      if (notTheirs.length > 0) {
        throw new NotAllowedError(
          `${actor} may not stop repair run ${id}: ${
            run.requestedBy
          } started it, and ${notTheirs[0]}${
            notTheirs.length > 1 ? ` and ${notTheirs.length - 1} more` : ''
          } of what it has left is not theirs to apply`,
        );
      }
    }
    const { stopped, runFinished } = await store.stop(id, actor, clock.now());
    if (!stopped) {
      throw new ConflictError(
        `repair run ${id} has nothing left to stop: its last product is being applied`,
      );
    }
    logger.info(`Repair run ${id} stopped by ${actor}`);
    if (runFinished) await this.tellRequester(id);
    return this.get(id);
  }

  /** Whether the policy lets the caller apply each product: one round trip for all. */
  private async mayApply(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<boolean[]> {
    if (refs.length === 0) return [];
    const decisions = await this.options.permissions.authorize(
      refs.map(resourceRef => ({
        permission: dataMeshInfrastructureApplyPermission,
        resourceRef,
      })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  /** The latest runs, newest first. */
  latest(limit = 10): Promise<InfrastructureRepairRun[]> {
    return this.options.store.latest(limit);
  }

  /**
   * The scheduled task: apply what is left of runs cut short, and forget
   * runs finished more than {@link REPAIR_RUN_RETENTION_MS} ago (each apply
   * stays in its product's audit trail).
   */
  async sweep(): Promise<void> {
    const { store, clock, logger } = this.options;
    const pruned = await store.prune(clock.now() - REPAIR_RUN_RETENTION_MS);
    if (pruned)
      logger.info(`Repair runs: ${pruned} older than 90 days removed`);
    await this.drain();
  }

  /**
   * Apply what is left of every run, until nothing is: started by a new
   * run and by the scheduled task. One drain at a time in this instance;
   * asked again while draining, it goes round once more.
   */
  drain(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          while (await this.applyNext());
        } while (this.again);
      } catch (e) {
        this.options.logger.error(`Repair runs stopped: ${e}`);
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Claim and apply one product; false when none is left. */
  private async applyNext(): Promise<boolean> {
    const { store, clock } = this.options;
    const now = clock.now();
    const item = await store.claimNext(
      now,
      now - (this.options.staleAfterMs ?? 10 * 60_000),
    );
    if (!item) return false;
    const outcome = await this.applyItem(item);
    const { runFinished } = await store.finish(item, outcome, clock.now());
    if (runFinished) await this.tellRequester(item.runId);
    return true;
  }

  private async applyItem(item: ClaimedRepairItem): Promise<RepairItemOutcome> {
    const { apply, auth, redact, logger } = this.options;
    try {
      const { namespace, name } = parseEntityRef(item.product);
      const result = await apply.applyAuthorized(
        { namespace, name },
        { allowDestructive: item.allowDestructive },
        {
          actor: item.requestedBy,
          credentials: await auth.getOwnServiceCredentials(),
          run: item.runId,
        },
      );
      return {
        state: result.error ? 'failed' : 'applied',
        applied: result.applied.length,
        skipped: result.skipped.length,
        ...(result.error ? { error: result.error } : {}),
      };
    } catch (e) {
      // not applied (no warehouse names, a conflict, the warehouse down):
      // the run goes on with the next product
      const error = redact((e as Error).message ?? String(e));
      logger.warn(`Repair run ${item.runId}: ${item.product}: ${error}`);
      return { state: 'failed', applied: 0, skipped: 0, error };
    }
  }

  private async tellRequester(runId: string) {
    const { notifications, store, logger } = this.options;
    const run = await store.get(runId);
    if (!notifications || !run || !run.requestedBy.startsWith('user:')) return;
    const { applied, failed, refused, stopped } = run.counts;
    const sent = run.items.filter(i => i.state !== 'refused').length;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: run.requestedBy },
        payload: {
          title: `Repair ${
            run.stopped ? 'stopped' : 'finished'
          }: ${applied} of ${sent} product${sent === 1 ? '' : 's'} applied`,
          description: [
            failed ? `${failed} failed: see the drift page for why.` : '',
            refused ? `${refused} not yours to apply: not sent.` : '',
            run.stopped
              ? `${stopped} not sent: the run was stopped by ${
                  run.stopped.by === run.requestedBy ? 'you' : run.stopped.by
                }.`
              : '',
            'Each is kept in its product’s audit trail.',
          ]
            .filter(Boolean)
            .join(' '),
          link: '/data-products/drift',
          severity: failed ? 'high' : 'normal',
          topic: REPAIR_RUN_TOPIC,
          scope: `data-mesh:repair-run:${runId}`,
        },
      });
    } catch (e) {
      logger.warn(`Repair run ${runId}: the requester was not told: ${e}`);
    }
  }
}

/** A data product's entity ref, lowercased; 400 for anything else. */
function productRef(ref: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: 'dataproduct',
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(`products: '${ref}' is not an entity ref`);
  }
  if (parsed.kind.toLowerCase() !== 'dataproduct') {
    throw new InputError(`products: '${ref}' is not a data product`);
  }
  return stringifyEntityRef(parsed).toLowerCase();
}
