import { mockServices } from '@backstage/backend-test-utils';
import type { EventParams } from '@backstage/plugin-events-node';
import {
  SLO_BREACH_EVENT_TOPIC,
  type SloBreachEvent,
} from '@datamesh/plugin-data-mesh-node';
import { withBreachEvents } from './events';
import type { MonitorRecord, MonitorStatusRecord } from './SloStore';

const D = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

const monitor: MonitorRecord = {
  id: 1,
  entityRef: 'dataproduct:default/orders',
  namespace: 'default',
  name: 'orders',
  productTitle: 'Orders',
  owner: 'group:default/team-a',
  domain: 'domain:default/shop',
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
  evaluatedAt: T0 + 2 * D,
  status: 'breaching',
  sli: 0.5,
  good: 2,
  total: 4,
  budgetRemaining: -1.5,
  alertState: 'breaching',
  breachStartedAt: T0 + D,
};

function setup(options: { failSend?: boolean; failPublish?: boolean } = {}) {
  const published: EventParams[] = [];
  const told: string[] = [];
  const logger = mockServices.logger.mock();
  const notifier = withBreachEvents(
    {
      async notifyBreach() {
        if (options.failSend) throw new Error('notifications are down');
        told.push('breach');
      },
      async notifyRecovery() {
        told.push('recovery');
      },
    },
    {
      events: {
        async publish(params) {
          if (options.failPublish) throw new Error('the bus is down');
          published.push(params);
        },
      },
      logger,
    },
  );
  return { notifier, published, told, logger };
}

describe('withBreachEvents', () => {
  it('publishes a breach after notifying it, with what an on-call tool needs', async () => {
    const { notifier, published, told } = setup();
    await notifier.notifyBreach({
      monitor,
      status,
      failure: { reason: 'last loaded 2d ago' } as any,
    });
    expect(told).toEqual(['breach']);
    expect(published).toEqual([
      {
        topic: SLO_BREACH_EVENT_TOPIC,
        eventPayload: {
          state: 'breaching',
          product: 'dataproduct:default/orders',
          productTitle: 'Orders',
          owner: 'group:default/team-a',
          domain: 'domain:default/shop',
          objective: {
            name: 'fresh',
            title: 'Refreshed daily',
            dimension: 'freshness',
            description: 'loaded within 26 hours',
            target: 0.8,
            window: '20d',
            slice: '1d',
          },
          sli: 0.5,
          budgetRemaining: -1.5,
          breachStartedAt: new Date(T0 + D).toISOString(),
          evaluatedAt: new Date(T0 + 2 * D).toISOString(),
          reason: 'last loaded 2d ago',
          link: '/catalog/default/dataproduct/orders/slos',
        } satisfies SloBreachEvent,
      },
    ]);
  });

  it('publishes a recovery with the breach it ends', async () => {
    const { notifier, published } = setup();
    await notifier.notifyRecovery!({
      monitor,
      status: { ...status, status: 'ok', alertState: 'ok', sli: 0.8 },
      breachStartedAt: T0 + D,
    });
    expect(published[0].eventPayload).toMatchObject({
      state: 'recovered',
      sli: 0.8,
      breachStartedAt: new Date(T0 + D).toISOString(),
    });
    expect(published[0].eventPayload).not.toHaveProperty('reason');
  });

  it('publishes nothing when the notification failed: the breach is retried, and published then', async () => {
    const { notifier, published } = setup({ failSend: true });
    await expect(notifier.notifyBreach({ monitor, status })).rejects.toThrow(
      'notifications are down',
    );
    expect(published).toEqual([]);
  });

  it('keeps the notification when the bus fails, and says so in the log', async () => {
    const { notifier, told, logger } = setup({ failPublish: true });
    await notifier.notifyBreach({ monitor, status });
    expect(told).toEqual(['breach']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        `Could not publish ${SLO_BREACH_EVENT_TOPIC} (breaching) for dataproduct:default/orders fresh`,
      ),
    );
  });

  it('publishes with notifications off', async () => {
    const published: EventParams[] = [];
    const notifier = withBreachEvents(undefined, {
      events: {
        async publish(params) {
          published.push(params);
        },
      },
      logger: mockServices.logger.mock(),
    });
    await notifier.notifyBreach({ monitor, status });
    expect(published).toHaveLength(1);
  });
});
