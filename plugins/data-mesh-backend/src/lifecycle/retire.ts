/*
 * Retirement of a deprecated product, on or after its date: the plan is
 * shown first, then applied step by step, each destructive step only when
 * the caller confirms it. Every step is planned afresh from the warehouse,
 * the access store and the catalog, so a run that stopped (unconfirmed,
 * failed, crashed) is resumed by the next one. Readers are the consumers
 * holding grants and whoever usage saw reading within the look-back: the
 * run that starts a retirement refuses while there are any, unless forced
 * with a reason (kept in the audit trail).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  type DataProductEntityV1alpha1,
  type RetirementApplyBody,
  type RetirementApplyResult,
  type RetirementPlanStep,
  type RetirementPlanView,
  type RetirementReader,
  type RetirementStepId,
  type RetirementUsage,
  ACCESS_OPEN_STATES,
  RETIREMENT_STEP_IDS,
  holdsGrant,
  sandboxBusyWords,
} from '@datamesh/plugin-data-mesh-common';
import {
  type RetirementPhase,
  applyRetirementPhase,
  planRetirement,
  retirementNames,
} from '@datamesh/plugin-data-mesh-node';
import type { AccessRequestRecord } from '../access/AccessRequestStore';
import { fullRef, loadProduct } from '../access/parties';
import { TRANSITIONS } from '../access/stateMachine';
import { utcDay } from '../usage/UsageStore';
import type { LifecycleRecord } from './LifecycleStore';
import { type LifecycleService, actorOf } from './LifecycleService';
import {
  type UnregisterPlan,
  applyUnregister,
  planUnregister,
  unregisterLines,
  unregisterWarning,
} from './unregister';

const ENGINE_PHASES: Partial<Record<RetirementStepId, RetirementPhase>> = {
  revoke: 'revoke',
  archive: 'archive',
  drop: 'drop',
  'drop-archive': 'drop-archive',
};

const iso = (ms: number) => new Date(ms).toISOString();

interface PlanContext {
  product: string;
  record?: LifecycleRecord;
  entity: DataProductEntityV1alpha1;
  registered: boolean;
  /** How the product leaves the catalog, while it is registered. */
  leaving?: UnregisterPlan;
  view: RetirementPlanView;
}

/** Plans and runs retirements for a {@link LifecycleService}. */
export class RetirementRunner {
  constructor(private readonly lifecycle: LifecycleService) {}

  private get o() {
    return this.lifecycle.options;
  }

  /** The retirement plan of a product, after checking the caller may retire it. */
  async plan(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<RetirementPlanView> {
    const product = fullRef(ref, 'dataproduct', 'product');
    await this.lifecycle.authorize(product, credentials);
    return (await this.context(product)).view;
  }

  private async context(product: string): Promise<PlanContext> {
    const { store, clock, platform } = this.o;
    const record = await store.get(product);
    const live = await loadProduct(this.o, product);
    const entity = live ?? (record?.entity as DataProductEntityV1alpha1);
    if (!entity) throw new NotFoundError(`product: no data product ${product}`);
    const now = clock.now();
    const adapter = await this.o.getAdapter();
    const engine = await planRetirement(adapter, entity, platform);
    const holders = await this.lifecycle.grantHolders(product);
    // requests not decided yet are rejected with the rest: nothing is granted later
    const pending = await this.o.accessStore.list({
      product,
      state: 'pending',
    });
    const ownRequests = await this.ownRequests(product);

    const leaving = live
      ? await planUnregister(
          this.o.catalog,
          await this.o.auth.getOwnServiceCredentials(),
          live,
        )
      : undefined;

    const refusals: string[] = [];
    if (!record) {
      refusals.push(`${product} is not deprecated: deprecate it first`);
    } else if (record.state === 'deprecated' && now < record.retireAt) {
      refusals.push(
        `${product} retires on ${iso(record.retireAt).slice(
          0,
          10,
        )}: not before`,
      );
    }
    refusals.push(...engine.conflicts.map(c => c.message));

    const engineStep = (id: RetirementStepId) =>
      engine.steps.find(s => s.phase === ENGINE_PHASES[id])!;
    const steps: RetirementPlanStep[] = RETIREMENT_STEP_IDS.map(id => {
      switch (id) {
        case 'revoke-access':
          return {
            id,
            done:
              holders.length === 0 &&
              pending.length === 0 &&
              ownRequests.length === 0,
            lines: [
              ...holders.map(
                r =>
                  `- revoke access request ${r.id} of ${r.consumer} (${r.state}, role ${r.role})`,
              ),
              ...pending.map(
                r => `- reject pending access request ${r.id} of ${r.consumer}`,
              ),
              ...ownRequests.map(
                r =>
                  `- give up the product's own access request ${r.id} to ${r.product} port '${r.outputPort}' (${r.state})`,
              ),
            ],
            destructive: true,
          };
        case 'unregister':
          return {
            id,
            done: !live,
            lines: leaving ? unregisterLines(product, leaving) : [],
            destructive: true,
          };
        default: {
          const s = engineStep(id);
          const step: RetirementPlanStep = {
            id,
            done: s.done,
            lines: s.lines,
            destructive: true,
          };
          if (id === 'drop-archive' && !s.done) {
            const until = record?.archiveDropAfter;
            if (until === undefined || now < until) {
              step.blockedUntil = until
                ? iso(until)
                : 'the end of the retention period after retirement';
            }
          }
          return step;
        }
      }
    });
    const notes = [...engine.notes];
    const returns = leaving && unregisterWarning(product, leaving);
    if (returns) notes.push(returns);
    const usage = await this.readers(product, entity, now);
    notes.push(usage.note);
    if (!this.o.accessExecutor) {
      notes.push(
        'no access grant executor is installed: revoked requests change state only',
      );
    }
    return {
      product,
      record,
      entity,
      registered: Boolean(live),
      leaving,
      view: {
        product,
        state: record?.state ?? 'live',
        refusals,
        readers: [
          ...new Set([
            ...holders.map(r => r.consumer),
            ...(usage.view?.readers.map(r => r.reader) ?? []),
          ]),
        ],
        ...(usage.view ? { usage: usage.view } : {}),
        archive: engine.archive,
        steps,
        notes,
      },
    };
  }

  /**
   * Who read the product within the look-back, from usage: the consumers
   * holding grants whose roles read, and (by role) the roles no grant
   * explains, except the product's own. Table-level counts name nobody and
   * include the platform's own checks, so they are shown, not counted as
   * readers; there the grant holders are the readers.
   */
  private async readers(
    product: string,
    entity: DataProductEntityV1alpha1,
    now: number,
  ): Promise<{ view?: RetirementUsage; note: string }> {
    const usage = this.o.usage;
    if (!usage) {
      return {
        note: 'readers are the consumers holding access grants: usage is not set up',
      };
    }
    const since = utcDay(now - this.o.readersLookBackMs);
    const still = await usage.consumersStillReading(product, Date.parse(since));
    const own = new Set(
      Object.values(retirementNames(entity, this.o.platform).product.roles).map(
        r => r.toLowerCase(),
      ),
    );
    const others = still.otherReaders.filter(o => !own.has(o.role));
    // one line per reader: a consumer's requests are summed
    const byReader = new Map<string, RetirementReader>();
    for (const { reader, reads, lastRead } of [
      ...still.consumers.map(c => ({ ...c, reader: c.consumer })),
      ...others.map(o => ({ ...o, reader: `role ${o.role}` })),
    ]) {
      const r = byReader.get(reader) ?? { reader, reads: 0 };
      r.reads += reads;
      if (lastRead && (!r.lastRead || lastRead > r.lastRead)) {
        r.lastRead = lastRead;
      }
      byReader.set(reader, r);
    }
    const readers = [...byReader.values()];
    const unattributedReads =
      still.unattributedReads - others.reduce((n, o) => n + o.reads, 0);
    const view = { source: still.source, since, readers, unattributedReads };
    switch (still.source) {
      case 'by-role':
        return {
          view,
          note: `readers are the consumers holding access grants and the roles that read it since ${since} (usage by role; the product's own roles are not readers)`,
        };
      case 'table-level':
        return {
          view,
          note: `usage here counts table scans, not readers (${unattributedReads} since ${since}, the platform's own checks among them): readers are the consumers holding access grants`,
        };
      default:
        return {
          view,
          note: 'no usage collected for this product: readers are the consumers holding access grants',
        };
    }
  }

  /**
   * Run the steps of the plan in order until one is unconfirmed, blocked or
   * fails. The first run moves the product to `retiring` (and keeps its
   * entity, which leaves the catalog); when every step but the archive's
   * drop is over, it is `retired` and the archive's retention starts.
   */
  async apply(
    ref: string,
    body: RetirementApplyBody,
    credentials: BackstageCredentials,
  ): Promise<RetirementApplyResult> {
    const product = fullRef(ref, 'dataproduct', 'product');
    await this.lifecycle.authorize(product, credentials);
    const actor = actorOf(credentials);
    if (body.force && !body.reason?.trim()) {
      throw new InputError('reason: forcing a retirement needs a reason');
    }
    let ctx = await this.context(product);
    if (ctx.view.refusals.length > 0) {
      throw new ConflictError(ctx.view.refusals.join('; '));
    }
    // the run that starts the retirement decides; later runs resume it
    const starting = ctx.record!.state === 'deprecated';
    if (starting && ctx.view.readers.length > 0 && !body.force) {
      throw new ConflictError(
        `consumers still read ${product}: ${ctx.view.readers.join(
          ', ',
        )} (force with a reason to retire anyway)`,
      );
    }
    const { store, clock } = this.o;
    if (ctx.record!.state === 'deprecated') {
      await store.update(
        product,
        ['deprecated'],
        { state: 'retiring', entity: ctx.entity },
        {
          at: clock.now(),
          actor,
          action: 'retire-start',
          detail: {
            confirm: body.confirm,
            ...(body.force ? { force: true, reason: body.reason } : {}),
            readers: ctx.view.readers,
          },
        },
      );
    }

    const applied: RetirementApplyResult['applied'] = [];
    let stoppedAt: RetirementApplyResult['stoppedAt'];
    for (const id of RETIREMENT_STEP_IDS) {
      const step = ctx.view.steps.find(s => s.id === id)!;
      if (step.done) continue;
      if (step.blockedUntil) {
        stoppedAt = { id, reason: `blocked until ${step.blockedUntil}` };
        break;
      }
      if (step.destructive && !body.confirm.includes(id)) {
        stoppedAt = { id, reason: 'awaiting confirmation' };
        break;
      }
      // a sandbox being made or dropped (the portal's, a pipeline's) would
      // outlive the drop, or break under it: the drop waits for its end
      const busy =
        id === 'drop'
          ? (await this.o.sandboxClaims?.inProgress(product)) ?? []
          : [];
      if (busy.length > 0) {
        stoppedAt = {
          id,
          reason: busy.map(b => sandboxBusyWords(product, b)).join('; '),
        };
        break;
      }
      const error = await this.runStep(ctx, id, actor, applied);
      if (error) {
        stoppedAt = { id, reason: error };
        await store.addAudit({
          product,
          at: clock.now(),
          actor,
          action: 'step-failed',
          detail: { step: id, error },
        });
        break;
      }
      ctx = await this.context(product);
      // the plan shown afterwards carries the archive's retention date
      if (await this.markRetired(ctx, actor)) ctx = await this.context(product);
    }
    return { applied, ...(stoppedAt ? { stoppedAt } : {}), plan: ctx.view };
  }

  /** The product's own open requests as a consumer (what it reads). */
  private ownRequests(product: string): Promise<AccessRequestRecord[]> {
    return this.o.accessStore.list({ consumer: product }, q =>
      q.whereIn('state', ACCESS_OPEN_STATES),
    );
  }

  /** Runs one step; returns an error message or undefined. */
  private async runStep(
    ctx: PlanContext,
    id: RetirementStepId,
    actor: string,
    applied: RetirementApplyResult['applied'],
  ): Promise<string | undefined> {
    const { store, clock, accessStore, platform } = this.o;
    const product = ctx.product;
    let lines: string[] = [];
    if (id === 'revoke-access') {
      const revoked: AccessRequestRecord[] = [];
      for (const r of await this.lifecycle.grantHolders(product)) {
        const now = clock.now();
        // the access sweep drops the request role, as for an owner's revoke
        const done = await accessStore.transition(r.id, {
          ...TRANSITIONS.revoke,
          patch: {
            warehousePending: this.o.accessExecutor ? 'revoke' : null,
            extension: null,
          },
          history: {
            at: now,
            actor,
            action: 'revoke',
            comment: `${product} is retired`,
          },
        });
        if (done) {
          revoked.push(r);
          lines.push(`revoked access request ${r.id} of ${r.consumer}`);
        }
      }
      await this.lifecycle.notifyAccessEnded(ctx.entity, revoked);
      for (const r of await accessStore.list({ product, state: 'pending' })) {
        const done = await accessStore.transition(r.id, {
          ...TRANSITIONS.reject,
          history: {
            at: clock.now(),
            actor,
            action: 'reject',
            comment: `${product} is retired`,
          },
        });
        if (done)
          lines.push(`rejected access request ${r.id} of ${r.consumer}`);
      }
      // what the product itself reads as a consumer (its inputs): its
      // service role is dropped with it, so its grants are given up, as its
      // owners would (the access sweep drops each request role)
      const givenUp: AccessRequestRecord[] = [];
      for (const r of await this.ownRequests(product)) {
        const held = holdsGrant(r.state);
        const done = await accessStore.transition(r.id, {
          from: [r.state],
          to: TRANSITIONS.cancel.to,
          patch: {
            warehousePending: held && this.o.accessExecutor ? 'revoke' : null,
            extension: null,
          },
          history: {
            at: clock.now(),
            actor,
            action: 'cancel',
            comment: `${product} is retired: it reads nothing any more`,
          },
        });
        if (done) {
          givenUp.push(r);
          lines.push(
            `gave up the product's own access request ${r.id} to ${r.product} port '${r.outputPort}'`,
          );
        }
      }
      await this.lifecycle.notifyReaderLeft(ctx.entity, givenUp);
    } else if (id === 'unregister') {
      // as planned just before this step (apply plans afresh after each)
      lines = ctx.leaving
        ? await applyUnregister(
            this.o.catalog,
            await this.o.auth.getOwnServiceCredentials(),
            product,
            ctx.leaving,
          )
        : [];
    } else {
      const adapter = await this.o.getAdapter();
      const result = await applyRetirementPhase(
        adapter,
        ctx.entity,
        platform,
        ENGINE_PHASES[id]!,
      );
      lines = result.applied;
      if (result.error) {
        if (lines.length) applied.push({ id, lines });
        return result.error.message;
      }
      if (id === 'drop-archive') {
        await store.update(
          product,
          ['retired'],
          { archiveDroppedAt: clock.now() },
          { at: clock.now(), actor, action: 'archive-dropped' },
        );
      }
    }
    applied.push({ id, lines });
    await store.addAudit({
      product,
      at: clock.now(),
      actor,
      action: `step:${id}`,
      detail: { lines },
    });
    return undefined;
  }

  /** Everything but the archive's drop is over: the product is retired. */
  private async markRetired(ctx: PlanContext, actor: string): Promise<boolean> {
    if (ctx.record?.state !== 'retiring') return false;
    const pending = ctx.view.steps.filter(
      s => !s.done && s.id !== 'drop-archive',
    );
    if (pending.length > 0) return false;
    const now = this.o.clock.now();
    await this.o.store.update(
      ctx.product,
      ['retiring'],
      {
        state: 'retired',
        retiredAt: now,
        archiveDropAfter: now + this.o.archiveRetentionMs,
      },
      {
        at: now,
        actor,
        action: 'retired',
        detail: { archive: ctx.view.archive },
      },
    );
    return true;
  }

  /** Drop the archives whose retention is over (the scheduled sweep). */
  async dropDueArchives(): Promise<string[]> {
    const dropped: string[] = [];
    const now = this.o.clock.now();
    for (const record of await this.o.store.list('retired')) {
      if (record.archiveDroppedAt || (record.archiveDropAfter ?? now + 1) > now)
        continue;
      const ctx = await this.context(record.product);
      const error = await this.runStep(ctx, 'drop-archive', 'system', []);
      if (error) {
        this.o.logger.warn(
          `archive of ${record.product} not dropped: ${error}`,
        );
      } else dropped.push(record.product);
    }
    return dropped;
  }
}
