import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

interface Waiter {
  refs: string[];
  resolve: (found: Map<string, Entity | undefined>) => void;
  reject: (error: unknown) => void;
}

/** Largest number of refs sent in one request. */
const MAX_REFS = 500;

/**
 * Looks entities up in the catalog, coalescing the lookups of entities that
 * are processed at the same time into one `getEntitiesByRefs` request.
 *
 * The catalog processes about ten entities concurrently, and each lookup is
 * an HTTP round trip to the catalog itself on the same event loop; sharing
 * the round trip keeps the upstream-port check cheap during a full ingest.
 */
export class BatchedEntityLookup {
  private queue: Waiter[] = [];
  private scheduled = false;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      fields: string[];
      /** How long to wait for other lookups to join, in milliseconds. */
      windowMs?: number;
    },
  ) {}

  /** The entities with these refs (undefined where there is none). */
  lookup(refs: string[]): Promise<Map<string, Entity | undefined>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ refs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), this.options.windowMs ?? 5);
      }
    });
  }

  private async flush(): Promise<void> {
    const waiters = this.queue;
    this.queue = [];
    this.scheduled = false;
    const refs = [...new Set(waiters.flatMap(w => w.refs))];
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const found = new Map<string, Entity | undefined>();
      for (let i = 0; i < refs.length; i += MAX_REFS) {
        const chunk = refs.slice(i, i + MAX_REFS);
        const { items } = await this.options.catalog.getEntitiesByRefs(
          { entityRefs: chunk, fields: this.options.fields },
          { credentials },
        );
        chunk.forEach((ref, j) => found.set(ref, items[j] ?? undefined));
      }
      for (const waiter of waiters) {
        waiter.resolve(found);
      }
    } catch (error) {
      for (const waiter of waiters) {
        waiter.reject(error);
      }
    }
  }
}
