/*
 * The catalog side of the breaking-change gate: each cycle reads every
 * DataProduct from the catalog once (paginated), compares each with the
 * revision stored last, records a revision with its classified changes
 * when something changed, and tells the consumers holding a grant
 * (approved or active) of each breaking revision once.
 *
 * Why a scheduled reconcile rather than catalog events: the catalog of
 * Backstage 1.55 publishes no event when an entity's content changes, and
 * a missed event would lose a revision for good, while a reconcile catches
 * up after any downtime. A cycle costs one catalog stream and one query of
 * the heads' hashes; entities are read from the store only for products
 * whose hash moved.
 */
import { createHash } from 'node:crypto';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SPEC_VERSION,
  type ProductVersion,
  classifyChanges,
  isDataProductEntity,
  specVersion,
  versionBumpRequired,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessRequestStore } from '../access/AccessRequestStore';
import { readersOf } from '../access/parties';
import type { ChangeStore, HeadSnapshot, RevisionRecord } from './ChangeStore';
import type { ChangeNotifier } from './notifications';

/** What the classifier compares; the rest (uid, etag, relations, status) changes without the product changing. */
export const COMPARED_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'metadata.annotations',
  'spec',
];

/** @public */
export interface ReconcileReport {
  products: number;
  /** Revisions this instance recorded (first ones included). */
  recorded: number;
  breaking: number;
  notified: number;
  /** One line per product or notification that failed; the others went on. */
  errors: string[];
}

export interface ChangeReconcilerOptions {
  store: ChangeStore;
  /** The consumer registry: the access requests holding a grant per product. */
  accessStore: Pick<AccessRequestStore, 'grantHolders'>;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  clock: { now(): number };
  notifier?: ChangeNotifier;
  /** How long a claimed notification is left to the instance that claimed it. */
  notifyLeaseMs?: number;
}

/**
 * The parts of a catalog entity a revision is made of. Datasets stay in the
 * catalog's form (columns as `columnsJson` text): classifyChanges reads both
 * forms. (catalog-form's `fromCatalogForm` was not in data-mesh-common when
 * this was written; stored heads in either form compare correctly.)
 */
export function comparedParts(entity: Entity): ProductVersion {
  const { metadata } = entity;
  const version = metadata.annotations?.[ANNOTATION_SPEC_VERSION];
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace ?? 'default',
      ...(metadata.title !== undefined ? { title: metadata.title } : {}),
      ...(metadata.description !== undefined
        ? { description: metadata.description }
        : {}),
      ...(metadata.tags !== undefined ? { tags: metadata.tags } : {}),
      // only the declared version: other annotations are the catalog's
      // bookkeeping (locations, edit URLs) and change on every move
      ...(version !== undefined
        ? { annotations: { [ANNOTATION_SPEC_VERSION]: version } }
        : {}),
    },
    spec: entity.spec,
  } as ProductVersion;
}

/** Whether the version was raised enough; a version that is not semver is not. */
function versionCheck(
  changes: ReturnType<typeof classifyChanges>,
  before: string | undefined,
  after: string | undefined,
) {
  try {
    const verdict = versionBumpRequired(changes, before, after);
    return { ok: verdict.ok, message: verdict.message };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/** @public */
export class ChangeReconciler {
  constructor(private readonly options: ChangeReconcilerOptions) {}

  /** One cycle: record what changed, then notify what is due. */
  async run(): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      products: 0,
      recorded: 0,
      breaking: 0,
      notified: 0,
      errors: [],
    };
    const { store } = this.options;
    const heads = await store.heads();
    for await (const entity of this.entities()) {
      report.products++;
      const product = stringifyEntityRef(entity).toLowerCase();
      try {
        const recorded = await this.reconcile(
          product,
          entity,
          heads.get(product),
        );
        if (recorded) {
          report.recorded++;
          if (recorded.breaking) report.breaking++;
        }
      } catch (e) {
        report.errors.push(`${product}: ${e}`);
      }
    }
    if (this.options.notifier) await this.notify(report);
    return report;
  }

  /**
   * One product the catalog has just processed (its processed event): the
   * same comparison as a cycle's, seconds after the push instead of at the
   * next cycle, which stays the safety net for missed events.
   */
  async runOne(entity: Entity): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      products: 1,
      recorded: 0,
      breaking: 0,
      notified: 0,
      errors: [],
    };
    if (!isDataProductEntity(entity)) return { ...report, products: 0 };
    const product = stringifyEntityRef(entity).toLowerCase();
    try {
      const recorded = await this.reconcile(
        product,
        entity,
        await this.options.store.head(product),
      );
      if (recorded) {
        report.recorded++;
        if (recorded.breaking) report.breaking++;
      }
    } catch (e) {
      report.errors.push(`${product}: ${e}`);
    }
    if (this.options.notifier) await this.notify(report);
    return report;
  }

  private async *entities(): AsyncGenerator<Entity> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    for await (const page of catalog.streamEntities(
      { filter: { kind: 'DataProduct' }, fields: COMPARED_FIELDS },
      { credentials },
    )) {
      yield* page.filter(isDataProductEntity);
    }
  }

  /** The revision recorded for this entity, if this instance recorded one. */
  private async reconcile(
    product: string,
    entity: Entity,
    head: { revision: number; entityHash: string } | undefined,
  ): Promise<Omit<RevisionRecord, 'revision'> | undefined> {
    const { store, clock } = this.options;
    const now = comparedParts(entity);
    const snapshot: HeadSnapshot = {
      entity: now,
      entityHash: createHash('sha256')
        .update(JSON.stringify(now))
        .digest('hex'),
      seenAt: clock.now(),
    };
    if (head?.entityHash === snapshot.entityHash) return undefined;
    const version = specVersion(now);
    if (!head) {
      const first = {
        product,
        version,
        ingestedAt: snapshot.seenAt,
        breaking: false,
        versionOk: true,
        versionMessage: 'the first revision seen',
        changes: [],
      };
      return (await store.recordFirst(first, snapshot)) ? first : undefined;
    }
    const stored = await store.headEntity(product);
    // the head moved since the cycle read the hashes: the next cycle compares again
    if (!stored || stored.revision !== head.revision) return undefined;
    const before = stored.entity as ProductVersion;
    const previousVersion = specVersion(before);
    const changes = classifyChanges(before, now);
    if (changes.length === 0 && version === previousVersion) {
      await store.replaceHead(product, head.revision, snapshot);
      return undefined;
    }
    const check = versionCheck(changes, previousVersion, version);
    const next = {
      product,
      version,
      previousVersion,
      ingestedAt: snapshot.seenAt,
      breaking: changes.some(c => c.kind === 'breaking'),
      versionOk: check.ok,
      versionMessage: check.message,
      changes,
    };
    return (await store.recordNext(head.revision, next, snapshot))
      ? next
      : undefined;
  }

  /** Each due breaking revision to its product's consumers, claimed first so it goes out once. */
  private async notify(report: ReconcileReport) {
    const { store, accessStore, clock, notifier, logger } = this.options;
    const lease = this.options.notifyLeaseMs ?? 10 * 60_000;
    for (const revision of await store.dueForNotification(clock.now(), lease)) {
      if (!(await store.claimNotification(revision, clock.now(), lease))) {
        continue;
      }
      try {
        const recipients = readersOf(
          await accessStore.grantHolders(revision.product),
        );
        await notifier!.breaking(revision, recipients);
        await store.markNotified(revision, clock.now(), recipients.length);
        if (recipients.length) report.notified++;
      } catch (e) {
        await store.releaseNotification(revision);
        const line = `${revision.product} revision ${revision.revision}: notification failed: ${e}`;
        logger.warn(line);
        report.errors.push(line);
      }
    }
  }
}
