/*
 * Deprecation and retirement through the REST API, in a test backend with
 * the real permission backend, on SQLite and PostgreSQL, against a real
 * PGlite warehouse: only owners deprecate and retire, consumers holding
 * grants are notified, new requests are refused unless owners override,
 * retirement waits for its date and for readers — grant holders, and
 * whoever usage saw reading within the look-back (unless forced with a
 * reason) — runs only confirmed steps, leaves only the archive (with the
 * rows) and an audit trail, and drops the archive after its retention.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  ACCESS_REQUEST_EVENT_TOPIC,
  type AccessRequestEvent,
  PRODUCT_AUDIT_EVENT_TOPIC,
  type ProductAuditEvent,
  applyPlan,
  planProducts,
  platformConfig,
  retirementNames,
} from '@datamesh/plugin-data-mesh-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  eventsRecorder,
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';
import { USAGE_COLLECTION_TASK_ID } from '../usage';
import { UsageStore } from '../usage/UsageStore';
import { LIFECYCLE_ARCHIVE_TASK_ID } from '.';

const T0 = Date.UTC(2026, 0, 1);
const platform = platformConfig();

const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  // readmissions: a second team of hers, asking while pophealth's request is open
  'user:default/sofia': [
    'group:default/pophealth',
    'group:default/readmissions',
  ],
};

const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);
visits.metadata.uid = 'uid-visits';
const successor = product(
  'visits-v2',
  'group:default/clinical',
  'domain:default/care',
);
successor.metadata.uid = 'uid-visits-v2';
// never provisioned: its retirement only unregisters it
const labs = product('labs', 'group:default/clinical', 'domain:default/care');
labs.metadata.uid = 'uid-labs';

const databases = createTestDatabases();
const validator = createDataMeshApiValidator();

describe.each(databases.eachSupportedId())('product lifecycle on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let usage: UsageStore;
  let now = T0;
  const sent: NotificationSendOptions[] = [];
  // the audit trail and the access requests' changes, as events
  const events = eventsRecorder();
  const scheduler = mockServices.scheduler();
  const as = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);
  const call = (
    method: 'get' | 'post',
    path: string,
    user: string,
    body?: object,
  ) => {
    const r = request(server)
      [method](`/api/data-mesh${path}`)
      .set('Authorization', as(user));
    return (body ? r.send(body) : r).then(res => {
      // every answer, success or error, is as the OpenAPI document says
      const template = path.startsWith('/lifecycle/')
        ? path.replace(
            /^\/lifecycle\/[^/]+\/[^/?]+/,
            '/lifecycle/{namespace}/{name}',
          )
        : path.replace(/\?.*$/, '').replace(/\/[0-9a-f]{16}\//, '/{id}/');
      expect({
        [`${method} ${path} ${res.status}`]: validator.response(
          { method, path: template as any },
          res.status,
          res.body,
        ),
      }).toEqual({ [`${method} ${path} ${res.status}`]: [] });
      return res;
    });
  };
  const ask = (user: string, consumer = 'group:default/pophealth') =>
    call('post', '/access-requests', user, {
      product: 'visits',
      outputPort: 'events',
      consumer,
      purpose: 'readmissions',
    });
  const names = retirementNames(visits, platform);
  const remaining = async () => {
    const actual = await warehouse.introspect({
      computes: [],
      databases: [],
      schemas: [
        ...Object.values(names.product.schemas).map(schema => ({
          database: names.product.database,
          schema,
        })),
        names.archive,
      ],
      roles: Object.values(names.product.roles),
    });
    return {
      schemas: actual.schemas.map(s => s.schema),
      roles: actual.roles.map(r => r.name),
    };
  };

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan } = await planProducts([visits], platform, warehouse);
    const provisioned = await applyPlan(plan!, warehouse);
    if (provisioned.error) throw new Error(provisioned.error.message);
    const table = warehouse.dialect.qualifiedTable(
      { database: names.product.database, schema: names.product.outputSchema },
      'events',
    );
    await warehouse.connection.queryAs(
      names.product.roles.service,
      `CREATE TABLE ${table} (id INT)`,
    );
    await warehouse.connection.queryAs(
      names.product.roles.service,
      `INSERT INTO ${table} (id) VALUES (1), (2)`,
    );
    const knex = await databases.init(id);
    usage = await UsageStore.create({ getClient: async () => knex });
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [visits, successor, labs],
      memberships,
      clock: { now: () => now },
      sent,
      scheduler,
      warehouse,
      features: [events.feature],
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('a live product has no record, and only owners deprecate it', async () => {
    const live = await call('get', '/lifecycle/default/visits', 'sofia');
    expect(live.body).toEqual({
      product: 'dataproduct:default/visits',
      state: 'live',
      audit: [],
    });
    // a consumer with a grant, before the deprecation
    const asked = await ask('sofia');
    expect(asked.status).toBe(201);
    const approved = await call(
      'post',
      `/access-requests/${asked.body.id}/approve`,
      'aisha',
      {},
    );
    expect(approved.status).toBe(200);

    const refused = await call(
      'post',
      '/lifecycle/default/visits/deprecation',
      'sofia',
      {
        retireAt: '2026-02-01',
      },
    );
    expect(refused.status).toBe(403);
    const bad = await call(
      'post',
      '/lifecycle/default/visits/deprecation',
      'aisha',
      {
        retireAt: 'soon',
        successor: 'visits-v2',
      },
    );
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      "retireAt: 'soon' is not a date (write e.g. 2027-03-31)",
    ]);
    const noSuccessor = await call(
      'post',
      '/lifecycle/default/visits/deprecation',
      'aisha',
      {
        retireAt: '2026-02-01',
        successor: 'nope',
      },
    );
    expect(noSuccessor.body.error.message).toBe(
      'successor: no data product dataproduct:default/nope',
    );
  });

  it('deprecates: the record, the audit entry and a notice to the consumers holding grants', async () => {
    const res = await call(
      'post',
      '/lifecycle/default/visits/deprecation',
      'aisha',
      {
        retireAt: '2026-02-01',
        successor: 'visits-v2',
        reason: 'replaced by v2',
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'deprecated',
      retireAt: '2026-02-01T00:00:00.000Z',
      successor: 'dataproduct:default/visits-v2',
      acceptNewRequests: false,
      deprecatedBy: 'user:default/aisha',
      audit: [{ actor: 'user:default/aisha', action: 'deprecate' }],
    });
    const notice = sent.find(n => n.payload.topic === 'data-mesh-deprecation');
    expect(notice).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/sofia', 'group:default/pophealth'],
      },
      payload: {
        title: 'visits is deprecated: it retires on 2026-02-01',
        link: '/catalog/default/dataproduct/visits',
      },
    });
    expect(notice!.payload.description).toContain(
      'Move to its successor dataproduct:default/visits-v2.',
    );
  });

  it('refuses new access requests unless the owners override', async () => {
    const refused = await ask('sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      409,
      'dataproduct:default/visits is deprecated and retires on 2026-02-01: its owners take no new access requests; its successor is dataproduct:default/visits-v2',
    ]);
    // nor access agreed elsewhere, recorded by its owners
    const recorded = await call('post', '/access-requests/record', 'aisha', {
      product: 'visits',
      outputPort: 'events',
      consumer: 'group:default/readmissions',
      purpose: 'agreed by e-mail',
    });
    expect([recorded.status, recorded.body.error.message]).toEqual([
      409,
      refused.body.error.message,
    ]);
    await call('post', '/lifecycle/default/visits/deprecation', 'aisha', {
      retireAt: '2026-02-01',
      successor: 'visits-v2',
      acceptNewRequests: true,
    });
    const accepted = await ask('sofia', 'group:default/readmissions');
    expect(accepted.status).toBe(201);
    // the same date: no second notice
    expect(
      sent.filter(n => n.payload.topic === 'data-mesh-deprecation'),
    ).toHaveLength(1);
  });

  it('retires on or after the date, only confirmed steps, refusing readers unless forced with a reason', async () => {
    const early = await call(
      'get',
      '/lifecycle/default/visits/retirement',
      'aisha',
    );
    expect(early.body.refusals).toEqual([
      'dataproduct:default/visits retires on 2026-02-01: not before',
    ]);
    expect(
      (
        await call('post', '/lifecycle/default/visits/retirement', 'aisha', {
          confirm: [],
        })
      ).status,
    ).toBe(409);
    expect(
      (await call('get', '/lifecycle/default/visits/retirement', 'sofia'))
        .status,
    ).toBe(403);

    // usage of the warehouse (PGlite: table scans, not readers): a baseline, reads, the growth
    now = Date.UTC(2026, 0, 31, 23);
    await scheduler.triggerTask(USAGE_COLLECTION_TASK_ID);
    const table = warehouse.dialect.qualifiedTable(
      { database: names.product.database, schema: names.product.outputSchema },
      'events',
    );
    await warehouse.connection.query(`SELECT count(*) FROM ${table}`);
    now = Date.UTC(2026, 1, 1);
    await scheduler.triggerTask(USAGE_COLLECTION_TASK_ID);
    const plan = await call(
      'get',
      '/lifecycle/default/visits/retirement',
      'aisha',
    );
    expect(plan.body.refusals).toEqual([]);
    // scans name nobody: the grant holder is the reader
    expect(plan.body.readers).toEqual(['group:default/pophealth']);
    expect(plan.body.usage).toMatchObject({
      source: 'table-level',
      since: '2026-01-02',
      readers: [],
    });
    expect(plan.body.usage.unattributedReads).toBeGreaterThan(0);
    expect(plan.body.notes).toContainEqual(
      expect.stringMatching(/^usage here counts table scans, not readers/),
    );
    expect(plan.body.steps.map((s: any) => [s.id, s.done])).toEqual([
      ['revoke-access', false],
      ['revoke', false],
      ['archive', false],
      ['drop', false],
      ['unregister', false],
      ['drop-archive', true],
    ]);

    // visits itself reads its successor's port (its own team's product:
    // approved at once): its service role leaves with it, so the request
    // is given up too
    const own = await call('post', '/access-requests', 'aisha', {
      product: 'visits-v2',
      outputPort: 'events',
      consumer: 'dataproduct:default/visits',
      purpose: 'compare both versions',
    });
    expect(own.status).toBe(201);
    const planned = await call(
      'get',
      '/lifecycle/default/visits/retirement',
      'aisha',
    );
    expect(planned.body.steps[0].lines).toContain(
      `- give up the product's own access request ${own.body.id} to dataproduct:default/visits-v2 port 'events' (approved)`,
    );

    const readers = await call(
      'post',
      '/lifecycle/default/visits/retirement',
      'aisha',
      {
        confirm: ['revoke-access'],
      },
    );
    expect([readers.status, readers.body.error.message]).toEqual([
      409,
      'consumers still read dataproduct:default/visits: group:default/pophealth (force with a reason to retire anyway)',
    ]);
    const noReason = await call(
      'post',
      '/lifecycle/default/visits/retirement',
      'aisha',
      {
        confirm: ['revoke-access'],
        force: true,
      },
    );
    expect(noReason.status).toBe(400);

    const first = await call(
      'post',
      '/lifecycle/default/visits/retirement',
      'aisha',
      {
        confirm: ['revoke-access'],
        force: true,
        reason: 'successor has been live for a month',
      },
    );
    expect(first.status).toBe(200);
    expect(first.body.applied.map((a: any) => a.id)).toEqual(['revoke-access']);
    // the consumers whose grants it took back learn their access has ended
    expect(
      sent.filter(
        n => n.payload.scope === 'data-mesh:retired:dataproduct:default/visits',
      ),
    ).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['user:default/sofia', 'group:default/pophealth'],
        },
        payload: expect.objectContaining({
          title: 'visits is retired: your access to it has ended',
          description:
            'Its grants are revoked and its data leaves the warehouse. Request access to its successor dataproduct:default/visits-v2.',
          link: '/data-products/my-access',
        }),
      },
    ]);
    expect(first.body.stoppedAt).toEqual({
      id: 'revoke',
      reason: 'awaiting confirmation',
    });
    const [given] = (
      await call(
        'get',
        '/access-requests?consumer=dataproduct:default/visits',
        'aisha',
      )
    ).body.items;
    expect([given.id, given.state]).toEqual([own.body.id, 'cancelled']);
    // the owners of what it read hear that the reader left, on the request's thread
    expect(
      sent.filter(n => n.payload.scope === `data-mesh:access:${given.id}`),
    ).toContainEqual({
      recipients: { type: 'entity', entityRef: 'group:default/clinical' },
      payload: expect.objectContaining({
        title:
          'visits is retired: it no longer reads dataproduct:default/visits-v2 (events)',
        link: '/catalog/default/dataproduct/visits-v2/access',
      }),
    });
    expect(given.history.at(-1)).toMatchObject({
      action: 'cancel',
      comment:
        'dataproduct:default/visits is retired: it reads nothing any more',
    });
    expect((await remaining()).roles).toHaveLength(3);
    // retiring: requests are refused even with the override
    const retiring = await ask('sofia', 'group:default/readmissions');
    expect([retiring.status, retiring.body.error.message]).toEqual([
      409,
      'dataproduct:default/visits is retiring: it takes no new access requests; its successor is dataproduct:default/visits-v2',
    ]);

    // a pipeline is making a sandbox of the product (a copy of its data):
    // the drop waits for it, rather than leave the copy behind
    const claims = '/api/data-mesh/products/default/visits/sandbox-claims';
    const pipeline = mockCredentials.service.header();
    const claim = await request(server)
      .post(claims)
      .set('Authorization', pipeline)
      .send({
        branch: 'feat/x',
        change: 'create',
        source: 'cli',
        reference: 'https://ci.example.com/runs/5',
      });
    expect(claim.status).toBe(201);
    const confirmAll = { confirm: ['revoke', 'archive', 'drop', 'unregister'] };
    const waiting = await call(
      'post',
      '/lifecycle/default/visits/retirement',
      'aisha',
      confirmAll,
    );
    expect(waiting.body.applied.map((a: any) => a.id)).toEqual([
      'revoke',
      'archive',
    ]);
    expect(waiting.body.stoppedAt).toEqual({
      id: 'drop',
      reason: `the sandbox of feat_x of dataproduct:default/visits is being made by the datamesh CLI (asked by service:external:test-service at ${new Date(
        now,
      ).toISOString()}, https://ci.example.com/runs/5): run again once it is done`,
    });
    expect((await remaining()).schemas).toContain(names.product.outputSchema);
    await request(server)
      .delete(`${claims}/${claim.body.id}`)
      .set('Authorization', pipeline)
      .expect(204);

    const rest = await call(
      'post',
      '/lifecycle/default/visits/retirement',
      'aisha',
      confirmAll,
    );
    expect(rest.body.applied.map((a: any) => a.id)).toEqual([
      'drop',
      'unregister',
    ]);
    expect(rest.body.stoppedAt).toEqual({
      id: 'drop-archive',
      reason: 'blocked until 2026-05-02T00:00:00.000Z',
    });
    expect(await remaining()).toEqual({
      schemas: [names.archive.schema],
      roles: [],
    });
    const [rows] = await warehouse.tableStats(names.product.database, [
      { schema: names.archive.schema, table: 'events' },
    ]);
    expect(rows.rowCount).toBe(2);

    const record = await call('get', '/lifecycle/default/visits', 'sofia');
    expect(record.body).toMatchObject({
      state: 'retired',
      retiredAt: '2026-02-01T00:00:00.000Z',
      archiveDropAfter: '2026-05-02T00:00:00.000Z',
    });
    expect(record.body.audit.map((a: any) => a.action)).toEqual([
      'deprecate',
      'deprecation-changed',
      'retire-start',
      'step:revoke-access',
      'step:revoke',
      'step:archive',
      'step:drop',
      'step:unregister',
      'retired',
    ]);
    expect(record.body.audit[2].detail).toMatchObject({
      force: true,
      reason: 'successor has been live for a month',
    });
    // each entry of the audit trail is an event too, once, in order
    const audited = events
      .on<ProductAuditEvent>(PRODUCT_AUDIT_EVENT_TOPIC)
      .filter(e => e.product === 'dataproduct:default/visits');
    expect(audited.map(e => e.action)).toEqual(
      record.body.audit.map((a: any) => a.action),
    );
    expect(audited[2]).toMatchObject({
      by: 'user:default/aisha',
      at: record.body.audit[2].at,
      detail: { force: true },
    });
    // and the grants retirement took back are access request events
    expect(
      events
        .on<AccessRequestEvent>(ACCESS_REQUEST_EVENT_TOPIC)
        .filter(
          e =>
            e.request.product === 'dataproduct:default/visits' &&
            e.entry.state === 'revoked',
        ),
    ).not.toHaveLength(0);
    const requests = await call(
      'get',
      '/access-requests?product=visits',
      'aisha',
    );
    expect(requests.body.items.map((r: any) => r.state).sort()).toEqual([
      'rejected',
      'revoked',
    ]);
  });

  it("refuses while usage shows readers within the look-back, not the product's own roles, unless forced", async () => {
    const ref = 'dataproduct:default/labs';
    await call('post', '/lifecycle/default/labs/deprecation', 'aisha', {
      retireAt: '2026-01-15',
    });
    const own = retirementNames(labs, platform).product.roles.service;
    const read = (reader: string, day: string, reads: number) => ({
      product: ref,
      reader,
      day,
      reads,
      lastReadAt: Date.parse(`${day}T09:00:00Z`),
      source: 'by-role' as const,
    });
    await usage.setSources(
      [{ product: ref, source: 'by-role', notes: [] }],
      now,
    );
    await usage.replaceWindow([ref], '2025-12-01', [
      // before the 30-day look-back: no longer a reader
      read('old_reports', '2025-12-20', 7),
      read('analyst_adhoc', '2026-01-20', 3),
      read('analyst_adhoc', '2026-01-25', 1),
      // the product's own pipelines
      read(own.toLowerCase(), '2026-01-30', 9),
    ]);

    const plan = await call(
      'get',
      '/lifecycle/default/labs/retirement',
      'aisha',
    );
    expect(plan.body.refusals).toEqual([]);
    expect(plan.body.readers).toEqual(['role analyst_adhoc']);
    expect(plan.body.usage).toEqual({
      source: 'by-role',
      since: '2026-01-02',
      readers: [
        {
          reader: 'role analyst_adhoc',
          reads: 4,
          lastRead: '2026-01-25T09:00:00.000Z',
        },
      ],
      unattributedReads: 9,
    });
    const confirm = [
      'revoke-access',
      'revoke',
      'archive',
      'drop',
      'unregister',
    ];
    const refused = await call(
      'post',
      '/lifecycle/default/labs/retirement',
      'aisha',
      { confirm },
    );
    expect([refused.status, refused.body.error.message]).toEqual([
      409,
      'consumers still read dataproduct:default/labs: role analyst_adhoc (force with a reason to retire anyway)',
    ]);
    const blank = await call(
      'post',
      '/lifecycle/default/labs/retirement',
      'aisha',
      { confirm, force: true, reason: '  ' },
    );
    expect([blank.status, blank.body.error.message]).toEqual([
      400,
      'reason: forcing a retirement needs a reason',
    ]);

    const forced = await call(
      'post',
      '/lifecycle/default/labs/retirement',
      'aisha',
      { confirm, force: true, reason: 'the ad-hoc reads were a one-off audit' },
    );
    expect(forced.status).toBe(200);
    expect(forced.body.applied.map((a: any) => a.id)).toEqual(['unregister']);
    const record = await call('get', '/lifecycle/default/labs', 'aisha');
    expect(record.body.state).toBe('retired');
    expect(
      record.body.audit.find((a: any) => a.action === 'retire-start').detail,
    ).toEqual({
      confirm,
      force: true,
      reason: 'the ad-hoc reads were a one-off audit',
      readers: ['role analyst_adhoc'],
    });
  });

  it('drops the archive once its retention is over, and the audit trail remains', async () => {
    await scheduler.triggerTask(LIFECYCLE_ARCHIVE_TASK_ID);
    expect((await remaining()).schemas).toEqual([names.archive.schema]);
    now = Date.UTC(2026, 4, 2);
    await scheduler.triggerTask(LIFECYCLE_ARCHIVE_TASK_ID);
    expect(await remaining()).toEqual({ schemas: [], roles: [] });
    const record = await call('get', '/lifecycle/default/visits', 'sofia');
    expect(record.body.archiveDroppedAt).toBe('2026-05-02T00:00:00.000Z');
    expect(
      record.body.audit.slice(-2).map((a: any) => [a.actor, a.action]),
    ).toEqual([
      ['system', 'archive-dropped'],
      ['system', 'step:drop-archive'],
    ]);
  });
});
