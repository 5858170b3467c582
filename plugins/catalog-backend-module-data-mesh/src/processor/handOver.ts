import { DEFAULT_NAMESPACE, type Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_SPEC_FORMAT,
  type DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import crypto from 'node:crypto';
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
 *
 * A hand-over is sealed (`spec.sealed`, an HMAC under a key of this process
 * only): the reader hands over only a product it has read and checked
 * (validateDataProductEntity, which includes the kind's schema), and the
 * seal lets the processor skip the same checks a second time. Anything the
 * seal does not vouch for — a native entity that copies a hand-over, one
 * whose name or parts were changed, or one read by another replica or
 * before a restart — is checked as written, as before.
 */

/** The key of the deflated nested parts in a handed-over `spec`. */
const DEFLATED = 'deflated';
/** The key of the seal in a handed-over `spec`. */
const SEALED = 'sealed';
/** Known to this process only, so nobody else can seal a hand-over. */
const SEAL_KEY = crypto.randomBytes(32);
/** The scalars kept readable, as in the catalog form. */
const SCALARS = ['type', 'lifecycle', 'owner', 'domain', 'certified'];
/**
 * Largest JSON text inflated. A hostile native entity can claim to be a
 * handed-over one (the annotation is only text); this keeps a few bytes
 * from inflating into gigabytes. A real product's parts are a few KB.
 */
const MAX_INFLATED_BYTES = 8 * 1024 * 1024;

/**
 * The entity a spec reader emits for a product it read and checked, sealed
 * as checked: only for a product that validateDataProductEntity accepted.
 */
export function handOver(entity: DataProductEntityV1alpha1): Entity {
  const readable: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity.spec)) {
    (SCALARS.includes(key) ? readable : nested)[key] = value;
  }
  const spec = {
    ...readable,
    [DEFLATED]: zlib.deflateRawSync(JSON.stringify(nested)).toString('base64'),
  };
  return { ...entity, spec: { ...spec, [SEALED]: sealOf(entity, spec) } };
}

/**
 * The seal of a hand-over: over what the checks read and the catalog leaves
 * as it is between the reader's emit and the processing. Annotations are
 * left out (the catalog adds its location annotations and checks every
 * annotation itself), and so is the order of the metadata's keys (its
 * namespace policy adds `namespace` at the end).
 */
function sealOf(entity: Entity, spec: Record<string, unknown>): string {
  const { annotations: _, ...metadata } = entity.metadata;
  const named: Record<string, unknown> = {
    ...metadata,
    namespace: metadata.namespace ?? DEFAULT_NAMESPACE,
  };
  // a key whose value is undefined is not stored, so it is not sealed
  const ordered = Object.keys(named)
    .filter(key => named[key] !== undefined)
    .sort()
    .map(key => [key, named[key]]);
  return crypto
    .createHmac('sha256', SEAL_KEY)
    .update(JSON.stringify([entity.apiVersion, entity.kind, ordered, spec]))
    .digest('base64');
}

/**
 * Whether `entity` is a hand-over of this process's spec readers, unchanged
 * since: then it was checked when it was read.
 */
export function isSealedHandOver(entity: Entity): boolean {
  const spec = entity.spec as Record<string, unknown> | undefined;
  const seal = spec?.[SEALED];
  if (
    typeof seal !== 'string' ||
    typeof spec?.[DEFLATED] !== 'string' ||
    !entity.metadata.annotations?.[ANNOTATION_SPEC_FORMAT]
  ) {
    return false;
  }
  const { [SEALED]: _, ...sealed } = spec;
  const expected = Buffer.from(sealOf(entity, sealed));
  const actual = Buffer.from(seal);
  return (
    actual.length === expected.length &&
    crypto.timingSafeEqual(actual, expected)
  );
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
  const { [DEFLATED]: deflated, [SEALED]: _, ...readable } = spec;
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
