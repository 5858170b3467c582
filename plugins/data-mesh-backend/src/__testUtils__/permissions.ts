/*
 * The permission framework for tests, for real: the permission backend with
 * a policy that says what the portal's says about data products (only their
 * owners; anything else allowed), so the plugin's registered resource type,
 * rule and catalog lookup resolve the conditional decisions through the
 * permission backend's call back to the plugin. Add
 * `permissionTestFeatures` to a test backend and `permission: { enabled: true }`
 * to its config.
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  DATA_PRODUCT_RESOURCE_TYPE,
  dataMeshAccessRequestCreatePermission,
  dataMeshAccessRequestReadPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  createDataProductConditionalDecision,
  dataProductConditions,
} from '@datamesh/plugin-data-mesh-node';

/** Its members may do everything on data products, like the portal's admin groups. */
export const TEST_ADMIN_GROUP = 'group:default/platform-admins';
/** Its members see every product's access requests, like the portal's auditor groups. */
export const TEST_AUDITOR_GROUP = 'group:default/auditors';
/** Its members may not request access (nor act as a consumer of a request). */
export const TEST_NO_REQUESTS_GROUP = 'group:default/no-requests';

const ownersOnlyPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-data-product-owners',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy({
          async handle(request, user) {
            if (
              isResourcePermission(
                request.permission,
                DATA_PRODUCT_RESOURCE_TYPE,
              )
            ) {
              if (user?.info.ownershipEntityRefs.includes(TEST_ADMIN_GROUP)) {
                return { result: AuthorizeResult.ALLOW };
              }
              if (
                request.permission.name ===
                  dataMeshAccessRequestReadPermission.name &&
                user?.info.ownershipEntityRefs.includes(TEST_AUDITOR_GROUP)
              ) {
                return { result: AuthorizeResult.ALLOW };
              }
              return createDataProductConditionalDecision(
                request.permission,
                dataProductConditions.isDataProductOwner({
                  claims: user?.info.ownershipEntityRefs ?? [],
                }),
              );
            }
            if (
              request.permission.name ===
                dataMeshAccessRequestCreatePermission.name &&
              user?.info.ownershipEntityRefs.includes(TEST_NO_REQUESTS_GROUP)
            ) {
              return { result: AuthorizeResult.DENY };
            }
            return { result: AuthorizeResult.ALLOW };
          },
        });
      },
    });
  },
});

/**
 * The mock auth service, except that a plugin calling another on behalf of a
 * user sends a user token with itself as actor, as the real auth service
 * does: the permission backend refuses resource permissions without a
 * resourceRef from users directly, and a plugin's apply-conditions endpoint
 * only answers plugins (services, or users with an actor).
 */
const onBehalfOfMockAuthServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options => {
      const principal = options.onBehalfOf.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user') return getPluginRequestToken(options);
      return {
        token: mockCredentials.user.token(principal.userEntityRef, {
          actor: { subject: `plugin:${plugin.getId()}` },
        }),
      };
    };
    return auth;
  },
});

export const permissionTestFeatures = [
  import('@backstage/plugin-permission-backend'),
  ownersOnlyPolicy,
  onBehalfOfMockAuthServiceFactory,
];
