import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  unprocessedEntitiesDeletePermission,
  unprocessedEntitiesReadPermission,
} from '@backstage/plugin-catalog-unprocessed-entities-common';
import {
  devToolsAdministerPermission,
  devToolsConfigReadPermission,
  devToolsInfoReadPermission,
} from '@backstage/plugin-devtools-common';
import { devToolsTaskSchedulerCreatePermission } from '@backstage/plugin-devtools-common/alpha';
import {
  dataMeshAccessRepairPermission,
  dataMeshAccessRequestCreatePermission,
  dataMeshAccessRequestDecidePermission,
  dataMeshAccessRequestReadPermission,
  dataMeshProductRetirePermission,
  dataMeshSandboxCreatePermission,
  dataMeshSandboxDeletePermission,
  dataMeshLeftoverDropPermission,
  dataMeshLeftoverKeepPermission,
  dataMeshQualityRunPermission,
  dataMeshInfrastructureApplyPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  dataProductPermissionResourceRef,
  dataProductPermissionRules,
} from '@datamesh/plugin-data-mesh-node';
import express from 'express';
import request from 'supertest';
import {
  DataMeshPermissionPolicy,
  permissionPolicyModule,
  readAdminGroups,
} from './permissionPolicy';

const memberships: Record<string, string[]> = {
  'user:default/aisha.khan': ['group:default/clinical-care-data'],
  'user:default/sofia.alvarez': ['group:default/population-health-analytics'],
  'user:default/priya.raman': ['group:default/data-platform'],
  'user:default/grace.osei': ['group:default/information-governance'],
};
const userOf = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...memberships[ref]] },
});

describe('DataMeshPermissionPolicy.handle', () => {
  const policy = new DataMeshPermissionPolicy({
    adminGroups: ['group:default/data-platform'],
    auditorGroups: ['group:default/information-governance'],
  });

  it("lets auditors see every product's access requests, and decide on none", async () => {
    const grace = userOf('user:default/grace.osei');
    expect(
      await policy.handle(
        { permission: dataMeshAccessRequestReadPermission },
        grace,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    // deciding stays with owners: a conditional on her claims, which own nothing
    expect(
      await policy.handle(
        { permission: dataMeshAccessRequestDecidePermission },
        grace,
      ),
    ).toMatchObject({ result: AuthorizeResult.CONDITIONAL });
    // others read only where they own
    expect(
      await policy.handle(
        { permission: dataMeshAccessRequestReadPermission },
        userOf('user:default/sofia.alvarez'),
      ),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_DATA_PRODUCT_OWNER' },
    });
  });

  it('lets platform admins decide on any product', async () => {
    expect(
      await policy.handle(
        { permission: dataMeshAccessRequestDecidePermission },
        userOf('user:default/priya.raman'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets anyone else decide only where they own: a conditional decision on their claims', async () => {
    expect(
      await policy.handle(
        { permission: dataMeshProductRetirePermission },
        userOf('user:default/aisha.khan'),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'data-mesh',
      resourceType: 'data-product',
      conditions: {
        rule: 'IS_DATA_PRODUCT_OWNER',
        resourceType: 'data-product',
        params: {
          claims: [
            'user:default/aisha.khan',
            'group:default/clinical-care-data',
          ],
        },
      },
    });
  });

  it.each([
    ['repair access drift', dataMeshAccessRepairPermission],
    ['make feature-branch sandboxes', dataMeshSandboxCreatePermission],
    ['delete feature-branch sandboxes', dataMeshSandboxDeletePermission],
    ['drop schemas their products left behind', dataMeshLeftoverDropPermission],
    [
      'keep what their products left behind on purpose',
      dataMeshLeftoverKeepPermission,
    ],
    ['apply the infrastructure plan', dataMeshInfrastructureApplyPermission],
    ['measure data-quality checks now', dataMeshQualityRunPermission],
  ])('lets only owners and admins %s', async (_, permission) => {
    const asked = { permission };
    expect(
      await policy.handle(asked, userOf('user:default/priya.raman')),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(asked, userOf('user:default/sofia.alvarez')),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: {
        rule: 'IS_DATA_PRODUCT_OWNER',
        params: {
          claims: [
            'user:default/sofia.alvarez',
            'group:default/population-health-analytics',
          ],
        },
      },
    });
  });

  it('lets signed-in users request access, not anonymous callers', async () => {
    const create = { permission: dataMeshAccessRequestCreatePermission };
    expect(
      await policy.handle(create, userOf('user:default/sofia.alvarez')),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle(create)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('lets only owners delete catalog entities and allows the rest as before', async () => {
    const del = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    expect(
      await policy.handle(
        { permission: del },
        userOf('user:default/aisha.khan'),
      ),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      conditions: { rule: 'IS_ENTITY_OWNER' },
    });
    const read = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect(
      await policy.handle(
        { permission: read },
        userOf('user:default/aisha.khan'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only platform admins use DevTools and the unprocessed entities', async () => {
    for (const permission of [
      devToolsAdministerPermission,
      devToolsInfoReadPermission,
      devToolsConfigReadPermission,
      devToolsTaskSchedulerCreatePermission,
      unprocessedEntitiesReadPermission,
      unprocessedEntitiesDeletePermission,
    ]) {
      const decide = (ref?: string) =>
        policy.handle({ permission }, ref ? userOf(ref) : undefined);
      expect([
        permission.name,
        await decide('user:default/priya.raman'),
      ]).toEqual([permission.name, { result: AuthorizeResult.ALLOW }]);
      for (const other of ['user:default/aisha.khan', undefined]) {
        expect([permission.name, await decide(other)]).toEqual([
          permission.name,
          { result: AuthorizeResult.DENY },
        ]);
      }
    }
  });

  it('reads admin groups from config as full group refs', () => {
    expect(
      readAdminGroups(
        mockServices.rootConfig({
          data: {
            dataMesh: {
              access: {
                adminGroups: ['Data-Platform', 'group:ops/oncall'],
              },
            },
          },
        }),
      ),
    ).toEqual(['group:default/data-platform', 'group:ops/oncall']);
  });
});

describe('the policy in the permission backend', () => {
  // Products as the data-mesh backend sees them (owners from the catalog).
  const owners: Record<string, string> = {
    'dataproduct:default/encounters': 'group:default/clinical-care-data',
    'dataproduct:default/readmission-risk':
      'group:default/population-health-analytics',
  };

  // A stand-in for the data-mesh backend: registers the data-product
  // resource type and answers whether the caller may decide on a product.
  const dataMeshStandIn = createBackendPlugin({
    pluginId: 'data-mesh',
    register(reg) {
      reg.registerInit({
        deps: {
          registry: coreServices.permissionsRegistry,
          permissions: coreServices.permissions,
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
        },
        async init({ registry, permissions, httpAuth, httpRouter }) {
          registry.addResourceType({
            resourceRef: dataProductPermissionResourceRef,
            rules: Object.values(dataProductPermissionRules),
            getResources: async refs =>
              refs.map(ref =>
                owners[ref]
                  ? { entityRef: ref, owner: owners[ref] }
                  : undefined,
              ),
          });
          const router = express.Router();
          router.get('/may-decide/:name', async (req, res) => {
            const [decision] = await permissions.authorize(
              [
                {
                  permission: dataMeshAccessRequestDecidePermission,
                  resourceRef: `dataproduct:default/${req.params.name}`,
                },
              ],
              { credentials: await httpAuth.credentials(req) },
            );
            res.json(decision);
          });
          httpRouter.use(router);
        },
      });
    },
  });

  // Mock auth, except that a plugin calling another on a user's behalf sends
  // a user token with itself as actor, as the real auth service does (the
  // permission backend and apply-conditions refuse users without one).
  const onBehalfOfAuth = createServiceFactory({
    service: coreServices.auth,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const auth = mockServices.auth({ pluginId: plugin.getId() });
      const issue = auth.getPluginRequestToken.bind(auth);
      auth.getPluginRequestToken = async options => {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user') return issue(options);
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      };
      return auth;
    },
  });

  it('lets platform admins, not others, read the backend config in the real DevTools backend', async () => {
    const backend = await startTestBackend({
      features: [
        import('@backstage/plugin-permission-backend'),
        import('@backstage/plugin-devtools-backend'),
        permissionPolicyModule,
        mockServices.rootConfig.factory({
          data: {
            app: { title: 'devtools test' },
            permission: { enabled: true },
            dataMesh: { access: { adminGroups: ['data-platform'] } },
          },
        }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: any) {
              return userOf(credentials.principal.userEntityRef).info;
            },
          }),
        }),
      ],
    });
    try {
      const config = (user: string) =>
        request(backend.server)
          .get('/api/devtools/config')
          .set('Authorization', mockCredentials.user.header(user));
      const admin = await config('user:default/priya.raman');
      expect(admin.status).toBe(200);
      expect(admin.body.config.app.title).toBe('devtools test');
      const owner = await config('user:default/aisha.khan');
      expect(owner.status).toBe(403);
      expect(owner.body.config).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it('resolves owners to ALLOW on their product and DENY on another; admins ALLOW everywhere', async () => {
    const backend = await startTestBackend({
      features: [
        import('@backstage/plugin-permission-backend'),
        permissionPolicyModule,
        dataMeshStandIn,
        onBehalfOfAuth,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            dataMesh: { access: { adminGroups: ['data-platform'] } },
          },
        }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: any) {
              return userOf(credentials.principal.userEntityRef).info;
            },
          }),
        }),
      ],
    });
    try {
      const mayDecide = async (user: string, product: string) =>
        (
          await request(backend.server)
            .get(`/api/data-mesh/may-decide/${product}`)
            .set('Authorization', mockCredentials.user.header(user))
        ).body.result;
      expect(await mayDecide('user:default/aisha.khan', 'encounters')).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(
        await mayDecide('user:default/aisha.khan', 'readmission-risk'),
      ).toBe(AuthorizeResult.DENY);
      expect(
        await mayDecide('user:default/sofia.alvarez', 'readmission-risk'),
      ).toBe(AuthorizeResult.ALLOW);
      expect(await mayDecide('user:default/priya.raman', 'encounters')).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(
        await mayDecide('user:default/priya.raman', 'readmission-risk'),
      ).toBe(AuthorizeResult.ALLOW);
    } finally {
      await backend.stop();
    }
  });
});
