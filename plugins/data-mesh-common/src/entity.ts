/*
 * The DataProduct kind for the catalog: the schema validator the catalog
 * processor registers, a type guard, and a full validation that turns every
 * problem into a located sentence a spec author understands.
 */
import {
  Entity,
  KindValidator,
  entityKindSchemaValidator,
} from '@backstage/catalog-model';
import Ajv from 'ajv';
import schema from './schema/DataProduct.v1alpha1.schema.json';
import {
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  DataProductEntityV1alpha1,
} from './model';
import { DocumentPath, SourceDocument, SpecIssue, formatPath } from './issues';
import {
  checkEnvelope,
  checkNames,
  checkQuality,
  checkReferences,
  translateAjvError,
} from './entityChecks';
import { checkPortAccess } from './access/portPolicy';

/** The JSON schema of the DataProduct kind. @public */
export const dataProductEntityV1alpha1Schema: object = schema;

/**
 * Annotation naming the format the entity was read from: `oam`, `odps` or
 * `entity`.
 * @public
 */
export const ANNOTATION_SPEC_FORMAT = 'datamesh.dev/spec-format';

const kindValidator = entityKindSchemaValidator(schema);

/**
 * {@link @backstage/catalog-model#KindValidator} for the DataProduct kind:
 * false for other kinds, throws a TypeError for a DataProduct that does not
 * match the schema.
 * @public
 */
export const dataProductEntityV1alpha1Validator: KindValidator = {
  // KindValidator's contract is "true, false or throw"; the schema validator
  // returns the entity itself when it matches.
  async check(data: Entity) {
    return kindValidator(data) === data;
  },
};

/** True for entities of kind DataProduct in our API version. @public */
export function isDataProductEntity(
  entity: Entity | undefined,
): entity is DataProductEntityV1alpha1 {
  return (
    entity?.apiVersion === DATA_PRODUCT_API_VERSION &&
    entity?.kind === DATA_PRODUCT_KIND
  );
}

// ---------------------------------------------------------------------------
// Origins: where a part of the entity came from in the author's document.

/** Where an object of the entity was read from. @public */
export interface SpecOrigin {
  /** Path of the object in the source document, e.g. `['components', 3]`. */
  path: DocumentPath;
  /** Paths of individual fields, e.g. `{ dimension: ['components', 3, 'properties', 'dimension'] }`. */
  fields?: Record<string, DocumentPath>;
}

// A WeakMap rather than a property, so origins never leak into the entity
// that is stored in the catalog or serialised.
const origins = new WeakMap<object, SpecOrigin>();

/**
 * Record where a part of an entity came from in its source document, so
 * that {@link validateDataProductEntity} reports problems by the author's
 * own path and line even when the format (OAM, ODPS) is shaped differently
 * from the entity.
 * @public
 */
export function setSpecOrigin(
  target: object,
  path: DocumentPath,
  fields?: Record<string, DocumentPath | undefined>,
): void {
  const defined: Record<string, DocumentPath> = {};
  for (const [k, v] of Object.entries(fields ?? {})) if (v) defined[k] = v;
  origins.set(target, { path, fields: defined });
}

/** @public */
export function getSpecOrigin(target: object): SpecOrigin | undefined {
  return origins.get(target);
}

/** Map a path inside the entity to the path in the source it came from. @public */
export function originOf(
  entity: unknown,
  path: DocumentPath,
): DocumentPath | undefined {
  const chain: unknown[] = [entity];
  let cur: unknown = entity;
  for (const part of path) {
    cur =
      cur !== null && typeof cur === 'object'
        ? (cur as Record<string | number, unknown>)[part]
        : undefined;
    chain.push(cur);
  }
  for (let k = Math.min(path.length, chain.length - 1); k >= 0; k--) {
    const obj = chain[k];
    if (obj === null || typeof obj !== 'object') continue;
    const origin = origins.get(obj);
    if (!origin) continue;
    const field =
      k < path.length ? origin.fields?.[String(path[k])] : undefined;
    return field ?? origin.path;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Validation

// Only the kind's own part: the envelope (metadata, relations) is the
// catalog's, and Backstage checks it with its own schema below.
// (with the definitions its parts refer to).
const kindPart = {
  ...(schema as { allOf: object[] }).allOf[1],
  definitions: schema.definitions,
};
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true });
const validateKindPart = ajv.compile(kindPart);

/**
 * Everything wrong with a DataProduct entity, as located sentences.
 *
 * Checks the JSON schema (every error, not just the first), the identifier
 * rules on all names, and the references inside one product: ports and
 * objectives naming datasets that exist, unique names, data-product input
 * ports saying which product and port they consume.
 *
 * With `source`, issues carry the file, the path in the author's document
 * and the line: for the native entity YAML the entity path is the document
 * path; other formats record where each part came from with
 * {@link setSpecOrigin}.
 * @public
 */
export function validateDataProductEntity(
  entity: unknown,
  source?: SourceDocument,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  const report = (
    path: DocumentPath,
    message: string,
    severity: SpecIssue['severity'] = 'error',
  ) => {
    const mapped = originOf(entity, path);
    const located = mapped ?? path;
    const issue: SpecIssue =
      source && (mapped || !hasOrigins(entity))
        ? source.issue(located, message, severity)
        : { severity, file: source?.file, path: formatPath(located), message };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  };

  if (entity === null || typeof entity !== 'object' || Array.isArray(entity)) {
    report(
      [],
      'a data product must be a mapping with apiVersion, kind, metadata and spec',
    );
    return issues;
  }
  const e = entity as Record<string, any>;

  if (!validateKindPart(e)) {
    for (const err of validateKindPart.errors ?? []) {
      const translated = translateAjvError(err, e);
      if (translated) report(translated.path, translated.message);
    }
  }
  checkEnvelope(e, report, kindValidator);
  checkNames(e, report);
  checkReferences(e, report);
  checkPortAccess(e, report);
  checkQuality(e, report);
  return issues;
}

function hasOrigins(entity: unknown): boolean {
  return entity !== null && typeof entity === 'object' && origins.has(entity);
}
