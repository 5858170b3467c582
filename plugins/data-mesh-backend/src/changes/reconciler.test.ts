/*
 * The reconcile on SQLite and PostgreSQL: revisions recorded from what the
 * catalog serves (catalog form, bookkeeping that changes on its own),
 * classified against the revision before, breaking ones notified once to
 * the consumers with active access, a failed send retried, and two
 * instances reconciling the same change at once recording it once.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';
import { ChangeStore } from './ChangeStore';
import { REF, T0, fakeCatalog, visits } from './__testUtils__/fixtures';
import { createChangeNotifier } from './notifications';
import { ChangeReconciler } from './reconciler';

const databases = createTestDatabases();

/** A NotificationService that keeps what is sent, or fails while told to. */
function recordingNotifications() {
  const sent: Parameters<NotificationService['send']>[0][] = [];
  let failing = false;
  return {
    sent,
    fail(on: boolean) {
      failing = on;
    },
    service: {
      async send(options) {
        if (failing) throw new Error('notifications backend down');
        sent.push(options);
      },
    } as NotificationService,
  };
}

function accessRequest(
  id: string,
  state: AccessRequestRecord['state'],
  consumer: string,
  requester: string,
): Omit<AccessRequestRecord, 'history' | 'warnedAt'> {
  return {
    id,
    product: REF,
    owner: 'group:default/ward-team',
    outputPort: 'sql',
    consumer,
    requester,
    purpose: 'bed planning',
    pii: false,
    state,
    durationMs: 86_400_000,
    requestedAt: T0,
    grantee: 'team_x',
    providerRole: 'care_visits_consumer',
    role: `acme_access_${id}`,
  };
}

describe.each(databases.eachSupportedId())(
  'the Changes reconcile on %s',
  id => {
    let store: ChangeStore;
    let access: AccessRequestStore;
    let now = T0;
    const clock = { now: () => now };
    const logger = mockServices.logger.mock();
    const auth = mockServices.auth();

    beforeAll(async () => {
      const knex = await databases.init(id);
      store = await ChangeStore.create({ getClient: async () => knex });
      access = await AccessRequestStore.create({ getClient: async () => knex });
      // one active grant (team-b, asked by carol) and one pending request
      await access.insert(
        accessRequest(
          '00000000000000a1',
          'active',
          'group:default/team-b',
          'user:default/carol',
        ),
        {
          at: T0,
          actor: 'user:default/carol',
          action: 'request',
          state: 'pending',
        },
      );
      await access.insert(
        accessRequest(
          '00000000000000a2',
          'pending',
          'group:default/team-c',
          'user:default/dan',
        ),
        {
          at: T0,
          actor: 'user:default/dan',
          action: 'request',
          state: 'pending',
        },
      );
    });

    function reconciler(
      catalog: CatalogService,
      notifications: NotificationService,
    ) {
      return new ChangeReconciler({
        store,
        accessStore: access,
        catalog,
        auth,
        logger,
        clock,
        notifier: createChangeNotifier(notifications),
      });
    }

    it('records revisions, classifies them and notifies consumers of a breaking one once', async () => {
      const catalog = fakeCatalog();
      const notifications = recordingNotifications();
      const r = reconciler(catalog, notifications.service);

      catalog.set(visits('1.0.0'));
      expect(await r.run()).toMatchObject({ products: 1, recorded: 1 });
      // served again with new bookkeeping only: not a revision
      now += 60_000;
      catalog.set(visits('1.0.0'));
      expect(await r.run()).toMatchObject({ recorded: 0, errors: [] });

      // a column removed with a major version bump
      now += 60_000;
      catalog.set(visits('2.0.0', ['visit_id', 'ward']));
      expect(await r.run()).toMatchObject({
        recorded: 1,
        breaking: 1,
        notified: 1,
        errors: [],
      });
      const [latest, first] = await store.list(REF);
      expect(first).toMatchObject({
        revision: 1,
        version: '1.0.0',
        breaking: false,
        changes: [],
      });
      expect(latest).toMatchObject({
        revision: 2,
        version: '2.0.0',
        previousVersion: '1.0.0',
        ingestedAt: now,
        breaking: true,
        versionOk: true,
        notified: { at: now, recipients: 2 },
      });
      expect(latest.changes.map(c => `${c.kind} ${c.code} ${c.path}`)).toEqual([
        'breaking column-removed datasets.visits.columns.beds',
      ]);
      // the active grant's requester and consumer, not the pending request's
      expect(notifications.sent).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: ['user:default/carol', 'group:default/team-b'],
          },
          payload: expect.objectContaining({
            title: 'Breaking change: dataproduct:default/visits 2.0.0',
            link: '/catalog/default/dataproduct/visits/changes',
            severity: 'high',
            scope: 'data-mesh:changes:dataproduct:default/visits:2',
          }),
        },
      ]);
      expect(notifications.sent[0].payload.description).toBe(
        "column 'visits.beds' was removed: consumers selecting it fail",
      );

      // nothing new: no revision and no second notification
      now += 60_000;
      expect(await r.run()).toMatchObject({ recorded: 0, notified: 0 });
      expect(notifications.sent).toHaveLength(1);

      // a column added without a version change: non-breaking, version fine
      now += 60_000;
      catalog.set(visits('2.0.0', ['visit_id', 'ward', 'admitted_at']));
      expect(await r.run()).toMatchObject({ recorded: 1, breaking: 0 });
      const [added] = await store.list(REF);
      expect(added).toMatchObject({
        revision: 3,
        breaking: false,
        versionOk: true,
        previousVersion: '2.0.0',
      });
      expect(added.changes.map(c => c.code)).toEqual(['column-added']);
      expect(notifications.sent).toHaveLength(1);
    });

    it('flags a breaking change without a major bump, and retries a failed notification', async () => {
      const catalog = fakeCatalog();
      const notifications = recordingNotifications();
      const r = reconciler(catalog, notifications.service);
      // where the first test left the product
      catalog.set(visits('2.0.0', ['visit_id', 'ward', 'admitted_at']));
      expect(await r.run()).toMatchObject({ recorded: 0 });

      notifications.fail(true);
      now += 60_000;
      catalog.set(visits('2.1.0', ['visit_id', 'admitted_at']));
      const failed = await r.run();
      expect(failed).toMatchObject({ recorded: 1, breaking: 1, notified: 0 });
      expect(failed.errors[0]).toContain('notifications backend down');
      const [unbumped] = await store.list(REF);
      expect(unbumped).toMatchObject({
        revision: 4,
        breaking: true,
        versionOk: false,
        notified: undefined,
      });
      expect(unbumped.versionMessage).toBe(
        '1 breaking change need a major version bump: 2.0.0 → 2.1.0 keeps major version 2; write 3.0.0',
      );

      // the next cycle sends it, the one after does not again
      notifications.fail(false);
      now += 60_000;
      expect(await r.run()).toMatchObject({ recorded: 0, notified: 1 });
      expect(notifications.sent).toHaveLength(1);
      expect(notifications.sent[0].payload.description).toContain(
        'need a major version bump',
      );
      now += 60_000;
      expect(await r.run()).toMatchObject({ notified: 0 });
      expect(notifications.sent).toHaveLength(1);
    });

    it('records a change once when two instances reconcile it at the same time', async () => {
      const catalog = fakeCatalog();
      const notifications = recordingNotifications();
      const a = reconciler(catalog, notifications.service);
      const b = reconciler(catalog, notifications.service);
      now += 60_000;
      catalog.set(visits('3.0.0', ['visit_id']));
      const reports = await Promise.all([a.run(), b.run(), a.run(), b.run()]);
      expect(reports.flatMap(x => x.errors)).toEqual([]);
      expect(reports.reduce((n, x) => n + x.recorded, 0)).toBe(1);
      expect(reports.reduce((n, x) => n + x.notified, 0)).toBe(1);
      expect(notifications.sent).toHaveLength(1);
      const revisions = await store.list(REF);
      expect(revisions.map(x => x.revision)).toEqual([5, 4, 3, 2, 1]);
      expect(revisions[0].changes.map(c => c.path)).toEqual([
        'datasets.visits.columns.admitted_at',
      ]);
    });
  },
);
