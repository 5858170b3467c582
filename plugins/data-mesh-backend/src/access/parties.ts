/*
 * Who takes part in a request: the signed-in user and their ownership
 * claims, the product (looked up in the catalog with the plugin's own
 * credentials) and the consumer on whose behalf access is asked — a group
 * of the requester (its team role is the grantee) or a data product one of
 * their groups owns (its service role is the grantee).
 */
import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  accessRef,
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import type { PlatformConfig } from '@datamesh/plugin-data-mesh-node';
import type { NotificationRecipients } from '@backstage/plugin-notifications-node';
import type { AccessConfig } from './config';
import { productRoles, teamRoleName } from './policy';

export type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** Entity refs compare case-insensitively; the store keeps them lower-case. */
export const lower = (ref: string) => ref.toLowerCase();

export const isUser = (c: BackstageCredentials): c is UserCredentials =>
  (c.principal as { type?: string }).type === 'user';

/** Only users request and decide: a decision needs a person to answer for it. */
export function requireUser(
  credentials: BackstageCredentials,
  what: string,
): UserCredentials {
  if (!isUser(credentials)) {
    throw new NotAllowedError(`only a signed-in user may ${what}`);
  }
  return credentials;
}

/** A ref as the API takes it (`orders`, `default/orders`, full) → full, lower-case; 400 naming `field`. */
export function fullRef(
  ref: string,
  defaultKind: string,
  field: string,
): string {
  try {
    return accessRef(ref, defaultKind);
  } catch {
    throw new InputError(`${field}: '${ref}' is not an entity reference`);
  }
}

/** The user's ref and their groups, lower-case. */
export async function claimsOf(
  userInfo: UserInfoService,
  caller: UserCredentials,
): Promise<Set<string>> {
  const info = await userInfo.getUserInfo(caller);
  return new Set([info.userEntityRef, ...info.ownershipEntityRefs].map(lower));
}

/**
 * The consumers whose access the caller shares: their groups and the data
 * products those groups own, lower-case. A team's members see, and read
 * with, what any of them was granted for the team.
 */
export async function consumersOf(
  deps: {
    userInfo: UserInfoService;
    catalog: CatalogService;
    auth: AuthService;
  },
  caller: UserCredentials,
): Promise<string[]> {
  const groups = [...(await claimsOf(deps.userInfo, caller))].filter(r =>
    r.startsWith('group:'),
  );
  if (groups.length === 0) return [];
  const { items } = await deps.catalog.getEntities(
    {
      // the owner as the catalog relates it, or as the spec writes it
      filter: [
        { kind: 'DataProduct', 'relations.ownedBy': groups },
        { kind: 'DataProduct', 'spec.owner': groups },
      ],
      fields: ['kind', 'metadata.namespace', 'metadata.name'],
    },
    { credentials: await deps.auth.getOwnServiceCredentials() },
  );
  return [...groups, ...items.map(e => lower(stringifyEntityRef(e)))];
}

/** A data product from the catalog, undefined when there is none. */
export async function loadProduct(
  deps: { catalog: CatalogService; auth: AuthService },
  ref: string,
): Promise<DataProductEntityV1alpha1 | undefined> {
  const entity = await deps.catalog.getEntityByRef(ref, {
    credentials: await deps.auth.getOwnServiceCredentials(),
  });
  return entity && isDataProductEntity(entity)
    ? fromCatalogForm(entity)
    : undefined;
}

/**
 * On whose behalf: a group, or a data product (its service role is the
 * grantee). With the requester's `claims`, one of their groups or a
 * product one of those owns (403 otherwise); without, any group or product
 * the catalog holds (an owner recording an agreement made elsewhere).
 */
export async function resolveConsumer(
  deps: {
    catalog: CatalogService;
    auth: AuthService;
    settings: AccessConfig;
    platform: PlatformConfig;
  },
  ref: string,
  provider: DataProductEntityV1alpha1,
  claims?: Set<string>,
): Promise<{
  consumer: string;
  grantee: string;
  sameDomain: boolean;
  /** The consumer is of the provider's owning team (the group, or the consumer product's owner). */
  sameTeam: boolean;
  /** The team the consumer is: the group itself, or the consumer product's owner. */
  team: string;
}> {
  const { settings, platform } = deps;
  const providerOwner = provider.spec.owner
    ? fullRef(provider.spec.owner, 'group', 'product')
    : undefined;
  const consumer = fullRef(ref, 'group', 'consumer');
  const { kind, name } = parseEntityRef(consumer);
  if (kind === 'group') {
    if (claims && !claims.has(consumer)) {
      throw new NotAllowedError(
        `consumer: you are not a member of ${consumer}`,
      );
    }
    if (
      !claims &&
      !(await deps.catalog.getEntityByRef(consumer, {
        credentials: await deps.auth.getOwnServiceCredentials(),
      }))
    ) {
      throw new InputError(`consumer: no group ${consumer}`);
    }
    return {
      consumer,
      grantee: teamRoleName(settings.naming.teamRole, platform, name),
      sameDomain: false,
      sameTeam: consumer === providerOwner,
      team: consumer,
    };
  }
  if (kind !== 'dataproduct') {
    throw new InputError(
      `consumer: '${ref}' is neither a group nor a data product`,
    );
  }
  const product = await loadProduct(deps, consumer);
  if (!product) throw new InputError(`consumer: no data product ${consumer}`);
  const owner = product.spec.owner
    ? fullRef(product.spec.owner, 'group', 'consumer')
    : '';
  if (claims && !claims.has(owner)) {
    throw new NotAllowedError(
      `consumer: ${consumer} is not owned by one of your groups`,
    );
  }
  return {
    consumer,
    grantee: productRoles(product, platform, 'consumer').service,
    sameDomain:
      fullRef(product.spec.domain, 'domain', 'consumer') ===
      fullRef(provider.spec.domain, 'domain', 'product'),
    sameTeam: owner === providerOwner,
    team: owner,
  };
}

/**
 * Who reads with these grants, as notification recipients: each requester
 * and each consumer (the notifications backend tells a group's members, a
 * consumer product's owners), lower-case, once each.
 */
export function readersOf(
  holders: { requester: string; consumer: string }[],
): string[] {
  return [...new Set(holders.flatMap(r => [r.requester, r.consumer]))].map(
    lower,
  );
}

/**
 * `readers` as the recipients of a notice of their own, without the
 * product's owner (told apart, in the owners' words); undefined when no
 * reader is left.
 */
export function readersApartFromOwner(
  readers: string[],
  owner: string | undefined,
): NotificationRecipients | undefined {
  const apart = owner?.toLowerCase();
  const entityRef = readers.filter(r => r.toLowerCase() !== apart);
  if (entityRef.length === 0) return undefined;
  return {
    type: 'entity',
    entityRef,
    ...(apart ? { excludeEntityRef: apart } : {}),
  };
}
