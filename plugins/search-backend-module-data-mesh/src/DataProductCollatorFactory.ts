import type { AuthService } from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import { Readable } from 'node:stream';
import {
  DATA_PRODUCT_DOCUMENT_TYPE,
  DataProductDocument,
  DOCUMENT_ENTITY_FIELDS,
  toDataProductDocument,
} from './document';

/** @public */
export interface DataProductCollatorFactoryOptions {
  catalog: CatalogService;
  auth: AuthService;
  /** Entities per catalog request. Default 500, as the catalog collator. */
  batchSize?: number;
  /** Where a result links to. Default `/catalog/:namespace/:kind/:name`, as the catalog collator. */
  locationTemplate?: string;
}

/**
 * Collates one {@link DataProductDocument} per DataProduct in the catalog,
 * read page by page with the search plugin's own service credentials.
 * Results are visible to whoever may read the entity in the catalog
 * (`catalog.entity.read` on the document's `resourceRef`), like the catalog
 * collator's.
 *
 * @public
 */
export class DataProductCollatorFactory implements DocumentCollatorFactory {
  readonly type = DATA_PRODUCT_DOCUMENT_TYPE;
  readonly visibilityPermission = catalogEntityReadPermission;

  constructor(private readonly options: DataProductCollatorFactoryOptions) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<DataProductDocument> {
    const { catalog, auth } = this.options;
    const limit = this.options.batchSize ?? 500;
    const template =
      this.options.locationTemplate ?? '/catalog/:namespace/:kind/:name';
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit }
          : {
              filter: { kind: 'DataProduct' },
              fields: DOCUMENT_ENTITY_FIELDS,
              limit,
            },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      cursor = page.pageInfo.nextCursor;
      for (const entity of page.items) {
        const document = toDataProductDocument(entity);
        if (!document) continue;
        yield {
          ...document,
          location: template
            .replace(':namespace', encodeURIComponent(document.namespace))
            .replace(':kind', 'dataproduct')
            .replace(':name', encodeURIComponent(document.name)),
        };
      }
    } while (cursor);
  }
}
