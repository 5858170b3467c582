import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

const ORIGIN = 'backstage.io/managed-by-origin-location';

/**
 * What unregistering a retired product removes from the catalog, given the
 * entities registered through the same location as the product (its
 * `backstage.io/managed-by-origin-location`), the product included.
 *
 * A repository made by the "New data product" template registers its
 * `catalog-info.yaml`, which is a `Location` pointing at the spec file: the
 * registered location holds the product and that Location entity. Removing
 * only the product's entity would not last — the Location entity brings it
 * back at its next processing — so the location goes, unless it also holds
 * other entities (a repository with several products or components), where
 * only the product's entity can go and it returns while its spec file is
 * still listed there. `others` names those entities, for the plan's warning.
 */
export function unregisterTarget(
  productUid: string,
  sameOrigin: Pick<Entity, 'kind' | 'metadata'>[],
): { target: 'location' | 'entity'; others: string[] } {
  const others = sameOrigin
    .filter(
      e =>
        e.metadata.uid !== productUid &&
        e.kind.toLocaleLowerCase('en-US') !== 'location',
    )
    .map(e =>
      stringifyEntityRef({
        kind: e.kind,
        namespace: e.metadata.namespace,
        name: e.metadata.name,
      }),
    );
  return { target: others.length === 0 ? 'location' : 'entity', others };
}

/** How a product leaves the catalog, looked up afresh from the catalog. */
export interface UnregisterPlan {
  /** The product's entity as the catalog has it; none: nothing to do. */
  uid?: string;
  target: 'location' | 'entity';
  /** Where the catalog read it from (its origin location). */
  origin?: string;
  /**
   * The location it was registered through with the catalog's API. None
   * with an origin: a location of the catalog's configuration or an entity
   * provider, which the API cannot remove and which emits it again.
   */
  location?: { id: string; ref: string };
  /** Other entities registered through that location: they stay. */
  others: string[];
}

/**
 * What {@link applyUnregister} would remove for the product's entity as the
 * catalog has it now (none: nothing to do). The catalog finds the location
 * registered for the entity's origin itself (one lookup, not a list of
 * every location).
 */
export async function planUnregister(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  entity: Entity | undefined,
): Promise<UnregisterPlan> {
  if (!entity?.metadata.uid) return { target: 'entity', others: [] };
  const uid = entity.metadata.uid;
  const origin = entity.metadata.annotations?.[ORIGIN];
  const location = origin
    ? await catalog.getLocationByEntity(stringifyEntityRef(entity), {
        credentials,
      })
    : undefined;
  if (!origin || !location) {
    return { uid, target: 'entity', ...(origin ? { origin } : {}), others: [] };
  }
  const { items } = await catalog.getEntities(
    {
      filter: { [`metadata.annotations.${ORIGIN}`]: origin },
      fields: ['kind', 'metadata.uid', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  return {
    uid,
    origin,
    location: { id: location.id, ref: origin },
    ...unregisterTarget(uid, items),
  };
}

/** The plan's lines for the unregister step (none when it is done). */
export function unregisterLines(product: string, plan: UnregisterPlan) {
  if (!plan.uid) return [];
  if (plan.target === 'location') {
    return [
      `- unregister ${product}: remove its catalog location ${
        plan.location!.ref
      }, which registers nothing else (its SLO monitors stop)`,
    ];
  }
  return [`- unregister ${product} from the catalog (its SLO monitors stop)`];
}

/**
 * The warning a plan carries when only the entity can go: said before the
 * owner confirms, not only in the step's result.
 */
export function unregisterWarning(
  product: string,
  plan: UnregisterPlan,
): string | undefined {
  if (!plan.uid || plan.target !== 'entity' || !plan.origin) {
    return undefined;
  }
  if (!plan.location) {
    return `${product} is read from ${plan.origin}, a location of the catalog's configuration or of an entity provider, which the catalog's API cannot remove: unregistering removes only the product's entity, which comes back at the next refresh unless its spec file is taken out of there first`;
  }
  const shown = plan.others.slice(0, 5).join(', ');
  const more =
    plan.others.length > 5 ? ` and ${plan.others.length - 5} more` : '';
  return `${product}'s catalog location ${plan.location.ref} also registers ${shown}${more}: unregistering removes only the product's entity, which comes back at the location's next refresh unless its spec file is taken out of that location first`;
}

/** Removes what the plan says; returns the result lines. */
export async function applyUnregister(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  product: string,
  plan: UnregisterPlan,
): Promise<string[]> {
  if (!plan.uid) return [];
  if (plan.target === 'location') {
    await catalog.removeLocationById(plan.location!.id, { credentials });
    return [`removed catalog location ${plan.location!.ref}`];
  }
  await catalog.removeEntityByUid(plan.uid, { credentials });
  let returns = '';
  if (plan.location) {
    returns = `; its location ${plan.location.ref} holds other entities, so it comes back at the location's next refresh unless its spec file is removed from there`;
  } else if (plan.origin) {
    returns = `; ${plan.origin} is not a location the catalog's API can remove, so it comes back at the next refresh unless its spec file is removed from there`;
  }
  return [`removed ${product} from the catalog${returns}`];
}
