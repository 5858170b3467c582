/*
 * Validation against the official Bitol JSON Schemas (ODPS, ODCS).
 *
 * The schemas are copied into this package (src/schema/standards) so nothing
 * here reaches outside it at runtime. They are compiled lazily: ajv needs a
 * few hundred milliseconds for all three, which only readers and exporters of
 * those formats should pay.
 */
import Ajv2019 from 'ajv/dist/2019';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import odps100 from '../schema/standards/odps-json-schema-v1.0.0.json';
import odps110 from '../schema/standards/odps-json-schema-v1.1.0.json';
import odcs310 from '../schema/standards/odcs-json-schema-v3.1.0.json';
import type { DocumentPath, SourceDocument } from '../issues';

/** The official schemas this package carries. @public */
export type StandardSchemaName = 'ODPS v1.0.0' | 'ODPS v1.1.0' | 'ODCS v3.1.0';

const schemas: Record<StandardSchemaName, object> = {
  'ODPS v1.0.0': odps100,
  'ODPS v1.1.0': odps110,
  'ODCS v3.1.0': odcs310,
};

let ajv: Ajv2019 | undefined;
const compiled = new Map<StandardSchemaName, ValidateFunction>();

function validatorFor(name: StandardSchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    if (!ajv) {
      // strictRequired is off because the official schemas list `required`
      // properties that are only defined through allOf/$ref, which is valid
      // JSON Schema but trips ajv's strict lint.
      ajv = new Ajv2019({
        allErrors: true,
        strict: true,
        strictRequired: false,
      });
      addFormats(ajv);
    }
    validate = ajv.compile(schemas[name]);
    compiled.set(name, validate);
  }
  return validate;
}

/** One schema violation, located by a path inside the document. @public */
export interface StandardSchemaProblem {
  path: DocumentPath;
  message: string;
}

/**
 * Validates a plain value against one of the official schemas and returns the
 * violations in words a spec author understands (empty when valid).
 * @public
 */
export function validateAgainstStandard(
  name: StandardSchemaName,
  value: unknown,
): StandardSchemaProblem[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? [], value);
}

/**
 * Validates the document of `source` and records each violation as a located
 * error of that document.
 * @internal
 */
export function reportStandardViolations(
  source: SourceDocument,
  name: StandardSchemaName,
  value: unknown = source.value,
): number {
  const problems = validateAgainstStandard(name, value);
  for (const p of problems) {
    source.report(p.path, `${p.message} (${name} schema)`);
  }
  return problems.length;
}

function toPath(instancePath: string, root: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  if (!instancePath) return out;
  let node: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(token);
      out.push(index);
      node = node[index];
    } else {
      out.push(token);
      node =
        node && typeof node === 'object'
          ? (node as Record<string, unknown>)[token]
          : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, path: DocumentPath): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function article(type: string): string {
  switch (type) {
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'integer':
      return 'an integer';
    default:
      return `a ${type}`;
  }
}

/*
 * ajv reports every branch of an anyOf/oneOf and every failed `if`, which
 * reads as noise to an author: "must be array" for a `team` object whose only
 * real problem is a missing `username`. Keep the specific errors, and the
 * combinator's own error only when nothing more specific was said.
 */
function describeErrors(
  errors: ErrorObject[],
  root: unknown,
): StandardSchemaProblem[] {
  const combinatorPaths = new Set(
    errors
      .filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')
      .map(e => e.instancePath),
  );
  const specific = errors.filter(
    e =>
      e.keyword !== 'if' &&
      e.keyword !== 'anyOf' &&
      e.keyword !== 'oneOf' &&
      !(e.keyword === 'type' && combinatorPaths.has(e.instancePath)),
  );
  const kept = [...specific];
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const covered = specific.some(
      s =>
        s.instancePath === e.instancePath ||
        s.instancePath.startsWith(`${e.instancePath}/`),
    );
    if (!covered) kept.push(e);
  }

  const seen = new Set<string>();
  const out: StandardSchemaProblem[] = [];
  for (const e of kept) {
    const problem = describe(e, root);
    const key = `${problem.path.join('\u0000')}\u0001${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

function describe(e: ErrorObject, root: unknown): StandardSchemaProblem {
  const path = toPath(e.instancePath, root);
  const value = valueAt(root, path);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing required field '${p.missingProperty}'` };
    case 'additionalProperties':
      return {
        path: [...path, p.additionalProperty],
        message: `'${p.additionalProperty}' is not a known field here`,
      };
    case 'unevaluatedProperties':
      return {
        path: [...path, p.unevaluatedProperty],
        message: `'${p.unevaluatedProperty}' is not a known field here`,
      };
    case 'enum':
      return {
        path,
        message: `${show(value)} is not one of ${(p.allowedValues as unknown[])
          .map(String)
          .join(', ')}`,
      };
    case 'const':
      return { path, message: `must be ${show(p.allowedValue)}` };
    case 'type': {
      const types = String(p.type).split(',').map(article).join(' or ');
      return { path, message: `must be ${types}, not ${kindOf(value)}` };
    }
    case 'format':
      return { path, message: `${show(value)} is not a valid ${p.format}` };
    case 'pattern':
      return {
        path,
        message: `${show(value)} does not match the pattern ${p.pattern}`,
      };
    case 'anyOf':
    case 'oneOf':
      return { path, message: `${show(value)} does not have an allowed shape` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}
