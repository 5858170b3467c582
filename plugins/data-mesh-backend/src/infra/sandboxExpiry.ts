/*
 * Sandbox expiry (`dataMesh.sandboxes.expireAfter`): a sandbox holds a
 * copy of its product's data, personal data included, outside the
 * product's schemas, and a branch merged or abandoned leaves it behind. A
 * scheduled round finds every product's sandboxes (one question per
 * database, as the Drift page), tells the product's owners once when one
 * expires within `warnBefore`, and drops those past their expiry — never
 * sooner than `warnBefore` after telling them — as the platform: held like
 * any deletion (a branch the portal or a pipeline is changing waits for
 * the next round), kept in the product's audit trail with when it was
 * made and expired, and told to the owners. A sandbox
 * whose marker has no time (made before markers had one) never expires:
 * its age is unknown. Its owners keep one past its expiry
 * (sandboxKeep.ts): its time runs anew from then.
 */
import type {
  AuthService,
  LoggerService,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ConflictError, stringifyError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  DataProductEntityV1alpha1,
  InfrastructureSandbox,
} from '@datamesh/plugin-data-mesh-common';
import { readDurationSetting } from '../durationSetting';
import { ownerRef } from '../permissions';
import type { InfrastructureService } from './InfrastructureService';
import type { SandboxExpiryNoticeStore } from './SandboxExpiryNoticeStore';
import type { SandboxDeletion } from './sandboxes';
import { readScheduleSetting } from '../scheduleSetting';

/** Id of the scheduled round. @public */
export const SANDBOX_EXPIRY_TASK_ID = 'data-mesh-sandbox-expiry';

/** Notification topic of sandboxes expiring and expired (users can mute it). @public */
export const SANDBOX_EXPIRY_TOPIC = 'data-mesh-sandbox-expiry';

const DAY_MS = 24 * 3_600_000;

/** `dataMesh.sandboxes` expiry settings; absent when sandboxes do not expire. @public */
export interface SandboxExpirySettings {
  expireAfterMs: number;
  warnBeforeMs: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/** Reads `dataMesh.sandboxes.expireAfter`, `warnBefore` and `expirySchedule`. @public */
export function readSandboxExpiryConfig(
  config: RootConfigService,
): SandboxExpirySettings | undefined {
  if (!config.has('dataMesh.sandboxes.expireAfter')) return undefined;
  const expireAfterMs = readDurationSetting(
    config,
    'dataMesh.sandboxes.expireAfter',
    30 * DAY_MS,
  );
  const warnBeforeMs = readDurationSetting(
    config,
    'dataMesh.sandboxes.warnBefore',
    Math.min(3 * DAY_MS, expireAfterMs / 2),
  );
  if (warnBeforeMs >= expireAfterMs) {
    throw new Error(
      'dataMesh.sandboxes.warnBefore must be shorter than dataMesh.sandboxes.expireAfter',
    );
  }
  return {
    expireAfterMs,
    warnBeforeMs,
    schedule: readScheduleSetting(config, 'dataMesh.sandboxes.expirySchedule', {
      frequency: { hours: 1 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 3 },
    }),
  };
}

/** What one round came to. */
export interface SandboxExpiryReport {
  /** Branches' sandboxes found, of every product. */
  sandboxes: number;
  /** Owners told of a coming expiry. */
  warned: number;
  /** Expired sandboxes dropped. */
  deleted: number;
  /** Expired, but the portal or a pipeline is changing the branch: the next round. */
  busy: number;
  /** Expired, but the warehouse refused the drop (in the audit trail): the next round. */
  failed: number;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The owners' notification of a sandbox that the platform deletes on
 * `deletesOn` (ISO), or (without it) has deleted.
 */
export function sandboxExpiryNotice(
  entity: DataProductEntityV1alpha1,
  sandbox: InfrastructureSandbox & { createdAt: string; expiresAt: string },
  deletesOn?: string,
) {
  const name = entity.metadata.title ?? entity.metadata.name;
  const namespace = entity.metadata.namespace ?? 'default';
  const schemas = sandbox.schemas.map(s => s.qualified).join(', ');
  const since = sandbox.keptAt ?? sandbox.createdAt;
  const made = `It was made on ${day(sandbox.createdAt)}${
    sandbox.keptAt ? ` (kept on ${day(sandbox.keptAt)})` : ''
  }`;
  const days = Math.round(
    (Date.parse(sandbox.expiresAt) - Date.parse(since)) / DAY_MS,
  );
  return {
    title: deletesOn
      ? `The sandbox of ${sandbox.branch} of ${name} is deleted on ${day(
          deletesOn,
        )}`
      : `The sandbox of ${sandbox.branch} of ${name} was deleted: it expired`,
    description: deletesOn
      ? `${made} and holds a copy of the product's data (${schemas}); sandboxes expire ${days} days after they were made or kept. Keep it from the product's Infrastructure card if the branch still needs it, or delete it before if the branch is merged.`
      : `${made} and expired on ${day(
          sandbox.expiresAt,
        )}. Its copies of the product's data are gone (${schemas}); make it again if the branch still needs it.`,
    link: `/catalog/${namespace}/dataproduct/${entity.metadata.name}`,
    severity: 'normal' as const,
    topic: SANDBOX_EXPIRY_TOPIC,
    // the deletion's notice replaces the warning's
    scope: `data-mesh:sandbox-expiry:${namespace}/${entity.metadata.name}/${sandbox.branch}/${since}`,
  };
}

/** @public */
export class SandboxExpiry {
  constructor(
    private readonly deps: {
      infrastructure: Pick<InfrastructureService, 'sandboxesOfFleet'>;
      deletion: Pick<SandboxDeletion, 'expire'>;
      store: SandboxExpiryNoticeStore;
      /** Without it sandboxes still expire; nobody is told. */
      notifications?: NotificationService;
      settings: Pick<SandboxExpirySettings, 'expireAfterMs' | 'warnBeforeMs'>;
      auth: AuthService;
      logger: LoggerService;
      clock: { now(): number };
    },
  ) {}

  async run(): Promise<SandboxExpiryReport> {
    const { infrastructure, deletion, store, settings, auth, logger, clock } =
      this.deps;
    const { adapter, products } = await infrastructure.sandboxesOfFleet(
      await auth.getOwnServiceCredentials(),
    );
    const now = clock.now();
    const report: SandboxExpiryReport = {
      sandboxes: 0,
      warned: 0,
      deleted: 0,
      busy: 0,
      failed: 0,
    };
    for (const { entity, product, sandboxes } of products) {
      for (const sandbox of sandboxes) {
        report.sandboxes += 1;
        const { createdAt, expiresAt } = sandbox;
        if (!createdAt || !expiresAt) continue; // its age is unknown
        const dated = { ...sandbox, createdAt, expiresAt };
        const due = Date.parse(expiresAt);
        if (now < due - settings.warnBeforeMs) continue;
        // told once, and never deleted sooner than warnBefore after: a
        // platform that turns expiry on does not drop old sandboxes at once
        const making = {
          product: product.entityRef,
          branch: sandbox.branch,
          // kept: its time runs anew, told anew
          since: sandbox.keptAt ?? createdAt,
        };
        const { first, warnedAt } = await store.claimWarning(making, now);
        if (first) {
          const deletesOn = new Date(
            Math.max(due, now + settings.warnBeforeMs),
          ).toISOString();
          const told = await this.tell(entity, dated, deletesOn);
          if (told === 'failed') await store.releaseWarning(making);
          if (told === 'told') report.warned += 1;
          continue;
        }
        if (now < Math.max(due, warnedAt + settings.warnBeforeMs)) continue;
        try {
          await deletion.expire(product, adapter, dated);
          report.deleted += 1;
          logger.info(
            `Sandbox ${sandbox.branch} of ${product.entityRef} expired (made ${createdAt}): deleted`,
          );
          await this.tell(entity, dated);
        } catch (e) {
          if (e instanceof ConflictError) {
            report.busy += 1;
          } else {
            // the deletion kept it in the audit trail; the next round tries again
            report.failed += 1;
            logger.warn(
              `Expired sandbox ${sandbox.branch} of ${
                product.entityRef
              } not deleted: ${stringifyError(e)}`,
            );
          }
        }
      }
    }
    // what was made before the longest-lived sandbox of now is long gone
    await store.prune(
      new Date(now - settings.expireAfterMs - 30 * DAY_MS).toISOString(),
    );
    return report;
  }

  /**
   * Tells the product's owners: `told`, `nobody` to tell (no notifications,
   * no owner), or `failed` (to try again).
   */
  private async tell(
    entity: DataProductEntityV1alpha1,
    sandbox: InfrastructureSandbox & { createdAt: string; expiresAt: string },
    deletesOn?: string,
  ): Promise<'told' | 'nobody' | 'failed'> {
    const { notifications, logger } = this.deps;
    const owner = ownerRef(
      entity.spec.owner,
      entity.metadata.namespace ?? 'default',
    );
    if (!notifications || !owner) return 'nobody';
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: sandboxExpiryNotice(entity, sandbox, deletesOn),
      });
      return 'told';
    } catch (e) {
      logger.warn(
        `Sandbox ${sandbox.branch} of ${
          entity.metadata.name
        } expiring: not told to ${owner}: ${stringifyError(e)}`,
      );
      return 'failed';
    }
  }
}

/**
 * Schedules the expiry round (one replica a round), when
 * `dataMesh.sandboxes.expireAfter` is set.
 */
export async function scheduleSandboxExpiry(
  scheduler: SchedulerService,
  expiry: SandboxExpiry,
  schedule: SchedulerServiceTaskScheduleDefinition,
  logger: LoggerService,
): Promise<void> {
  await scheduler.scheduleTask({
    id: SANDBOX_EXPIRY_TASK_ID,
    scope: 'global',
    ...schedule,
    fn: async () => {
      try {
        const r = await expiry.run();
        if (r.warned || r.deleted || r.busy || r.failed) {
          logger.info(
            `Sandbox expiry: ${r.sandboxes} sandboxes, ${r.warned} owners told of a coming expiry, ${r.deleted} deleted, ${r.busy} busy, ${r.failed} failed`,
          );
        }
      } catch (e) {
        logger.warn(`Sandbox expiry not run: ${stringifyError(e)}`);
      }
    },
  });
}
