import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { MonitorRecord, MonitorStatusRecord } from './SloStore';
import {
  SLO_BREACH_READ_TOPIC,
  SLO_BREACH_TOPIC,
  createNotificationsBreachNotifier,
} from './notifications';

const D = 86_400_000;

const monitor: MonitorRecord = {
  id: 1,
  entityRef: 'dataproduct:default/orders',
  namespace: 'default',
  name: 'orders',
  productTitle: 'Orders',
  owner: 'group:default/team-a',
  sloName: 'fresh',
  title: 'Refreshed daily',
  dimension: 'freshness',
  objective: 'loaded within 26 hours',
  target: 0.8,
  window: '20d',
  slice: '1d',
  windowMs: 20 * D,
  sliceMs: D,
};

const status: MonitorStatusRecord = {
  monitorId: 1,
  evaluatedAt: 0,
  status: 'breaching',
  sli: 0.5,
  good: 2,
  total: 4,
  alertState: 'breaching',
};

function notifier(readers?: string[]) {
  const sent: NotificationSendOptions[] = [];
  const asked: string[] = [];
  const breach = createNotificationsBreachNotifier(
    { send: async (o: NotificationSendOptions) => void sent.push(o) } as any,
    readers
      ? {
          readersOf: async product => {
            asked.push(product);
            return readers;
          },
        }
      : {},
  );
  return { breach, sent, asked };
}

describe('createNotificationsBreachNotifier', () => {
  it('tells the owners, then the readers in words of their own, without the owners', async () => {
    const { breach, sent, asked } = notifier([
      'user:default/carol',
      'group:default/team-b',
      // an owner who also asked for access: told once, as an owner
      'group:default/team-a',
    ]);
    await breach.notifyBreach({
      monitor,
      status,
      failure: { reason: 'last load 2d ago' } as any,
    });
    expect(asked).toEqual(['dataproduct:default/orders']);
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/team-a' },
        payload: expect.objectContaining({
          title: 'SLO breached: Orders — Refreshed daily',
          topic: SLO_BREACH_TOPIC,
          scope: 'data-mesh:slo:dataproduct:default/orders:fresh',
          link: '/catalog/default/dataproduct/orders',
        }),
      },
      {
        recipients: {
          type: 'entity',
          entityRef: ['user:default/carol', 'group:default/team-b'],
          excludeEntityRef: 'group:default/team-a',
        },
        payload: expect.objectContaining({
          title:
            'A data product you read breached its SLO: Orders — Refreshed daily',
          topic: SLO_BREACH_READ_TOPIC,
          scope: 'data-mesh:slo:dataproduct:default/orders:fresh:read',
          link: '/catalog/default/dataproduct/orders/slos',
          severity: 'high',
        }),
      },
    ]);
    expect(sent[1].payload.description).toBe(
      'The freshness objective "loaded within 26 hours" is at 50 % of good 1d slices over 20d, below its 80 % target: what you read from it may be late or incomplete until its owners (group:default/team-a) restore it. Latest failed check: last load 2d ago.',
    );
  });

  it("tells new readers of a breach in the readers' words and scope, and nobody else", async () => {
    const { breach, sent, asked } = notifier(['group:default/team-b']);
    await breach.notifyNewReaders!({ monitor, status }, [
      'user:default/dave',
      'group:default/team-c',
    ]);
    // the readers before them and the owners were told when it began
    expect(asked).toEqual([]);
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['user:default/dave', 'group:default/team-c'],
          excludeEntityRef: 'group:default/team-a',
        },
        payload: expect.objectContaining({
          title:
            'A data product you read breached its SLO: Orders — Refreshed daily',
          topic: SLO_BREACH_READ_TOPIC,
          scope: 'data-mesh:slo:dataproduct:default/orders:fresh:read',
        }),
      },
    ]);
    // an owning team given access to its own product hears nothing more
    await breach.notifyNewReaders!({ monitor, status }, [
      'group:default/team-a',
    ]);
    expect(sent).toHaveLength(1);
  });

  it('tells only the owners when nobody reads the product, or nobody is asked', async () => {
    for (const { breach, sent } of [notifier([]), notifier()]) {
      await breach.notifyBreach({ monitor, status });
      expect(sent.map(s => s.payload.topic)).toEqual([SLO_BREACH_TOPIC]);
    }
  });

  it('tells the end of a breach to the same people, in place of its start', async () => {
    const { breach, sent } = notifier(['group:default/team-b']);
    const startedAt = 10 * D;
    await breach.notifyRecovery!({
      monitor,
      status: {
        ...status,
        status: 'ok',
        alertState: 'ok',
        sli: 0.85,
        evaluatedAt: startedAt + D + 17 * 3_600_000 + 5 * 60_000,
      },
      breachStartedAt: startedAt,
    });
    expect(
      sent.map(s => [s.payload.scope, s.payload.severity, s.payload.title]),
    ).toEqual([
      [
        'data-mesh:slo:dataproduct:default/orders:fresh',
        'normal',
        'SLO recovered: Orders — Refreshed daily',
      ],
      [
        'data-mesh:slo:dataproduct:default/orders:fresh:read',
        'normal',
        'A data product you read recovered its SLO: Orders — Refreshed daily',
      ],
    ]);
    expect(sent[0].payload.description).toBe(
      'The freshness objective "loaded within 26 hours" is at 85 % of good 1d slices over 20d, meeting its 80 % target again after a breach of 1d 17h.',
    );
  });

  it("tells a product's readers even when it names no owner", async () => {
    const { breach, sent } = notifier(['group:default/team-b']);
    await breach.notifyBreach({
      monitor: { ...monitor, owner: undefined },
      status,
    });
    expect(sent.map(s => [s.recipients, s.payload.topic])).toEqual([
      [
        { type: 'entity', entityRef: ['group:default/team-b'] },
        SLO_BREACH_READ_TOPIC,
      ],
    ]);
  });
});
