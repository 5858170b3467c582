/*
 * The leftovers watch: a scheduled look for what products left behind (the
 * Drift page's look, one query per database and one for roles, global
 * scope) that tells who decides, once per schema or role: a product's owners
 * of what their product no longer declares, the platform team of what a
 * product gone from the catalog left. Otherwise leftovers are found only by
 * someone opening the Drift page — while the schemas keep their data,
 * personal data included, and the roles their members. What it found is
 * remembered until a look no longer finds it, so the home page counts it
 * with no warehouse query. A product whose leftovers are kept on purpose
 * is left out until it is no longer kept.
 */
import {
  type BackstageCredentials,
  type LoggerService,
  type PermissionsService,
  type RootConfigService,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  type DataProductEntityV1alpha1,
  type LeftoversSeenResponse,
  dataMeshLeftoverDropPermission,
} from '@datamesh/plugin-data-mesh-common';
import { readDurationSetting } from '../durationSetting';
import { ownerRef } from '../permissions';
import type { LeftoverCleanup } from './leftovers';
import {
  type LeftoverKey,
  type LeftoverSeen,
  type LeftoverStore,
  leftoverKey,
} from './LeftoverStore';
import { readScheduleSetting } from '../scheduleSetting';

const HOUR_MS = 3_600_000;

/** Id of the scheduled watch. @public */
export const LEFTOVERS_WATCH_TASK_ID = 'data-mesh-leftovers';

/** Notification topic of leftovers (users can mute it). @public */
export const LEFTOVERS_TOPIC = 'data-mesh-leftovers';

/** `dataMesh.leftovers`, read once at startup. @public */
export interface LeftoversWatchSettings {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * How long a leftover is seen before anyone is told or the home page
   * counts it: a catalog still ingesting (after a restart, or a portal
   * moved onto a warehouse in use) would make every product look gone.
   */
  tellAfterMs: number;
  /** Whether who decides is told (else the home page only counts). */
  notifications: boolean;
}

/** The watch's settings; undefined when it is off (`dataMesh.leftovers.enabled: false`). @public */
export function readLeftoversWatchConfig(
  config: RootConfigService,
): LeftoversWatchSettings | undefined {
  if (!(config.getOptionalBoolean('dataMesh.leftovers.enabled') ?? true)) {
    return undefined;
  }
  return {
    schedule: readScheduleSetting(config, 'dataMesh.leftovers.schedule', {
      frequency: { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 7 },
    }),
    tellAfterMs: readDurationSetting(
      config,
      'dataMesh.leftovers.tellAfter',
      HOUR_MS,
    ),
    notifications:
      config.getOptionalBoolean('dataMesh.leftovers.notifications.enabled') ??
      true,
  };
}

/** What one look came to. @public */
export interface LeftoversWatchReport {
  /** Schemas and roles left behind. */
  found: number;
  /** Of them, found for the first time. */
  fresh: number;
  /** Found before, gone now (dropped, or declared again). */
  gone: number;
  /** Told to their product's owners or the platform team. */
  told: number;
  /** Left out: their products' leftovers are kept on purpose. */
  kept: number;
}

type Found = Omit<LeftoverSeen, 'firstSeenAt' | 'notifiedAt'>;

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/** `2 schemas and 1 role`. */
function countWords(leftovers: LeftoverKey[]): string {
  const schemas = leftovers.filter(l => l.kind === 'schema').length;
  const roles = leftovers.length - schemas;
  return [
    ...(schemas ? [plural(schemas, 'schema', 'schemas')] : []),
    ...(roles ? [plural(roles, 'role', 'roles')] : []),
  ].join(' and ');
}

/**
 * What who decides is told of a product's leftovers: its owners while it is
 * in the catalog (`entity`); once it is gone from it, the platform team and
 * the owners the portal last knew (`formerOwner`).
 */
export function leftoversNotice(
  product: string,
  entity: DataProductEntityV1alpha1 | undefined,
  leftovers: LeftoverKey[],
  formerOwner?: string,
) {
  const names = (kind: LeftoverKey['kind']) =>
    leftovers.filter(l => l.kind === kind).map(l => l.name);
  const listed = [
    ...(names('schema').length
      ? [`Schemas: ${names('schema').join(', ')}.`]
      : []),
    ...(names('role').length ? [`Roles: ${names('role').join(', ')}.`] : []),
  ].join(' ');
  const them = leftovers.length === 1 ? 'it' : 'them';
  const what = countWords(leftovers);
  const title = entity
    ? `${entity.metadata.title ?? entity.metadata.name} left ${what} behind`
    : `${product}, gone from the catalog, left ${what} behind`;
  const why = entity
    ? `Marked as the product's, no longer declared by its spec (a layer or role renamed, or the product moved to another domain or stage): no plan, drift check or retirement looks after ${them}.`
    : `The product${
        formerOwner ? ` (owned by ${formerOwner})` : ''
      } was removed from the catalog without retiring it, or renamed: nothing in the portal looks after ${them} now, and a schema keeps its data, a role its members.`;
  const todo = entity
    ? `Drop ${them} on the Drift page, or declare ${them} again.`
    : `Register the product again and retire it, or have the platform team drop or keep ${them} on the Drift page.`;
  return {
    title,
    description: `${why} ${listed} ${todo}`,
    link: '/data-products/drift',
    severity: 'normal' as const,
    topic: LEFTOVERS_TOPIC,
    scope: `data-mesh:leftovers:${product}`,
  };
}

/** @public */
export class LeftoversWatch {
  constructor(
    private readonly deps: {
      cleanup: Pick<LeftoverCleanup, 'find'>;
      store: LeftoverStore;
      /** Without it the leftovers are remembered, nobody is told. */
      notifications?: NotificationService;
      /** Told of what products gone from the catalog left (the platform team's groups). */
      adminGroups: string[];
      /**
       * The owners the portal last knew of products gone from the catalog
       * (their SLO monitors are kept a while): told as well.
       */
      formerOwners?: (products: string[]) => Promise<Map<string, string>>;
      /** How long a leftover is seen before anyone is told (see the settings). */
      tellAfterMs: number;
      logger: LoggerService;
      clock: { now(): number };
    },
  ) {}

  async run(): Promise<LeftoversWatchReport> {
    const { cleanup, store, notifications, logger, clock } = this.deps;
    const { adapter, schemas, roles, entities } = await cleanup.find();
    const now = clock.now();
    // kept on purpose: neither told nor counted; a keep of a product that
    // left nothing now would hide what it leaves next
    const left = new Set(
      [...schemas, ...roles].map(l => l.product.toLowerCase()),
    );
    const kept = new Set<string>();
    for (const { product } of await store.kept()) {
      if (left.has(product)) kept.add(product);
      else await store.stopKeeping(product);
    }
    const found = new Map<string, Found>();
    for (const l of schemas) {
      const f: Found = {
        product: l.product.toLowerCase(),
        kind: 'schema',
        name: adapter.dialect.qualifiedSchema(l),
        productInCatalog: l.productInCatalog,
      };
      found.set(leftoverKey(f), f);
    }
    for (const r of roles) {
      const f: Found = {
        product: r.product.toLowerCase(),
        kind: 'role',
        name: adapter.dialect.quoteIdentifier(r.name),
        productInCatalog: r.productInCatalog,
      };
      found.set(leftoverKey(f), f);
    }

    let keptCount = 0;
    for (const [key, f] of found) {
      if (kept.has(f.product)) {
        found.delete(key);
        keptCount++;
      }
    }
    const stored = await store.list();
    const known = new Map(stored.map(s => [leftoverKey(s), s]));
    const gone = stored.filter(s => !found.has(leftoverKey(s)));
    await store.forget(gone);
    const fresh = [...found.values()].filter(f => !known.has(leftoverKey(f)));
    // every one found: a product that came back, or left, changes who is told
    await store.seen([...found.values()], now);

    let told = 0;
    if (notifications) {
      // seen long enough, not told yet (or the telling failed)
      const untold = [...found.values()].filter(f => {
        const seen = known.get(leftoverKey(f));
        return (
          !seen?.notifiedAt &&
          (seen?.firstSeenAt ?? now) <= now - this.deps.tellAfterMs
        );
      });
      const byProduct = new Map<string, Found[]>();
      for (const key of await store.claimNotifications(untold, now)) {
        const f = found.get(leftoverKey(key))!;
        byProduct.set(f.product, [...(byProduct.get(f.product) ?? []), f]);
      }
      const goneProducts = [...byProduct.keys()].filter(p => !entities.has(p));
      const formerOwners =
        goneProducts.length && this.deps.formerOwners
          ? await this.deps.formerOwners(goneProducts).catch(e => {
              logger.warn(`Owners of products gone not known: ${e}`);
              return new Map<string, string>();
            })
          : new Map<string, string>();
      for (const [product, leftovers] of byProduct) {
        const entity = entities.get(product);
        const formerOwner = formerOwners.get(product);
        const owner = entity
          ? ownerRef(entity.spec.owner, entity.metadata.namespace ?? 'default')
          : formerOwner;
        const recipients = [
          ...new Set([
            ...(entity ? [] : this.deps.adminGroups),
            ...(owner ? [owner] : []),
          ]),
        ];
        if (recipients.length === 0) continue; // nobody to tell; remembered as told
        try {
          await notifications.send({
            recipients: { type: 'entity', entityRef: recipients },
            payload: leftoversNotice(product, entity, leftovers, formerOwner),
          });
          told += leftovers.length;
        } catch (e) {
          logger.warn(
            `What ${product} left behind not told to ${recipients.join(
              ', ',
            )}: ${e}`,
          );
          await store.releaseNotifications(leftovers);
        }
      }
    }
    return {
      found: found.size,
      fresh: fresh.length,
      gone: gone.length,
      told,
      kept: keptCount,
    };
  }
}

/** Schedules the watch (global scope: one look across instances). @public */
export async function scheduleLeftoversWatch(
  scheduler: SchedulerService,
  watch: Pick<LeftoversWatch, 'run'>,
  schedule: SchedulerServiceTaskScheduleDefinition,
  logger: LoggerService,
): Promise<void> {
  await scheduler.scheduleTask({
    id: LEFTOVERS_WATCH_TASK_ID,
    scope: 'global',
    ...schedule,
    fn: async () => {
      try {
        const r = await watch.run();
        if (r.fresh || r.gone || r.told) {
          logger.info(
            `Leftovers: ${r.found} schemas and roles left behind, ${r.fresh} new, ${r.gone} gone, ${r.told} told`,
          );
        }
      } catch (e) {
        logger.warn(`Leftovers not looked for: ${stringifyError(e)}`);
      }
    },
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What the watch found at its last look, as the API lists it: of the
 * products whose leftovers the caller may drop (one batch of permission
 * questions), with no warehouse query.
 * @public
 */
export function leftoversSeenView(deps: {
  store: Pick<LeftoverStore, 'list'>;
  permissions: PermissionsService;
  /** Whether the watch runs (`dataMesh.leftovers.enabled`). */
  watching: boolean;
  /** Counted once seen this long, as the watch tells them. */
  tellAfterMs: number;
  clock: { now(): number };
}) {
  return {
    async list(
      credentials: BackstageCredentials,
    ): Promise<LeftoversSeenResponse> {
      // a watch turned off would leave its last findings counted forever
      if (!deps.watching) return { watching: false, items: [] };
      const settled = deps.clock.now() - deps.tellAfterMs;
      const seen = (await deps.store.list()).filter(
        l => l.firstSeenAt <= settled,
      );
      const products = [...new Set(seen.map(l => l.product))];
      if (products.length === 0) return { watching: deps.watching, items: [] };
      const answers = await deps.permissions.authorize(
        products.map(resourceRef => ({
          permission: dataMeshLeftoverDropPermission,
          resourceRef,
        })),
        { credentials },
      );
      const mine = new Set(
        products.filter((_, i) => answers[i].result === AuthorizeResult.ALLOW),
      );
      return {
        watching: deps.watching,
        items: seen
          .filter(l => mine.has(l.product))
          .map(l => ({
            product: l.product,
            productInCatalog: l.productInCatalog,
            kind: l.kind,
            name: l.name,
            firstSeenAt: iso(l.firstSeenAt),
            ...(l.notifiedAt !== undefined
              ? { notifiedAt: iso(l.notifiedAt) }
              : {}),
          })),
      };
    },
  };
}
