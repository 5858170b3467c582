import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  type CatalogApi,
  catalogApiRef,
} from '@backstage/plugin-catalog-react';
import {
  DATA_PRODUCT_KIND,
  fromCatalogForm,
  isDataProductEntity,
  type PortApproverPlace,
  portApproverPlace,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { type AccessRequestFilter, dataMeshApiRef } from '../../api';

/**
 * The signed-in user, the groups they belong to (the identity's ownership
 * refs) and both together: the refs an ODCS approver entry may name them by.
 */
export function useSignedInUser() {
  const identityApi = useApi(identityApiRef);
  return useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    // the backend compares lower-cased refs
    const userEntityRef = identity.userEntityRef.toLowerCase();
    const groups = identity.ownershipEntityRefs
      .map(r => r.toLowerCase())
      .filter(r => r.startsWith('group:'));
    return {
      userEntityRef,
      groups,
      claims: new Set([userEntityRef, ...groups]) as ReadonlySet<string>,
    };
  }, [identityApi]);
}

/** On whose behalf a request can be made. */
export interface ConsumerOption {
  /** Entity ref sent as `consumer`. */
  ref: string;
  label: string;
  kind: 'group' | 'dataproduct';
}

const CONSUMER_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'spec.profile.displayName',
];

/** A group or data product as a consumer; `ref` names it when the catalog has not. */
function consumerOption(
  entity: Entity | undefined,
  ref?: string,
): ConsumerOption {
  const full = ref ?? stringifyEntityRef(entity!).toLowerCase();
  const kind = parseEntityRef(full).kind === 'group' ? 'group' : 'dataproduct';
  const profile = (entity?.spec as { profile?: { displayName?: string } })
    ?.profile;
  const name =
    profile?.displayName ?? entity?.metadata.title ?? parseEntityRef(full).name;
  return {
    ref: full,
    kind,
    label: kind === 'group' ? `Team: ${name}` : `Data product: ${name}`,
  };
}

/**
 * Every group and data product of the catalog, as consumers: whom an owner
 * may record access agreed outside the portal for.
 */
export function useAnyConsumerOptions(enabled: boolean) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async (): Promise<ConsumerOption[]> => {
    if (!enabled) return [];
    const { items } = await catalogApi.getEntities({
      filter: [{ kind: 'Group' }, { kind: DATA_PRODUCT_KIND }],
      fields: CONSUMER_FIELDS,
    });
    return items
      .map(e => consumerOption(e))
      .sort(
        (a, b) =>
          a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label),
      );
  }, [catalogApi, enabled]);
}

/**
 * The user's groups, and the data products those groups own (then the
 * product's service role is the grantee). Titles come from the catalog.
 */
async function fetchConsumerOptions(
  catalogApi: CatalogApi,
  groups: string[] | undefined,
): Promise<ConsumerOption[]> {
  if (!groups?.length) return [];
  const [groupEntities, products] = await Promise.all([
    catalogApi.getEntitiesByRefs({
      entityRefs: groups,
      fields: CONSUMER_FIELDS,
    }),
    catalogApi.getEntities({
      filter: { kind: DATA_PRODUCT_KIND, 'relations.ownedBy': groups },
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.title'],
    }),
  ]);
  const groupOptions = groups.map((ref, i) =>
    consumerOption(groupEntities.items[i], ref),
  );
  const productOptions = products.items.map(e => consumerOption(e));
  return [...groupOptions, ...productOptions];
}

/** On whose behalf the user can request; a catalog failure leaves the groups, named by their refs. */
export function useConsumerOptions(groups: string[] | undefined) {
  const catalogApi = useApi(catalogApiRef);
  const key = JSON.stringify(groups ?? null);
  return useAsync(
    () => fetchConsumerOptions(catalogApi, groups),
    [catalogApi, key],
  );
}

/**
 * The consumers whose access the signed-in user shares (their groups and
 * the products those groups own, lower-case), as the backend counts them:
 * any of their members asks to extend a request made for one. Loading
 * until the answer is for these groups, so a table is not drawn twice.
 */
export function useMyConsumers(groups: string[] | undefined) {
  const catalogApi = useApi(catalogApiRef);
  const key = JSON.stringify(groups ?? null);
  const state = useAsync(async () => {
    const refs = new Set(groups);
    // a catalog failure leaves the groups: the backend decides anyway
    const options = await fetchConsumerOptions(catalogApi, groups).catch(
      () => [],
    );
    for (const o of options) refs.add(o.ref);
    return { key, refs };
  }, [catalogApi, key]);
  return {
    loading: groups === undefined || state.value?.key !== key,
    value: state.value?.refs ?? new Set<string>(),
  };
}

/** Access requests matching `filter`; `retry` reloads after a change. */
export function useAccessRequests(filter: AccessRequestFilter | undefined) {
  const api = useApi(dataMeshApiRef);
  const key = JSON.stringify(filter ?? null);
  return useAsyncRetry(async () => {
    if (!filter) return undefined;
    return (await api.listAccessRequests(filter)).items;
  }, [api, key]);
}

/** The key of one product's port in `usePortApprovals`' map. */
export const portApprovalKey = (product: string, port: string) =>
  `${product.toLowerCase()}|${port}`;

/**
 * Where the user (`claims`: their ref and groups) stands among the
 * approvers of each port of `products`, from the catalog in one call:
 * for screens listing requests across products (the inbox). Undefined
 * while loading; empty when the catalog cannot answer (the backend still
 * decides who may approve).
 */
export function usePortApprovals(
  products: string[] | undefined,
  claims: ReadonlySet<string> | undefined,
) {
  const catalogApi = useApi(catalogApiRef);
  const refs = [...new Set(products ?? [])].sort();
  const key = JSON.stringify([refs, [...(claims ?? [])].sort()]);
  const state = useAsync(async () => {
    const approvals = new Map<string, PortApproverPlace>();
    if (!products || !claims || refs.length === 0) return { key, approvals };
    try {
      const { items } = await catalogApi.getEntitiesByRefs({
        entityRefs: refs,
      });
      items.forEach((entity, i) => {
        if (!entity || !isDataProductEntity(entity)) return;
        for (const port of fromCatalogForm(entity).spec.outputPorts ?? []) {
          approvals.set(
            portApprovalKey(refs[i], port.name),
            portApproverPlace(port, claims),
          );
        }
      });
    } catch {
      // the buttons then follow the permission framework alone
    }
    return { key, approvals };
  }, [catalogApi, key]);
  // loading until the answer is for these products: a table drawn from an
  // older answer would be drawn again, closing what the user opened
  return {
    loading: state.value?.key !== key,
    value: state.value?.approvals,
  };
}
