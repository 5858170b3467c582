/*
 * The port's approvers (ODCS `roles[].firstLevelApprovers` /
 * `secondLevelApprovers` written as `user:` or `group:` refs): first-level
 * approvers decide the port's requests besides the product's owners and
 * admins; second-level approvers, when named, give the second approval
 * that follows (decide.ts). The permission framework answers for owners
 * and admins; this file answers for the approvers the product's spec
 * names, read from the catalog.
 */
import {
  fromCatalogForm,
  isDataProductEntity,
  type PortApproverLevels,
  type PortApproverPlace,
  portApproverPlace,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessContext } from './transition';
import { claimsOf, loadProduct, lower, type UserCredentials } from './parties';
import { portApproverLevels, portApprovers } from './policy';

/** The principals a product's port names as approvers, at each level (full lower-case refs). */
export async function approverLevelsOf(
  ctx: Pick<AccessContext, 'catalog' | 'auth'>,
  product: string,
  outputPort: string,
): Promise<PortApproverLevels> {
  const entity = await loadProduct(ctx, product);
  const port = entity?.spec.outputPorts?.find(p => p.name === outputPort);
  return port ? portApproverLevels(port) : { first: [], second: [] };
}

/** The principals a product's port names as approvers, either level (full lower-case refs). */
export async function approversOf(
  ctx: Pick<AccessContext, 'catalog' | 'auth'>,
  product: string,
  outputPort: string,
): Promise<string[]> {
  const { first, second } = await approverLevelsOf(ctx, product, outputPort);
  return [...new Set([...first, ...second])];
}

/** Whether the caller, or one of their groups, is among `principals`. */
export async function isAmong(
  ctx: Pick<AccessContext, 'userInfo'>,
  principals: string[],
  caller: UserCredentials,
): Promise<boolean> {
  if (principals.length === 0) return false;
  const claims = await claimsOf(ctx.userInfo, caller);
  return principals.some(a => claims.has(a));
}

/** The ports of `product` the caller approves (for listing their requests). */
export async function portsApprovedBy(
  ctx: Pick<AccessContext, 'catalog' | 'auth' | 'userInfo'>,
  product: string,
  caller: UserCredentials,
): Promise<string[]> {
  const entity = await loadProduct(ctx, product);
  const ports = entity?.spec.outputPorts ?? [];
  if (!ports.some(p => portApprovers(p).length > 0)) return [];
  const claims = await claimsOf(ctx.userInfo, caller);
  return ports
    .filter(p => portApprovers(p).some(a => claims.has(a)))
    .map(p => p.name);
}

/** The key of one product's port in `approverPlaces`. */
export const portKey = (product: string, port: string) =>
  `${lower(product)}|${port}`;

/**
 * Where the caller (`claims`: they and their groups) stands among the
 * approvers of each port of `products` (entity refs), keyed by `portKey`:
 * one catalog call, for the access inbox across products.
 */
export async function approverPlaces(
  ctx: Pick<AccessContext, 'catalog' | 'auth'>,
  products: string[],
  claims: Set<string>,
): Promise<Map<string, PortApproverPlace>> {
  const places = new Map<string, PortApproverPlace>();
  if (products.length === 0) return places;
  const { items } = await ctx.catalog.getEntitiesByRefs(
    { entityRefs: products },
    { credentials: await ctx.auth.getOwnServiceCredentials() },
  );
  items.forEach((entity, i) => {
    if (!entity || !isDataProductEntity(entity)) return;
    for (const port of fromCatalogForm(entity).spec.outputPorts ?? []) {
      places.set(
        portKey(products[i], port.name),
        portApproverPlace(port, claims),
      );
    }
  });
  return places;
}
