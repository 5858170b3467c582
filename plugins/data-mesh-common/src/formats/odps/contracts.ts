/*
 * ODCS contracts: which of them supply this product's datasets, and the
 * datasets and columns they define.
 */
import { toSqlName, validateIdentifier } from '../../identifiers';
import {
  DATA_CLASSIFICATIONS,
  type DataClassification,
  type Dataset,
  type DatasetColumn,
} from '../../model';
import { reportStandardViolations } from '../standards';
import { readQualityChecks } from '../../quality/read';
import { readAccessRoles } from '../../access/portPolicy';
import { BOOLEAN_HINT, parseBoolean, showValue as show } from '../../values';
import { ODCS_API_VERSIONS } from './versions';
import type { DocumentPath, SourceDocument } from '../../issues';
import {
  OdpsContext,
  CustomProperties,
  isObj,
  list,
  str,
  type ContractInfo,
} from './context';

// Physical table names may be qualified (`db.schema.table`) and, unlike our
// own identifiers, may be upper case (Snowflake folds to upper case).
const PHYSICAL_PART = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

// Column types as the kind's JSON schema allows them.
const COLUMN_TYPE = /^[A-Za-z][A-Za-z0-9_ ,:()<>[\]]{0,99}$/;

export function loadContracts(
  ctx: OdpsContext,
  inputIds: Set<string>,
  outputIds: Set<string>,
) {
  for (const doc of ctx.contracts) {
    if (!doc.parsed) continue;
    const value = doc.value;
    if (!isObj(value)) {
      doc.report([], 'an ODCS contract must be a mapping of fields');
      continue;
    }
    if (value.kind !== 'DataContract') {
      doc.report(
        ['kind'],
        `expected kind 'DataContract' for an ODCS contract, found ${show(
          value.kind,
        )}`,
      );
      continue;
    }
    if (
      typeof value.apiVersion !== 'string' ||
      !(ODCS_API_VERSIONS as readonly string[]).includes(value.apiVersion)
    ) {
      doc.report(
        ['apiVersion'],
        `unsupported ODCS apiVersion ${show(
          value.apiVersion,
        )}; supported versions are ${ODCS_API_VERSIONS.join(', ')}`,
      );
      continue;
    }
    reportStandardViolations(doc, 'ODCS v3.1.0', value);
    const id = str(value.id);
    if (!id) continue; // the schema check has said that `id` is missing
    const earlier = ctx.contractsById.get(id);
    if (earlier) {
      doc.report(
        ['id'],
        `contract id '${id}' is also used by ${
          earlier.doc.file ?? 'another contract'
        }`,
      );
      continue;
    }
    const info: ContractInfo = { doc, id, value, datasets: [] };
    ctx.contractsById.set(id, info);
    if (value.roles !== undefined) {
      info.roles = readAccessRoles(
        value.roles,
        ['roles'],
        (path, m, s) => doc.report(path, m, s),
        { checkedBySchema: true },
      );
      if (info.roles.length && !outputIds.has(id)) {
        doc.report(
          ['roles'],
          `roles say who approves access to the output ports that serve this contract, but no output port has contractId '${id}', so they are not used`,
          'warning',
        );
      }
    }
    // Contracts only an input port refers to describe upstream data; they
    // are context, not this product's datasets.
    if (inputIds.has(id) && !outputIds.has(id)) continue;
    list(value.schema).forEach((obj, j) =>
      readDataset(ctx, info, obj, ['schema', j]),
    );
    ctx.datasetsByContract.set(
      id,
      info.datasets.map(d => d.dataset.name),
    );
  }
}

function readDataset(
  ctx: OdpsContext,
  info: ContractInfo,
  obj: unknown,
  path: DocumentPath,
) {
  const { doc } = info;
  if (!isObj(obj)) return;
  const rawName = str(obj.name);
  if (!rawName) return; // reported by the schema check
  const id = ctx.identifier(doc, rawName, [...path, 'name'], 'dataset');
  if (!id) return;
  const sql = toSqlName(id.name);
  const first = ctx.datasetSqlNames.get(sql);
  if (first !== undefined) {
    doc.report(
      [...path, 'name'],
      first === id.name
        ? `dataset '${id.name}' is defined twice (names must be unique across the product's contracts)`
        : `dataset name '${id.name}' and '${first}' are the same table name in SQL (${sql})`,
    );
    return;
  }
  const dataset: Dataset = { name: id.name, columns: [] };
  const businessName = str(obj.businessName);
  if (businessName) dataset.title = businessName;
  else if (id.title) dataset.title = id.title;
  const description = str(obj.description);
  if (description) dataset.description = description;
  const physicalName = str(obj.physicalName);
  if (physicalName) {
    const parts = physicalName.split('.');
    if (parts.length > 3 || parts.some(p => !PHYSICAL_PART.test(p))) {
      doc.report(
        [...path, 'physicalName'],
        `'${physicalName}' is not a safe table name: write table, schema.table or database.schema.table, each part letters, digits, _ and $, starting with a letter or _`,
      );
      return;
    }
    dataset.table = physicalName;
  }
  const columns = new Map<string, string>();
  list(obj.properties).forEach((prop, k) => {
    const at: DocumentPath = [...path, 'properties', k];
    const column = readColumn(doc, prop, at);
    if (!column) return;
    const key = toSqlName(column.name);
    const clash = columns.get(key);
    if (clash !== undefined) {
      doc.report(
        [...at, 'name'],
        clash === column.name
          ? `column '${column.name}' is defined twice in dataset '${dataset.name}'`
          : `column name '${column.name}' and '${clash}' are the same name in SQL (${key})`,
      );
      return;
    }
    columns.set(key, column.name);
    dataset.columns.push(column);
  });
  const quality = readQualityChecks(
    obj.quality,
    [...path, 'quality'],
    (p, m, s) => doc.report(p, m, s),
    'dataset',
    { columns: dataset.columns.map(c => c.name) },
  );
  if (quality.length) dataset.quality = quality;
  ctx.datasetSqlNames.set(sql, dataset.name);
  ctx.datasets.push(dataset);
  info.datasets.push({
    dataset,
    names: [rawName, physicalName, id.name].filter((x): x is string => !!x),
  });
}

function readColumn(
  doc: SourceDocument,
  prop: unknown,
  path: DocumentPath,
): DatasetColumn | undefined {
  if (!isObj(prop)) return undefined;
  const name = str(prop.name);
  if (!name) return undefined; // reported by the schema check
  // Column names are physical names already: checked, never rewritten.
  const problem = validateIdentifier(name, 'column');
  if (problem) {
    doc.report([...path, 'name'], problem);
    return undefined;
  }
  const typeField = str(prop.physicalType) ? 'physicalType' : 'logicalType';
  const type = str(prop[typeField]);
  if (!type) {
    doc.report(
      path,
      `column '${name}' needs a type: add physicalType (e.g. varchar(18)) or logicalType (e.g. string)`,
    );
    return undefined;
  }
  if (!COLUMN_TYPE.test(type)) {
    doc.report(
      [...path, typeField],
      `'${type}' is not a column type; write a type name such as string, varchar(18) or numeric(10,2)`,
    );
    return undefined;
  }
  const column: DatasetColumn = { name, type };
  const description = str(prop.description);
  if (description) column.description = description;
  const classification = str(prop.classification)?.toLowerCase();
  if (classification) {
    if ((DATA_CLASSIFICATIONS as readonly string[]).includes(classification)) {
      column.classification = classification as DataClassification;
    } else {
      doc.report(
        [...path, 'classification'],
        `classification ${show(
          prop.classification,
        )} is not one of ${DATA_CLASSIFICATIONS.join(', ')}; it is ignored`,
        'warning',
      );
    }
  }
  const tags = list(prop.tags).filter(
    (t): t is string => typeof t === 'string' && t.trim() !== '',
  );
  // PII only when the author says so (a `pii` tag or customProperty):
  // a `restricted` classification is not the same thing.
  let pii = tags.some(t => t.toLowerCase() === 'pii');
  const piiProp = new CustomProperties(prop, path).get('pii');
  if (piiProp) {
    const flag = parseBoolean(piiProp.value);
    if (flag === undefined) {
      doc.report(
        piiProp.path,
        `${show(piiProp.value)} is not a yes/no value; ${BOOLEAN_HINT}`,
      );
      return undefined;
    }
    pii = pii || flag;
  }
  if (pii) column.pii = true;
  const otherTags = tags.filter(t => t.toLowerCase() !== 'pii');
  if (otherTags.length) column.tags = otherTags;
  if (typeof prop.primaryKey === 'boolean') column.primaryKey = prop.primaryKey;
  if (typeof prop.required === 'boolean') column.required = prop.required;
  if (prop.criticalDataElement === true) column.criticalDataElement = true;
  const quality = readQualityChecks(
    prop.quality,
    [...path, 'quality'],
    (p, m, s) => doc.report(p, m, s),
    'column',
    { columnType: column.type },
  );
  if (quality.length) column.quality = quality;
  return column;
}
