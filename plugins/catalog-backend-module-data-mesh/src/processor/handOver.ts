import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_SPEC_FORMAT,
  type DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import zlib from 'node:zlib';

/**
 * How the spec readers hand a product to the catalog, and how
 * DataProductEntitiesProcessor takes it back: the scalars of `spec` as they
 * are, the nested parts (datasets, ports, SLOs, agreement, infrastructure)
 * as one deflated JSON text in `spec.deflated`.
 *
 * Why: the catalog stores this unprocessed entity twice per read of a
 * location and clones, hashes and schema-checks it on every processing run
 * before any processor of this module sees it. As the canonical tree it
 * cost more than the bytes; as the catalog form (JSON text) it was still
 * the largest thing a product sends to the database besides its stitched
 * copies (bench/README.md, "Catalog form from the reader, upstream ports
 * remembered"). Nobody reads it but this module: what the catalog stores
 * and serves is the readable catalog form the processor returns.
 */

/** The key of the deflated nested parts in a handed-over `spec`. */
const DEFLATED = 'deflated';
/** The scalars kept readable, as in the catalog form. */
const SCALARS = ['type', 'lifecycle', 'owner', 'domain', 'certified'];
/**
 * Largest JSON text inflated. A hostile native entity can claim to be a
 * handed-over one (the annotation is only text); this keeps a few bytes
 * from inflating into gigabytes. A real product's parts are a few KB.
 */
const MAX_INFLATED_BYTES = 8 * 1024 * 1024;

/** The entity a spec reader emits for a product it read and checked. */
export function handOver(entity: DataProductEntityV1alpha1): Entity {
  const readable: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity.spec)) {
    (SCALARS.includes(key) ? readable : nested)[key] = value;
  }
  return {
    ...entity,
    spec: {
      ...(readable as Entity['spec']),
      [DEFLATED]: zlib
        .deflateRawSync(JSON.stringify(nested))
        .toString('base64'),
    },
  };
}

/**
 * The canonical entity of what a spec reader handed over (annotated with the
 * spec's format, `spec.deflated` a string); anything else comes back as it
 * is, to be checked as written. Throws when a claimed hand-over does not
 * inflate to a JSON object.
 */
export function takeOver(entity: Entity): Entity {
  const spec = entity.spec as Record<string, unknown> | undefined;
  if (
    !entity.metadata.annotations?.[ANNOTATION_SPEC_FORMAT] ||
    typeof spec?.[DEFLATED] !== 'string'
  ) {
    return entity;
  }
  const { [DEFLATED]: deflated, ...readable } = spec;
  const nested: unknown = JSON.parse(
    zlib
      .inflateRawSync(Buffer.from(deflated as string, 'base64'), {
        maxOutputLength: MAX_INFLATED_BYTES,
      })
      .toString('utf8'),
  );
  if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) {
    throw new Error('spec.deflated does not hold a JSON object');
  }
  return { ...entity, spec: { ...readable, ...nested } } as Entity;
}
