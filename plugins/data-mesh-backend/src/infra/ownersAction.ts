import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { actorOf } from '../lifecycle/LifecycleService';
import { authorizeOnDataProduct } from '../permissions';

/**
 * The start of an owners' action on a product's warehouse objects (a
 * repair, a sandbox deletion): the product's ref and who acts, once the
 * permission policy allows it on the product (403 with `refused` otherwise).
 */
export async function authorizeOwnersAction(
  permissions: PermissionsService,
  permission: ResourcePermission<'data-product'>,
  ref: { namespace: string; name: string },
  credentials: BackstageCredentials,
  refused: (actor: string, entityRef: string) => string,
): Promise<{ entityRef: string; actor: string }> {
  const entityRef = stringifyEntityRef({
    kind: 'dataproduct',
    namespace: ref.namespace,
    name: ref.name,
  }).toLowerCase();
  const actor = actorOf(credentials);
  await authorizeOnDataProduct(
    permissions,
    permission,
    entityRef,
    credentials,
    () => refused(actor, entityRef),
  );
  return { entityRef, actor };
}
