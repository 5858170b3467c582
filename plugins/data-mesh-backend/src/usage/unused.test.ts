import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { AccessRequestRecord } from '../access/AccessRequestStore';
import { UNUSED_GRANT_TOPIC, createUnusedGrantNotifier } from './unused';

const request = {
  id: '00000000000000a1',
  product: 'dataproduct:default/orders',
  owner: 'group:default/team-a',
  outputPort: 'events',
  consumer: 'group:default/team-b',
  requester: 'user:default/carol',
} as AccessRequestRecord;

function notifier() {
  const sent: NotificationSendOptions[] = [];
  const unused = createUnusedGrantNotifier({
    send: async (o: NotificationSendOptions) => void sent.push(o),
  } as any);
  return { unused, sent };
}

describe('createUnusedGrantNotifier', () => {
  it('tells the owners they may revoke, and the consumer it may give the access up', async () => {
    const { unused, sent } = notifier();
    await unused.unused(request, 30);
    expect(sent.map(s => [s.recipients, s.payload.title])).toEqual([
      [
        { type: 'entity', entityRef: 'group:default/team-a' },
        'Unused access: group:default/team-b on dataproduct:default/orders',
      ],
      [
        {
          type: 'entity',
          entityRef: ['user:default/carol', 'group:default/team-b'],
          excludeEntityRef: 'group:default/team-a',
        },
        'Access you do not use: dataproduct:default/orders (events)',
      ],
    ]);
    expect(sent[1].payload).toMatchObject({
      description: expect.stringContaining(
        'for 30 days. If it is no longer needed, give it up from My access',
      ),
      link: '/data-products/my-access',
      topic: UNUSED_GRANT_TOPIC,
      scope: 'data-mesh:access-unused:00000000000000a1:consumer',
    });
  });

  it('tells the consumer even when the product names no owner', async () => {
    const { unused, sent } = notifier();
    await unused.unused({ ...request, owner: undefined }, 30);
    expect(sent.map(s => s.recipients)).toEqual([
      {
        type: 'entity',
        entityRef: ['user:default/carol', 'group:default/team-b'],
      },
    ]);
  });
});
