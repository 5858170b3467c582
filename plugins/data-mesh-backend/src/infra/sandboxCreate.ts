/*
 * Making a feature branch's sandbox from the portal (POST
 * /products/:namespace/:name/sandboxes): a developer of the owning team
 * gets copies of the product's schemas for their branch (zero-copy on
 * Snowflake) without the CLI or a pipeline. The sandbox engine in
 * data-mesh-node does the work, as for `datamesh sandbox create` and the
 * `datamesh:sandbox:create` action: marked as the branch's sandbox, owned
 * by the owner role. Sandboxes hold the product's data, PII included, so
 * only its owners (the sandbox create permission) may; each creation that
 * made something, or failed, is kept in the product's audit trail.
 *
 * Copying a product's data (PostgreSQL copies rows; a Snowflake clone of
 * many tables takes a while too) can outlast the timeout of a proxy in
 * front of Backstage. The request waits `answerWithinMs` (20 s by
 * default) for it; a creation still going on then is answered 202 and
 * finished by the backend, which notifies the requester of how it ended.
 * Meanwhile every replica refuses a second creation of the same branch
 * (a claim in the database, kept fresh while the copy goes on). An
 * instance stopped mid-copy leaves unmarked schemas, which making the
 * sandbox again with `replace` drops.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, stringifyError } from '@backstage/errors';
import {
  type SandboxCreateAuditDetail,
  type SandboxCreateAccepted,
  type SandboxCreateBody,
  type SandboxCreateResponse,
  type SandboxCreateResult,
  SANDBOX_CREATE_AUDIT_ACTION,
  sandboxMadeWords,
} from '@datamesh/plugin-data-mesh-common';
import {
  type NamedSandboxSchema,
  PRODUCT_LAYERS,
  SandboxError,
  createSandbox,
  findSandboxes,
  nameSandbox,
} from '@datamesh/plugin-data-mesh-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { parseEntityRef } from '@backstage/catalog-model';
import { type Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { type SandboxClaims, authorizeSandboxChange } from './sandboxClaims';
import { type SandboxDeletionOptions } from './sandboxes';

/** Notification topic of sandboxes finished after their request answered. @public */
export const SANDBOX_TOPIC = 'data-mesh-sandbox';

/** How long a creation request waits for the copy by default. */
export const SANDBOX_ANSWER_WITHIN_MS = 20_000;

/** How long a stopping backend waits for creations going on (under Kubernetes' 30 s grace period). */
export const SANDBOX_SETTLE_ON_SHUTDOWN_MS = 25_000;

/** What `promise` settled to within `ms`, or undefined when it took longer. */
async function settledWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T } | undefined> {
  let stopWaiting = () => {};
  const first = await Promise.race([
    promise.then(value => ({ value })),
    new Promise<undefined>(resolve => {
      const timer = setTimeout(resolve, ms);
      stopWaiting = () => clearTimeout(timer);
    }),
  ]);
  stopWaiting();
  return first;
}

/** `dataMesh.sandboxes.answerWithin` in milliseconds, or the default. */
export function readSandboxAnswerWithinMs(config: Config): number {
  const key = 'dataMesh.sandboxes.answerWithin';
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : SANDBOX_ANSWER_WITHIN_MS;
}

/**
 * What making a sandbox needs: the same as deleting one (the named product,
 * the warehouse, the policy, the audit trail), and whom to tell of a
 * creation that outlasted its request.
 * @public
 */
export type SandboxCreationOptions = SandboxDeletionOptions & {
  /** Who changes which branch's sandbox, shared by the replicas. */
  claims: Pick<SandboxClaims, 'hold'>;
  notifications?: NotificationService;
  /** How long a request waits for the copy before answering 202 (default 20 s). */
  answerWithinMs?: number;
};

/** Making a feature branch's sandbox, behind the REST API. @public */
export class SandboxCreation {
  /** Creations answered 202, until their requester is told how they ended: the sandbox each makes. */
  private readonly background = new Map<Promise<void>, string>();

  constructor(private readonly options: SandboxCreationOptions) {}

  async create(
    ref: { namespace: string; name: string },
    body: SandboxCreateBody,
    credentials: BackstageCredentials,
  ): Promise<SandboxCreateResult> {
    const { infrastructure, clock } = this.options;
    const { suffix, entityRef, actor } = await authorizeSandboxChange(
      this.options.permissions,
      'create',
      ref,
      body.branch,
      credentials,
      'branch',
    );
    const { product, adapter } = await infrastructure.namedProduct(
      ref,
      credentials,
    );
    const layers = body.layers ?? [...PRODUCT_LAYERS];
    let pairs: NamedSandboxSchema[];
    try {
      // named before anything is sent: the audit entry names them even when the warehouse fails
      pairs = nameSandbox(adapter.dialect, product, suffix, layers);
    } catch (e) {
      throw new InputError(`branch: ${(e as Error).message}`);
    }
    const startedAt = clock.now();
    const release = await this.options.claims.hold(
      entityRef,
      suffix,
      actor,
      'create',
    );
    const making = this.make({
      entityRef,
      actor,
      suffix,
      layers,
      pairs,
      product,
      adapter,
      replace: body.replace === true,
    }).finally(release);
    const answered = await settledWithin(
      making.then(
        made => ({ made }),
        error => ({ error }),
      ),
      this.options.answerWithinMs ?? SANDBOX_ANSWER_WITHIN_MS,
    );
    if (answered) {
      if ('error' in answered.value) throw answered.value.error;
      return answered.value.made;
    }
    // the request answers now; the requester hears how it ended
    const told = making.then(
      made => this.tell(actor, ref, entityRef, made),
      error => this.tell(actor, ref, entityRef, undefined, error),
    );
    this.background.set(told, `${suffix} of ${entityRef}`);
    told.finally(() => this.background.delete(told));
    return {
      status: 'in-progress',
      entityRef,
      branch: suffix,
      schemas: pairs.map(p => p.qualified),
      startedAt: new Date(startedAt).toISOString(),
    } satisfies SandboxCreateAccepted;
  }

  /**
   * Waits up to `withinMs` for the creations going on in the background: a
   * stopping backend (a rolling deploy) finishes, audits and tells what it
   * can before its database closes. A copy cut off leaves unmarked schemas
   * that making the sandbox again with `replace` drops.
   */
  async settle(withinMs: number): Promise<void> {
    if (this.background.size === 0) return;
    const done = await settledWithin(
      Promise.all([...this.background.keys()]),
      withinMs,
    );
    if (!done) {
      this.options.logger.warn(
        `Stopped while making sandbox(es) ${[...this.background.values()].join(
          ', ',
        )}: their schemas are left unmarked; make them again with replace`,
      );
    }
  }

  /** The copy, its log line and audit entry, and the product's sandboxes then. */
  private async make(args: {
    entityRef: string;
    actor: string;
    suffix: string;
    layers: NonNullable<SandboxCreateBody['layers']>;
    pairs: NamedSandboxSchema[];
    product: Parameters<typeof createSandbox>[1];
    adapter: Parameters<typeof createSandbox>[0];
    replace: boolean;
  }): Promise<SandboxCreateResponse> {
    const { infrastructure, audit, logger, clock } = this.options;
    const { entityRef, actor, suffix, layers, pairs, product, adapter } = args;
    let failure: unknown;
    let refusal: SandboxError | undefined;
    let made: Awaited<ReturnType<typeof createSandbox>> | undefined;
    try {
      made = await infrastructure.ask(adapter, () =>
        createSandbox(adapter, product, {
          suffix,
          layers,
          replace: args.replace,
          now: new Date(clock.now()),
        }).catch(e => {
          // the engine's refusal, before anything is sent: not the warehouse's
          if (e instanceof SandboxError) refusal = e;
          else throw e;
          return undefined;
        }),
      );
    } catch (e) {
      failure = e;
    }
    // not provisioned, the branch's sandbox exists, a schema of another's
    if (refusal) throw new ConflictError(refusal.message);
    const error = failure
      ? infrastructure.redactMessage((failure as Error).message)
      : undefined;
    const names = pairs.map(p => p.qualified);
    const replaced = (made?.replaced ?? []).map(s =>
      adapter.dialect.qualifiedSchema(s),
    );
    logger.info(
      `Sandbox ${suffix} of ${entityRef} made by ${actor}: ${names.join(', ')}${
        error ? ` (failed: ${error})` : ''
      }`,
    );
    try {
      await audit.addAudit({
        product: entityRef,
        at: clock.now(),
        actor,
        action: SANDBOX_CREATE_AUDIT_ACTION,
        detail: {
          branch: suffix,
          schemas: names,
          ...(made ? { method: made.method } : {}),
          ...(replaced.length ? { replaced } : {}),
          ...(error ? { error } : {}),
        } satisfies SandboxCreateAuditDetail,
      });
    } catch (e) {
      // the warehouse has changed already: the line above keeps it in the log
      logger.error(
        `Sandbox ${suffix} of ${entityRef} by ${actor} is missing from its audit trail: ${stringifyError(
          e,
        )}`,
      );
    }
    if (failure || !made) throw failure;
    const found = await infrastructure.ask(adapter, () =>
      findSandboxes(adapter, product),
    );
    return {
      status: 'made',
      entityRef,
      branch: suffix,
      method: made.method,
      schemas: made.layers.map(l => ({
        layer: l.layer,
        name: l.target.schema,
        qualified: l.qualified,
        source: l.sourceQualified,
        tables: l.tables,
      })),
      notes: made.notes,
      sandboxes: this.options.infrastructure.listedSandboxes(found, adapter),
    };
  }

  /** Tells the requester how a creation that outlasted its request ended. */
  private async tell(
    actor: string,
    ref: { namespace: string; name: string },
    entityRef: string,
    made?: SandboxCreateResponse,
    error?: unknown,
  ): Promise<void> {
    const { notifications, logger } = this.options;
    if (!notifications || parseEntityRef(actor).kind !== 'user') return;
    const why = error
      ? this.options.infrastructure.redactMessage(
          (error as Error)?.message ?? String(error),
        )
      : '';
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: actor },
        payload: made
          ? {
              title: `Sandbox ready: ${made.entityRef} (${made.branch})`,
              description: `The sandbox of ${
                made.branch
              } is made: ${sandboxMadeWords(made)}.`,
              link: `/catalog/${ref.namespace}/dataproduct/${ref.name}`,
              severity: 'normal',
              topic: SANDBOX_TOPIC,
            }
          : {
              title: `Sandbox not made: ${entityRef}`,
              description: `Making the sandbox failed: ${why}`,
              link: `/catalog/${ref.namespace}/dataproduct/${ref.name}`,
              severity: 'high',
              topic: SANDBOX_TOPIC,
            },
      });
    } catch (e) {
      logger.warn(
        `Could not tell ${actor} how the sandbox of ${entityRef} ended: ${stringifyError(
          e,
        )}`,
      );
    }
  }
}
