import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  EXAMPLE_USER_HEADER,
  authModuleExampleUsersProvider,
} from './exampleUsers';

const user = (name: string, displayName: string, group: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName }, memberOf: [group] },
  // the in-memory catalog does not process entities: relations as the catalog would emit them
  relations: [{ type: 'memberOf', targetRef: `group:default/${group}` }],
});
const group = (name: string, title: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', title },
  spec: { type: 'team', children: [] },
});

const entities = [
  user('sofia.alvarez', 'Sofia Alvarez', 'population-health-analytics'),
  user('aisha.khan', 'Aisha Khan', 'clinical-care-data'),
  group('population-health-analytics', 'Population Health Analytics'),
  group('clinical-care-data', 'Clinical Care Data'),
];

async function startAuth(nodeEnv: string, enabled = true) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    return await startTestBackend({
      features: [
        import('@backstage/plugin-auth-backend'),
        authModuleExampleUsersProvider,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: {
              providers: {
                'example-users': {
                  enabled,
                  users: [
                    'user:default/sofia.alvarez',
                    'aisha.khan', // bare names are users in the default namespace
                  ],
                },
              },
            },
          },
        }),
      ],
    });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

const signIn = (server: any, as: string) =>
  request(server)
    .get('/api/auth/example-users/refresh')
    .set('X-Requested-With', 'XMLHttpRequest')
    .set(EXAMPLE_USER_HEADER, as);

describe('sign-in as an example user', () => {
  it('in development: lists the users and signs in with their groups as ownership claims', async () => {
    const backend = await startAuth('development');
    try {
      const list = await request(backend.server).get(
        '/api/auth/example-users/users',
      );
      expect(list.status).toBe(200);
      expect(list.body.users).toEqual([
        {
          entityRef: 'user:default/sofia.alvarez',
          displayName: 'Sofia Alvarez',
          teams: ['Population Health Analytics'],
        },
        {
          entityRef: 'user:default/aisha.khan',
          displayName: 'Aisha Khan',
          teams: ['Clinical Care Data'],
        },
      ]);

      const res = await signIn(backend.server, 'user:default/aisha.khan');
      expect(res.status).toBe(200);
      expect(res.body.backstageIdentity.identity).toEqual({
        type: 'user',
        userEntityRef: 'user:default/aisha.khan',
        ownershipEntityRefs: expect.arrayContaining([
          'user:default/aisha.khan',
          'group:default/clinical-care-data',
        ]),
      });
      expect(res.body.backstageIdentity.token).toEqual(expect.any(String));

      // only the offered users
      expect(
        (await signIn(backend.server, 'user:default/someone.else')).status,
      ).toBe(403);
    } finally {
      await backend.stop();
    }
  });

  it('is refused outside development, like the guest provider', async () => {
    const backend = await startAuth('production');
    try {
      const res = await signIn(backend.server, 'user:default/aisha.khan');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/development only/);
      expect(
        (await request(backend.server).get('/api/auth/example-users/users'))
          .status,
      ).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('is refused when not enabled (app-config.production.yaml)', async () => {
    const backend = await startAuth('development', false);
    try {
      expect(
        (await signIn(backend.server, 'user:default/aisha.khan')).status,
      ).toBe(403);
    } finally {
      await backend.stop();
    }
  });
});
