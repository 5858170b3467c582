import type { Entity } from '@backstage/catalog-model';

/** How long a product's remembered ports are trusted: the catalog's default processing interval is 100–150 s. */
export const OUTPUT_PORTS_MAX_AGE_MS = 2 * 60_000;
/** Products remembered at most (a few hundred bytes each); the oldest go first. */
export const OUTPUT_PORTS_MAX_ENTRIES = 50_000;

/**
 * The output port names of data products, for checking the input ports of
 * their consumers: first what this catalog replica has itself accepted or
 * looked up in the last {@link OUTPUT_PORTS_MAX_AGE_MS}, then the catalog.
 *
 * Why remember at all: asking the catalog is an HTTP round trip to the
 * catalog itself that loads the upstreams' whole stored entities, while the
 * upstream has usually just been processed by this same processor: every
 * product is processed again each cycle, and at a first ingest an upstream
 * the catalog does not have yet cannot be checked either way. Asking for
 * every consumer cost ~1.4 s of CPU per 1,000 products (bench/README.md,
 * "Catalog form from the reader, upstream ports remembered").
 *
 * What it costs in freshness: with several catalog replicas, a product
 * changed and processed on another replica is seen here at most
 * {@link OUTPUT_PORTS_MAX_AGE_MS} late, the same order as the catalog's own
 * processing cycle, after which its consumers are checked again anyway. On
 * one replica the memory is never older than the catalog: only accepted
 * versions are remembered (see `remember`), and processing comes before
 * stitching.
 */
export class OutputPortDirectory {
  private readonly known = new Map<string, { ports: string[]; at: number }>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      /** The catalog, for products not remembered: entities by lower-case ref, undefined where absent. */
      lookup: (refs: string[]) => Promise<Map<string, Entity | undefined>>;
      maxAgeMs?: number;
      maxEntries?: number;
      now?: () => number;
    },
  ) {
    this.maxAgeMs = options.maxAgeMs ?? OUTPUT_PORTS_MAX_AGE_MS;
    this.maxEntries = options.maxEntries ?? OUTPUT_PORTS_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  /**
   * Remember a product's ports. The processor calls this only for a product
   * it accepted without errors, because the catalog keeps the previous
   * version of an entity whose processing failed.
   */
  remember(ref: string, ports: string[]): void {
    // delete first, so the Map's order stays oldest-written first
    this.known.delete(ref);
    this.known.set(ref, { ports, at: this.now() });
    if (this.known.size > this.maxEntries) {
      this.known.delete(this.known.keys().next().value!);
    }
  }

  /**
   * The output port names of each product (lower-case refs); undefined for
   * a product the catalog does not have (yet). Products not remembered are
   * looked up in one catalog request and remembered.
   */
  async portsOf(refs: string[]): Promise<Map<string, string[] | undefined>> {
    const result = new Map<string, string[] | undefined>();
    const missing: string[] = [];
    const oldest = this.now() - this.maxAgeMs;
    for (const ref of refs) {
      const entry = this.known.get(ref);
      if (entry && entry.at >= oldest) {
        result.set(ref, entry.ports);
      } else {
        missing.push(ref);
      }
    }
    if (missing.length > 0) {
      const found = await this.options.lookup(missing);
      for (const ref of missing) {
        const entity = found.get(ref);
        // absence is not remembered: a product registered a moment later
        // must be checked as soon as it is there
        const ports = entity ? outputPortNames(entity) : undefined;
        if (ports) this.remember(ref, ports);
        result.set(ref, ports);
      }
    }
    return result;
  }
}

/** Output port names of a DataProduct in either form (canonical or catalog form keep `name`). */
export function outputPortNames(entity: Entity): string[] {
  const ports = (entity.spec as { outputPorts?: unknown } | undefined)
    ?.outputPorts;
  if (!Array.isArray(ports)) {
    return [];
  }
  return ports
    .map(p =>
      p && typeof p === 'object' ? (p as { name?: unknown }).name : undefined,
    )
    .filter((n): n is string => typeof n === 'string');
}
