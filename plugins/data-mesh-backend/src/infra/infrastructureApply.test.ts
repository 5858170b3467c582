/*
 * Applying a product's plan through the REST API (POST
 * /products/:namespace/:name/infrastructure/apply), in a test backend with
 * the real permission backend, on SQLite and PostgreSQL, against a real
 * PGlite warehouse: only owners may; a product never provisioned is
 * provisioned; drift made by hand is repaired, revokes only when asked;
 * each apply that sent something is kept in the product's audit trail; a
 * spec without warehouse names is refused.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type ProvisionedProduct,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';

const T0 = Date.UTC(2026, 0, 1);
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
};
const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);
// no warehouse name can be made of this domain
const broken = product(
  'broken',
  'group:default/clinical',
  'domain:default/Care & Cure',
);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('infrastructure apply on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let names: ProvisionedProduct;

  const { call, audited: auditOf } = contractCalls(() => server, 'aisha');
  const apply = (user: string, body: object = {}, name = 'visits') =>
    call('post', `/products/default/${name}/infrastructure/apply`, user, body);
  const status = async () =>
    (await call('get', '/products/default/visits/infrastructure', 'aisha')).body
      .status;
  const audited = () => auditOf('visits', 'infrastructure-apply');
  const q = (name: string) => warehouse.dialect.quoteIdentifier(name);
  const output = () =>
    warehouse.dialect.qualifiedSchema({
      database: names.database,
      schema: names.schemas.output,
    });

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    names = (await planProducts([visits], platformConfig(), warehouse)).desired!
      .products[0];
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      entities: [visits, broken],
      memberships,
      clock: { now: () => T0 },
      sent: [] as NotificationSendOptions[],
      scheduler: mockServices.scheduler(),
      warehouse,
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('provisions a product for its owners only, then repairs drift, revokes only when asked', async () => {
    expect(await status()).toBe('not-provisioned');

    // the consumer is no owner: refused, nothing made
    const refused = await apply('sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not apply the infrastructure of dataproduct:default/visits: only its owners or an admin may',
    ]);
    expect(await status()).toBe('not-provisioned');
    expect((await apply('aisha', { allowDestructive: 'yes' })).status).toBe(
      400,
    );

    const provisioned = await apply('aisha');
    expect(provisioned.status).toBe(200);
    expect(provisioned.body.applied.map((s: any) => s.action)).toEqual(
      expect.arrayContaining(['create-role', 'create-schema', 'grant']),
    );
    expect(provisioned.body.infrastructure.status).toBe('in-sync');
    expect(await status()).toBe('in-sync');

    // by hand: the pipeline's role loses the output layer, and a stranger
    // gets it
    await warehouse.execute([
      {
        sql: `REVOKE ALL ON SCHEMA ${output()} FROM ${q(names.roles.service)}`,
      },
      { sql: `GRANT USAGE ON SCHEMA ${output()} TO PUBLIC` },
    ]);
    expect(await status()).toBe('drift');
    const regranted = await apply('aisha');
    expect(regranted.body.applied.map((s: any) => s.line)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\+ grant usage, create on schema .* to "${names.roles.service}"$`,
        ),
      ),
    ]);
    expect(regranted.body.skipped.map((s: any) => s.line)).toEqual([
      expect.stringMatching(/^- revoke usage on schema .* from PUBLIC$/),
    ]);
    expect(regranted.body.infrastructure.status).toBe('drift');
    const revoked = await apply('aisha', { allowDestructive: true });
    expect(revoked.body.applied.map((s: any) => s.line)).toEqual([
      expect.stringMatching(/^- revoke usage on schema .* from PUBLIC$/),
    ]);
    expect(revoked.body.infrastructure.status).toBe('in-sync');

    // nothing left to apply: nothing sent, nothing audited
    const idle = await apply('aisha', { allowDestructive: true });
    expect([idle.body.applied, idle.body.skipped]).toEqual([[], []]);

    const trail = await audited();
    expect(trail.map(a => [a.actor, a.detail.allowDestructive])).toEqual([
      ['user:default/aisha', false],
      ['user:default/aisha', false],
      ['user:default/aisha', true],
    ]);
    expect(trail[1].detail.statements).toEqual(
      regranted.body.applied.flatMap((s: any) => s.sql),
    );
  });

  it('refuses a product whose spec gives no warehouse names', async () => {
    const res = await apply('aisha', {}, 'broken');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /^dataproduct:default\/broken has no warehouse names: spec\.domain: /,
    );
  });
});
