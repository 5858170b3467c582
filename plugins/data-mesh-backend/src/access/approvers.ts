/*
 * The port's approvers (ODCS `roles[].firstLevelApprovers` /
 * `secondLevelApprovers` written as `user:` or `group:` refs): they decide
 * the port's requests besides the product's owners and admins. The
 * permission framework answers for owners and admins; this file answers for
 * the approvers the product's spec names, read from the catalog.
 */
import type { AccessContext } from './transition';
import { claimsOf, loadProduct, type UserCredentials } from './parties';
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
