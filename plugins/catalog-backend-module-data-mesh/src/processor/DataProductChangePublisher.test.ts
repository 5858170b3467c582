import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import type { EventParams } from '@backstage/plugin-events-node';
import { DATA_PRODUCT_PROCESSED_TOPIC } from '@datamesh/plugin-data-mesh-node';
import { DataProductChangePublisher } from './DataProductChangePublisher';

const product = (description: string): Entity => ({
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'Orders', namespace: 'default', description },
  spec: {
    type: 'source-aligned',
    lifecycle: 'experimental',
    owner: 'group:default/sales',
    domain: 'domain:default/sales',
    slos: [{ name: 'fresh', dimension: 'freshness', objective: 'daily' }],
  },
});

describe('DataProductChangePublisher', () => {
  it('publishes a product when it is new or its spec changed, not on every processing round', async () => {
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    });
    const received: EventParams[] = [];
    await events.subscribe({
      id: 'test',
      topics: [DATA_PRODUCT_PROCESSED_TOPIC],
      onEvent: async e => {
        received.push(e);
      },
    });
    const publisher = new DataProductChangePublisher({
      events,
      logger: mockServices.logger.mock(),
    });
    const first = product('v1');
    expect(await publisher.postProcessEntity(first)).toBe(first);
    await publisher.postProcessEntity(product('v1'));
    // a description is metadata the monitors do not read: still the same spec
    await publisher.postProcessEntity(product('v1 edited'));
    const changed = product('v1');
    (changed.spec as { slos: object[] }).slos.push({
      name: 'complete',
      dimension: 'completeness',
      objective: 'no drop',
    });
    await publisher.postProcessEntity(changed);
    // other kinds are not ours
    await publisher.postProcessEntity({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'api' },
      spec: {},
    });
    await new Promise(resolve => setImmediate(resolve));
    expect(received.map(e => e.eventPayload)).toEqual([
      { entityRef: 'dataproduct:default/orders', entity: first },
      { entityRef: 'dataproduct:default/orders', entity: changed },
    ]);
  });
});
