/*
 * Dev-only sign-in as one of the example users (examples/org.yaml), so that a
 * person trying the portal on the embedded default can play both sides of an
 * access request: an analyst who asks and an owner who approves. Like the
 * guest provider it refuses outside development (NODE_ENV) unless
 * `dangerouslyAllowOutsideDevelopment` is set, and it is off unless
 * `auth.providers.example-users.enabled` is true.
 *
 * - `GET /api/auth/example-users/users` lists the offered users (name, teams)
 *   for the sign-in page, read from the catalog.
 * - `GET /api/auth/example-users/refresh` with the header
 *   `x-datamesh-example-user: user:default/<name>` signs in as that user,
 *   resolved in the catalog, so the token carries their groups as ownership
 *   claims. The sign-in page sends it through Backstage's proxied sign-in.
 */
import {
  type RootConfigService,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  RELATION_MEMBER_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import Router from 'express-promise-router';

export const EXAMPLE_USERS_PROVIDER_ID = 'example-users';
/** The header the sign-in page names the chosen user in. */
export const EXAMPLE_USER_HEADER = 'x-datamesh-example-user';

/** A user offered on the sign-in page. */
export interface ExampleUser {
  entityRef: string;
  displayName: string;
  /** Their groups' titles (or names). */
  teams: string[];
}

interface ExampleUsersSettings {
  /** Why sign-in is refused, or undefined when it is allowed. */
  refusal?: string;
  users: string[];
}

/** Reads `auth.providers.example-users` and decides whether it may run. */
export function readExampleUsersSettings(
  config: RootConfigService,
): ExampleUsersSettings {
  const provider = config.getOptionalConfig(
    `auth.providers.${EXAMPLE_USERS_PROVIDER_ID}`,
  );
  const users = (provider?.getOptionalStringArray('users') ?? []).map(ref =>
    stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' }),
    ).toLowerCase(),
  );
  if (!provider?.getOptionalBoolean('enabled')) {
    return { refusal: 'Sign-in as an example user is not enabled', users };
  }
  if (
    process.env.NODE_ENV !== 'development' &&
    provider.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true
  ) {
    return {
      refusal: `Sign-in as an example user is for development only; it cannot be used outside of a development environment unless 'auth.providers.${EXAMPLE_USERS_PROVIDER_ID}.dangerouslyAllowOutsideDevelopment' is enabled`,
      users,
    };
  }
  return { users };
}

const memberships = (user: Entity) =>
  (user.relations ?? [])
    .filter(r => r.type === RELATION_MEMBER_OF)
    .map(r => r.targetRef);

export const authModuleExampleUsersProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ providers, config, httpRouter, catalog, auth }) {
        const settings = readExampleUsersSettings(config);
        const offered = new Set(settings.users);

        const router = Router();
        router.get(`/${EXAMPLE_USERS_PROVIDER_ID}/users`, async (_req, res) => {
          if (settings.refusal) throw new NotFoundError(settings.refusal);
          const credentials = await auth.getOwnServiceCredentials();
          const { items: users } = await catalog.getEntitiesByRefs(
            { entityRefs: settings.users },
            { credentials },
          );
          const groupRefs = [
            ...new Set(users.flatMap(u => (u ? memberships(u) : []))),
          ];
          const { items: groups } = await catalog.getEntitiesByRefs(
            { entityRefs: groupRefs },
            { credentials },
          );
          const teamName = new Map(
            groups.flatMap(g =>
              g
                ? [[stringifyEntityRef(g), g.metadata.title ?? g.metadata.name]]
                : [],
            ),
          );
          const list: ExampleUser[] = users.flatMap(user =>
            user
              ? [
                  {
                    entityRef: stringifyEntityRef(user),
                    displayName:
                      (user.spec?.profile as { displayName?: string })
                        ?.displayName ?? user.metadata.name,
                    teams: memberships(user).map(
                      ref => teamName.get(ref) ?? parseEntityRef(ref).name,
                    ),
                  },
                ]
              : [],
          );
          res.json({ users: list });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({
          path: `/${EXAMPLE_USERS_PROVIDER_ID}/users`,
          allow: 'unauthenticated',
        });

        providers.registerProvider({
          providerId: EXAMPLE_USERS_PROVIDER_ID,
          factory: createProxyAuthProviderFactory<{ userEntityRef: string }>({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => undefined,
              async authenticate({ req }) {
                if (settings.refusal)
                  throw new NotAllowedError(settings.refusal);
                const chosen = String(req.header(EXAMPLE_USER_HEADER) ?? '');
                if (!offered.has(chosen.toLowerCase())) {
                  throw new NotAllowedError(
                    `'${chosen}' is not one of the example users offered (auth.providers.${EXAMPLE_USERS_PROVIDER_ID}.users)`,
                  );
                }
                return { result: { userEntityRef: chosen } };
              },
            }),
            // the catalog user with their groups: the ownership claims the
            // permission policy decides on
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
          }),
        });
      },
    });
  },
});
