import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import { isDataProductEntity } from '@datamesh/plugin-data-mesh-common';
import {
  DATA_PRODUCT_PROCESSED_TOPIC,
  type DataProductProcessedEvent,
} from '@datamesh/plugin-data-mesh-node';

/**
 * Publishes {@link DATA_PRODUCT_PROCESSED_TOPIC} when a DataProduct is
 * processed with a spec or metadata different from the last one this
 * process saw, so that the SLO engine evaluates a new or changed product's
 * objectives within seconds (issue 10). Unchanged products publish nothing:
 * the catalog reprocesses every entity every few minutes, and subscribers
 * must not see thousands of events per cycle for nothing. After a restart
 * each product is published once; subscribers compare with what they store.
 *
 * It runs last (postProcessEntity) and never changes or rejects the entity.
 */
export class DataProductChangePublisher implements CatalogProcessor {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly options: {
      events: EventsService;
      logger: LoggerService;
    },
  ) {}

  getProcessorName(): string {
    return 'DataProductChangePublisher';
  }

  async postProcessEntity(entity: Entity): Promise<Entity> {
    if (!isDataProductEntity(entity)) return entity;
    const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const hash = createHash('sha256')
      .update(
        JSON.stringify([
          entity.metadata.annotations ?? {},
          entity.metadata.title ?? '',
          entity.spec,
        ]),
      )
      .digest('hex');
    if (this.seen.get(entityRef) === hash) return entity;
    this.seen.set(entityRef, hash);
    const eventPayload: DataProductProcessedEvent = { entityRef, entity };
    // not awaited: a slow or failing subscriber must not hold up processing
    this.options.events
      .publish({ topic: DATA_PRODUCT_PROCESSED_TOPIC, eventPayload })
      .catch(e =>
        this.options.logger.warn(
          `Could not publish ${DATA_PRODUCT_PROCESSED_TOPIC} for ${entityRef}: ${e}`,
        ),
      );
    return entity;
  }
}
