/*
 * The unexplained-grants watch: a scheduled access drift check of the whole
 * fleet (one introspection, as the Drift page's) that tells a product's
 * owners when a role holds one of its roles with no access request behind
 * it — a grant made by hand, perhaps reading personal data in clear. Owners
 * otherwise learn of it only by opening the Access tab. Each grant is told
 * once (the store remembers it until a check no longer finds it); a grant
 * that the recorded request of the same consumer covers is harmless and not
 * told.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ownerRef } from '../permissions';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  type DataProductEntityV1alpha1,
  type UnexplainedGrantsResponse,
  dataMeshAccessRequestDecidePermission,
  dataMeshAccessRequestReadPermission,
} from '@datamesh/plugin-data-mesh-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { InfrastructureService } from './InfrastructureService';
import {
  type UnexplainedGrant,
  type UnexplainedGrantStore,
  grantKey,
} from './UnexplainedGrantStore';

/** Id of the scheduled watch. @public */
export const UNEXPLAINED_GRANTS_TASK_ID = 'data-mesh-unexplained-grants';

/** Notification topic of grants made by hand (users can mute it). @public */
export const UNEXPLAINED_GRANTS_TOPIC = 'data-mesh-access-drift';

/** What one check came to. */
export interface UnexplainedGrantsReport {
  /** Products whose grants were checked. */
  products: number;
  /** Unexplained grants found (covered ones left out). */
  found: number;
  /** Of them, seen for the first time. */
  fresh: number;
  /** Grants seen before that are gone. */
  gone: number;
  /** Grants told to their product's owners. */
  told: number;
}

/** A grant found by a check; `reads`: it is one of the product's read roles (not kept). */
type Found = Omit<UnexplainedGrant, 'firstSeenAt' | 'notifiedAt'> & {
  reads?: boolean;
};

/** The consumer's catalog title, or its name; the member role when there is no consumer. */
type Names = (g: Found) => string;

/** The member as the warehouse names it: `bob`, or `user bob`. */
const memberName = (g: Found) =>
  g.memberKind === 'user' ? `user ${g.member}` : g.member;

const plainName: Names = g =>
  g.consumer ? parseEntityRef(g.consumer).name : memberName(g);

/** One grant in words: who holds what. */
export function grantWords(g: Found, name: Names = plainName): string {
  const who = g.consumer ? `${name(g)} (role ${g.member})` : memberName(g);
  return g.personalData
    ? `${who} reads personal data in clear through ${g.role}`
    : `${who} holds ${g.role}`;
}

/** The owners' notification of a product's grants made by hand. */
export function grantsNotice(
  entity: DataProductEntityV1alpha1,
  grants: Found[],
  who: Names = plainName,
) {
  const name = entity.metadata.title ?? entity.metadata.name;
  const namespace = entity.metadata.namespace ?? 'default';
  const [one] = grants;
  let title = `${grants.length} grants made by hand on ${name}`;
  if (grants.length === 1) {
    // a read role reads; any other of the product's roles does more
    let what = `holds ${one.role} of`;
    if (one.personalData) what = 'reads personal data of';
    else if (one.reads) what = 'reads';
    title = `${who(one)} ${what} ${name} outside any access request`;
  }
  return {
    title,
    description: `${grants
      .map(g => grantWords(g, who))
      .join('; ')}. No access request explains ${
      grants.length === 1 ? 'it' : 'them'
    }: record a consumer that should read as agreed access on the Access tab, or revoke with the access repair.`,
    link: `/catalog/${namespace}/dataproduct/${entity.metadata.name}/access`,
    severity: grants.some(g => g.personalData)
      ? ('high' as const)
      : ('normal' as const),
    topic: UNEXPLAINED_GRANTS_TOPIC,
    scope: `data-mesh:access-drift:${namespace}/${entity.metadata.name}`,
  };
}

/** @public */
export class UnexplainedGrantWatch {
  constructor(
    private readonly deps: {
      infrastructure: Pick<InfrastructureService, 'accessDriftOfFleet'>;
      /** To name consumers by their titles in what owners are told. */
      catalog?: CatalogService;
      store: UnexplainedGrantStore;
      /** Without it the grants are remembered, nobody is told. */
      notifications?: NotificationService;
      /** Told besides the owners of grants reading personal data in clear (the auditor groups). */
      auditors?: string[];
      auth: AuthService;
      logger: LoggerService;
      clock: { now(): number };
    },
  ) {}

  /** Names of consumers by their catalog titles (one query); a name where the catalog has none. */
  private async titles(consumers: string[]): Promise<Names> {
    const refs = [...new Set(consumers)];
    const titles = new Map<string, string>();
    if (this.deps.catalog && refs.length > 0) {
      try {
        const { items } = await this.deps.catalog.getEntitiesByRefs(
          { entityRefs: refs, fields: ['metadata.title', 'spec.profile'] },
          { credentials: await this.deps.auth.getOwnServiceCredentials() },
        );
        items.forEach((e, i) => {
          const title =
            e?.metadata?.title ??
            (e?.spec?.profile as { displayName?: string } | undefined)
              ?.displayName;
          if (title) titles.set(refs[i], title);
        });
      } catch (e) {
        this.deps.logger.warn(`Consumer titles not read: ${e}`);
      }
    }
    return g => (g.consumer && titles.get(g.consumer)) || plainName(g);
  }

  async run(): Promise<UnexplainedGrantsReport> {
    const { infrastructure, store, notifications, auth, logger, clock } =
      this.deps;
    const fleet = await infrastructure.accessDriftOfFleet(
      await auth.getOwnServiceCredentials(),
    );
    const now = clock.now();
    const entities = new Map<string, DataProductEntityV1alpha1>();
    // products whose grants were checked: only their stored grants can be gone
    const checked = new Set<string>();
    const found = new Map<string, Found>();
    for (const { entity, entityRef, access } of fleet) {
      const product = entityRef.toLowerCase();
      entities.set(product, entity);
      if (!access) continue;
      checked.add(product);
      for (const f of access.unmanaged) {
        // a request role left behind is the portal's own, retried by the sweep;
        // a grant the consumer's request covers reads nothing more
        if (!f.membership || f.reader?.coveredBy) continue;
        const g: Found = {
          product,
          role: f.membership.role,
          member: f.membership.member,
          ...(f.membership.memberKind === 'user'
            ? { memberKind: 'user' as const }
            : {}),
          ...(f.reader?.consumer ? { consumer: f.reader.consumer } : {}),
          personalData: f.reader?.personalData ?? false,
          reads: Boolean(f.reader),
        };
        found.set(grantKey(g), g);
      }
    }

    const stored = await store.list();
    const known = new Set(stored.map(grantKey));
    const gone = stored.filter(
      s =>
        (checked.has(s.product) || !entities.has(s.product)) &&
        !found.has(grantKey(s)),
    );
    await store.forget(gone);
    const fresh = [...found.values()].filter(g => !known.has(grantKey(g)));
    await store.seen(fresh, now);

    let told = 0;
    if (notifications) {
      // new ones, and earlier ones whose telling failed
      const untold = [
        ...fresh,
        ...stored.filter(s => !s.notifiedAt && found.has(grantKey(s))),
      ];
      const claimed = new Set(
        (await store.claimNotifications(untold, now)).map(grantKey),
      );
      const byProduct = new Map<string, Found[]>();
      for (const key of claimed) {
        const g = found.get(key)!;
        byProduct.set(g.product, [...(byProduct.get(g.product) ?? []), g]);
      }
      const who = await this.titles(
        [...byProduct.values()].flat().flatMap(g => g.consumer ?? []),
      );
      for (const [product, grants] of byProduct) {
        const entity = entities.get(product)!;
        // the owners, and for personal data in clear the auditors too
        const owner = ownerRef(
          entity.spec.owner,
          entity.metadata.namespace ?? 'default',
        );
        const auditors = grants.some(g => g.personalData)
          ? this.deps.auditors ?? []
          : [];
        const recipients = [
          ...new Set([...(owner ? [owner] : []), ...auditors]),
        ];
        if (recipients.length === 0) continue; // nobody to tell; remembered as told
        try {
          await notifications.send({
            recipients: { type: 'entity', entityRef: recipients },
            payload: grantsNotice(entity, grants, who),
          });
          told += grants.length;
        } catch (e) {
          logger.warn(
            `Grants made by hand on ${product} not told to ${recipients.join(
              ', ',
            )}: ${e}`,
          );
          await store.releaseNotifications(grants);
        }
      }
    }
    return {
      products: checked.size,
      found: found.size,
      fresh: fresh.length,
      gone: gone.length,
      told,
    };
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The grants the watch found at its last check, as the API lists them: of
 * the products whose access requests the caller may see — who reads a
 * product stays with its owners, admins and auditors (the decide or read
 * permission, one batch of questions) — with no warehouse query.
 * @public
 */
export function unexplainedGrantsView(deps: {
  store: Pick<UnexplainedGrantStore, 'list'>;
  permissions: PermissionsService;
  /** Whether the watch runs (`dataMesh.access.unexplainedGrants.enabled`). */
  watching: boolean;
}) {
  return {
    async list(
      credentials: BackstageCredentials,
      /** One product's grants only: its full ref, lower-case. */
      product?: string,
    ): Promise<UnexplainedGrantsResponse> {
      const grants = await deps.store.list(product ? [product] : undefined);
      const products = [...new Set(grants.map(g => g.product))];
      if (products.length === 0) {
        return { watching: deps.watching, items: [] };
      }
      const asked = products.flatMap(resourceRef => [
        { permission: dataMeshAccessRequestDecidePermission, resourceRef },
        { permission: dataMeshAccessRequestReadPermission, resourceRef },
      ]);
      const answers = await deps.permissions.authorize(asked, { credentials });
      const visible = new Set(
        asked
          .filter((_, i) => answers[i].result === AuthorizeResult.ALLOW)
          .map(a => a.resourceRef),
      );
      return {
        watching: deps.watching,
        items: grants
          .filter(g => visible.has(g.product))
          .map(g => ({
            product: g.product,
            role: g.role,
            member: g.member,
            ...(g.memberKind ? { memberKind: g.memberKind } : {}),
            ...(g.consumer ? { consumer: g.consumer } : {}),
            personalData: g.personalData,
            firstSeenAt: iso(g.firstSeenAt),
            ...(g.notifiedAt !== undefined
              ? { notifiedAt: iso(g.notifiedAt) }
              : {}),
          })),
      };
    },
  };
}
