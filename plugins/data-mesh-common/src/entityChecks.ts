/*
 * The checks behind validateDataProductEntity (entity.ts): JSON-schema errors
 * turned into sentences a spec author understands, the envelope, the
 * identifier rules on every name and the references inside one product.
 * Each reports through a `Report` at a path inside the entity.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { ErrorObject } from 'ajv';
import { DocumentPath, SpecIssue } from './issues';
import { IdentifierKind, toSqlName, validateIdentifier } from './identifiers';
import { DURATION_HINT, DURATION_PATTERN } from './values';
import { readQualityChecks } from './quality/read';

export type Report = (
  path: DocumentPath,
  message: string,
  severity?: SpecIssue['severity'],
) => void;

/** JSON pointer → document path, with numbers where the data has arrays. */
function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: any = data;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(cur) && /^\d+$/.test(part) ? Number(part) : part;
    out.push(key);
    cur = cur?.[key];
  }
  return out;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

// Names are checked by checkNames (which also knows the reserved words), so
// the schema's pattern/length errors on them would only say it twice.
const NAME_FIELDS = new Set(['name', 'dataset', 'outputPort']);

export function translateAjvError(
  err: ErrorObject,
  data: unknown,
): { path: DocumentPath; message: string } | undefined {
  const path = pointerToPath(err.instancePath, data);
  const last = path[path.length - 1];
  const value = err.data;
  switch (err.keyword) {
    case 'if':
      return undefined;
    case 'required': {
      const missing = (err.params as { missingProperty: string })
        .missingProperty;
      // checkReferences explains these in the words of the port
      if (
        path[1] === 'inputPorts' &&
        (missing === 'dataProduct' || missing === 'outputPort')
      ) {
        return undefined;
      }
      return { path, message: `missing required field '${missing}'` };
    }
    case 'additionalProperties': {
      const extra = (err.params as { additionalProperty: string })
        .additionalProperty;
      const known = Object.keys(
        (err.parentSchema as { properties?: object })?.properties ?? {},
      );
      return {
        path: [...path, extra],
        message: `unknown field '${extra}'; expected one of ${known.join(
          ', ',
        )}`,
      };
    }
    case 'enum':
    case 'const': {
      const allowed =
        err.keyword === 'enum'
          ? (err.params as { allowedValues: unknown[] }).allowedValues
          : [(err.params as { allowedValue: unknown }).allowedValue];
      return {
        path,
        message: `${show(value)} is not one of ${allowed.join(', ')}`,
      };
    }
    case 'type': {
      const expected = String((err.params as { type: string }).type);
      return {
        path,
        message: `must be ${TYPE_NAMES[expected] ?? expected}, not ${show(
          value,
        )}`,
      };
    }
    case 'pattern':
    case 'maxLength': {
      if (typeof last === 'string' && NAME_FIELDS.has(last)) return undefined;
      const pattern = (err.params as { pattern?: string }).pattern;
      if (pattern && DURATION_PATTERN.source === pattern) {
        return {
          path,
          message: `${show(value)} is not a duration; ${DURATION_HINT}`,
        };
      }
      if (last === 'type' && path.includes('columns')) {
        return {
          path,
          message: `${show(
            value,
          )} is not a column type; write a type name such as string, varchar(18) or numeric(10,2)`,
        };
      }
      if (last === 'table') {
        return {
          path,
          message: `${show(
            value,
          )} is not a table name; write database.schema.table with letters, digits, _, $ and -`,
        };
      }
      if (err.keyword === 'maxLength') {
        return {
          path,
          message: `is too long: at most ${
            (err.params as { limit: number }).limit
          } characters`,
        };
      }
      return {
        path,
        message: `${show(
          value,
        )} may only contain letters, digits, _, $ and -, and must not start with a digit`,
      };
    }
    case 'minLength':
      return { path, message: 'must not be empty' };
    case 'exclusiveMinimum':
    case 'minimum':
    case 'maximum':
      if (last === 'target' || last === 'tolerance') {
        return {
          path,
          message: `${show(value)} is out of range: ${last} is a fraction ${
            last === 'target' ? 'above 0' : 'from 0'
          } and at most 1 (80 % is written 0.8)`,
        };
      }
      return { path, message: `${show(value)} ${err.message}` };
    default:
      return { path, message: err.message ?? 'is invalid' };
  }
}

/**
 * The envelope part of Backstage's own schema, for metadata problems;
 * `validateKind` is the catalog's validator for the whole kind, which
 * throws on the first problem.
 */
export function checkEnvelope(
  e: Record<string, any>,
  report: Report,
  validateKind: (data: unknown) => unknown,
) {
  if (!e.metadata || typeof e.metadata !== 'object') {
    report([], "missing required field 'metadata'");
    return;
  }
  try {
    validateKind(e);
  } catch (error) {
    // Backstage reports the first envelope error as "/metadata/name must be
    // string - type: string"; errors in the kind's own part were already
    // reported with more detail above.
    const message = String((error as Error).message);
    const match = /^(\/\S*|<root>) (.*)$/.exec(message);
    const pointer = match?.[1] === '<root>' ? '' : match?.[1] ?? '';
    if (
      !pointer.startsWith('/spec') &&
      !pointer.startsWith('/kind') &&
      !pointer.startsWith('/apiVersion')
    ) {
      report(pointerToPath(pointer, e), match?.[2] ?? message);
    }
  }
}

function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function list(v: unknown): Record<string, any>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function indexed(v: unknown): [number, Record<string, any>][] {
  return Array.isArray(v)
    ? v.flatMap((x, i) =>
        isRecord(x) ? [[i, x] as [number, Record<string, any>]] : [],
      )
    : [];
}

/** Identifier rules on every name, and no two names meaning the same table. */
export function checkNames(e: Record<string, any>, report: Report) {
  const spec = isRecord(e.spec) ? e.spec : {};
  const name = e.metadata?.name;
  if (typeof name === 'string') {
    const problem = validateIdentifier(name, 'product');
    if (problem) report(['metadata', 'name'], problem);
  }
  if (typeof spec.domain === 'string' && spec.domain) {
    const ref = safeParseRef(spec.domain, 'domain');
    if (!ref) {
      report(
        ['spec', 'domain'],
        `'${spec.domain}' is not an entity reference; write domain:default/<name>`,
      );
    } else if (ref.kind.toLocaleLowerCase('en-US') !== 'domain') {
      report(
        ['spec', 'domain'],
        `'${spec.domain}' refers to a ${ref.kind}, not a Domain`,
      );
    } else {
      const problem = validateIdentifier(ref.name, 'domain');
      if (problem) report(['spec', 'domain'], problem);
    }
  }
  if (typeof spec.owner === 'string' && spec.owner) {
    const ref = safeParseRef(spec.owner, 'group');
    if (!ref) {
      report(
        ['spec', 'owner'],
        `'${spec.owner}' is not an entity reference; write group:default/<name> or user:default/<name>`,
      );
    } else if (
      !['group', 'user'].includes(ref.kind.toLocaleLowerCase('en-US'))
    ) {
      report(
        ['spec', 'owner'],
        `'${spec.owner}' refers to a ${ref.kind}; the owner must be a Group or a User`,
      );
    }
  }

  const unique = (
    items: [DocumentPath, unknown][],
    what: IdentifierKind,
    noun: string,
  ) => {
    const bySql = new Map<string, string>();
    for (const [path, n] of items) {
      // a missing or non-text name is the schema's to report
      if (typeof n !== 'string') continue;
      const problem = validateIdentifier(n, what);
      if (problem) {
        report(path, problem);
        continue;
      }
      const key = toSqlName(n as string);
      const first = bySql.get(key);
      if (first === undefined) {
        bySql.set(key, n as string);
      } else if (first === n) {
        report(path, `duplicate ${noun} name '${n}'`);
      } else {
        report(
          path,
          `${noun} name '${n}' and '${first}' are the same name in SQL (${key})`,
        );
      }
    }
  };

  const datasets = indexed(spec.datasets);
  unique(
    datasets.map(([i, d]) => [['spec', 'datasets', i, 'name'], d.name]),
    'dataset',
    'dataset',
  );
  for (const [i, d] of datasets) {
    unique(
      indexed(d.columns).map(([j, c]) => [
        ['spec', 'datasets', i, 'columns', j, 'name'],
        c.name,
      ]),
      'column',
      'column',
    );
  }
  // input and output ports share one namespace: both become grants and
  // monitors named after the port. Output ports first: they are the
  // product's published interface, so a clash is the input port's to fix.
  unique(
    [
      ...indexed(spec.outputPorts).map(
        ([i, p]) =>
          [['spec', 'outputPorts', i, 'name'], p.name] as [
            DocumentPath,
            unknown,
          ],
      ),
      ...indexed(spec.inputPorts).map(
        ([i, p]) =>
          [['spec', 'inputPorts', i, 'name'], p.name] as [
            DocumentPath,
            unknown,
          ],
      ),
    ],
    'port',
    'port',
  );
  unique(
    indexed(spec.slos).map(([i, s]) => [['spec', 'slos', i, 'name'], s.name]),
    'slo',
    'objective',
  );
}

function safeParseRef(ref: string, defaultKind: string) {
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch {
    return undefined;
  }
}

/** References inside one product. */
export function checkReferences(e: Record<string, any>, report: Report) {
  const spec = isRecord(e.spec) ? e.spec : {};
  const datasetNames = list(spec.datasets)
    .map(d => d.name)
    .filter((n): n is string => typeof n === 'string');
  const known = datasetNames.length
    ? `the datasets are ${datasetNames.join(', ')}`
    : 'the product has no datasets';

  for (const [i, port] of indexed(spec.outputPorts)) {
    if (
      typeof port.dataset === 'string' &&
      !datasetNames.includes(port.dataset)
    ) {
      report(
        ['spec', 'outputPorts', i, 'dataset'],
        `no dataset named '${port.dataset}'; ${known}`,
      );
    }
  }
  const slos = indexed(spec.slos);
  for (const [i, slo] of slos) {
    if (
      typeof slo.dataset === 'string' &&
      !datasetNames.includes(slo.dataset)
    ) {
      report(
        ['spec', 'slos', i, 'dataset'],
        `no dataset named '${slo.dataset}'; ${known}`,
      );
    }
  }
  if (slos.length > 0 && datasetNames.length === 0) {
    report(
      ['spec', 'slos'],
      'objectives are measured on a dataset, but the product has no datasets',
      'warning',
    );
  }

  const self =
    typeof e.metadata?.name === 'string' ? e.metadata.name : undefined;
  for (const [i, port] of indexed(spec.inputPorts)) {
    const at: DocumentPath = ['spec', 'inputPorts', i];
    if (port.personalDataInClear === true) {
      if (port.type !== 'data-product') {
        report(
          [...at, 'personalDataInClear'],
          `personalDataInClear is only meaningful for an input port of type data-product (it asks the upstream product's owners for personal data in clear), not ${port.type}`,
        );
      } else if (typeof port.description !== 'string' || !port.description) {
        // the purpose of processing personal data is what its owners and
        // the data protection officer read first
        report(
          at,
          'an input port that reads personal data in clear should say why: add a description',
          'warning',
        );
      }
    }
    if (port.type !== 'data-product') continue;
    if (typeof port.dataProduct !== 'string' || !port.dataProduct) {
      report(
        at,
        'an input port of type data-product must say which product it consumes: add dataProduct (e.g. dataproduct:default/patients)',
      );
    } else {
      const ref = safeParseRef(port.dataProduct, 'dataproduct');
      if (!ref) {
        report(
          [...at, 'dataProduct'],
          `'${port.dataProduct}' is not an entity reference; write dataproduct:default/<name>`,
        );
      } else if (ref.kind.toLocaleLowerCase('en-US') !== 'dataproduct') {
        report(
          [...at, 'dataProduct'],
          `'${port.dataProduct}' refers to a ${ref.kind}, not a DataProduct`,
        );
      } else {
        const problem = validateIdentifier(ref.name, 'product');
        if (problem) report([...at, 'dataProduct'], problem);
        else if (
          ref.name === self &&
          ref.namespace === (e.metadata?.namespace ?? 'default')
        ) {
          report(
            [...at, 'dataProduct'],
            'a data product cannot consume its own output port',
          );
        }
      }
    }
    if (typeof port.outputPort !== 'string' || !port.outputPort) {
      report(
        at,
        "an input port of type data-product must name the upstream product's output port: add outputPort",
      );
    } else {
      const problem = validateIdentifier(port.outputPort, 'port');
      if (problem) report([...at, 'outputPort'], problem);
    }
  }
}

/**
 * The data-quality checks' rules the kind's schema cannot say (one
 * comparison, a metric at its level, the lists an SQL literal is made of).
 */
export function checkQuality(e: Record<string, any>, report: Report) {
  const spec = isRecord(e.spec) ? e.spec : {};
  for (const [i, d] of indexed(spec.datasets)) {
    const at = ['spec', 'datasets', i];
    readQualityChecks(d.quality, [...at, 'quality'], report, 'dataset', {
      columns: indexed(d.columns).map(([, c]) => String(c.name)),
    });
    for (const [j, c] of indexed(d.columns))
      readQualityChecks(
        c.quality,
        [...at, 'columns', j, 'quality'],
        report,
        'column',
        { columnType: typeof c.type === 'string' ? c.type : undefined },
      );
  }
}
