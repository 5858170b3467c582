/*
 * The port's approvers (ODCS `roles[].firstLevelApprovers` /
 * `secondLevelApprovers` written as `user:` or `group:` refs): they decide
 * the port's requests besides the product's owners and admins. The
 * permission framework answers for owners and admins; this file answers for
 * the approvers the product's spec names, read from the catalog.
 */
import {
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessContext } from './transition';
import { claimsOf, loadProduct, lower, type UserCredentials } from './parties';
import { portApprovers } from './policy';

/** The principals a product's port names as approvers (full lower-case refs). */
export async function approversOf(
  ctx: Pick<AccessContext, 'catalog' | 'auth'>,
  product: string,
  outputPort: string,
): Promise<string[]> {
  const entity = await loadProduct(ctx, product);
  const port = entity?.spec.outputPorts?.find(p => p.name === outputPort);
  return port ? portApprovers(port) : [];
}

/** Whether the caller, or one of their groups, is an approver of the request's port. */
export async function isPortApprover(
  ctx: Pick<AccessContext, 'catalog' | 'auth' | 'userInfo'>,
  request: { product: string; outputPort: string },
  caller: UserCredentials,
): Promise<boolean> {
  const approvers = await approversOf(ctx, request.product, request.outputPort);
  if (approvers.length === 0) return false;
  const claims = await claimsOf(ctx.userInfo, caller);
  return approvers.some(a => claims.has(a));
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

/** The key of one product's port in `approvedPortKeys`. */
export const portKey = (product: string, port: string) =>
  `${lower(product)}|${port}`;

/**
 * Of `products` (entity refs), the `product|port` keys of the ports whose
 * approvers include one of `claims` (the caller and their groups): one
 * catalog call, for the access inbox across products.
 */
export async function approvedPortKeys(
  ctx: Pick<AccessContext, 'catalog' | 'auth'>,
  products: string[],
  claims: Set<string>,
): Promise<Set<string>> {
  const keys = new Set<string>();
  if (products.length === 0) return keys;
  const { items } = await ctx.catalog.getEntitiesByRefs(
    { entityRefs: products },
    { credentials: await ctx.auth.getOwnServiceCredentials() },
  );
  items.forEach((entity, i) => {
    if (!entity || !isDataProductEntity(entity)) return;
    for (const port of fromCatalogForm(entity).spec.outputPorts ?? []) {
      if (portApprovers(port).some(a => claims.has(a))) {
        keys.add(portKey(products[i], port.name));
      }
    }
  });
  return keys;
}
