/*
 * Data-set components: the dataset's identifier (from its name or table)
 * and its columns with their classification and flags.
 */
import { setSpecOrigin } from '../../entity';
import { toIdentifier, validateIdentifier } from '../../identifiers';
import { BOOLEAN_HINT, parseBoolean, showValue } from '../../values';
import { type Dataset, type DatasetColumn } from '../../model';
import { readQualityChecks } from '../../quality/read';
import { isRecord, type Component } from './components';
import type { OamContext } from './context';

export function readDataset(
  ctx: OamContext,
  c: Component,
): { component: Component; dataset: Dataset } {
  const table = ctx.text(c, 'table_name');
  let id: { name: string; title?: string };
  if (validateIdentifier(c.name, 'dataset') === undefined) {
    id = { name: c.name };
  } else if (table) {
    // the seed names data sets "Dataset of DP <product>"; the table is
    // the better identifier when there is one
    const last = table.split('.').pop()!;
    const derived = toIdentifier(last, 'dataset');
    if (derived.error !== undefined) {
      ctx.report(ctx.propPath(c, 'table_name')!, derived.error);
      id = { name: c.name };
    } else {
      id = { name: derived.identifier, title: c.name };
    }
  } else {
    id = ctx.identify(c, 'dataset');
  }
  const description = ctx.text(c, 'description');
  const columnsKey = c.props.has('columns') ? 'columns' : 'schema';
  if (c.props.has('columns') && c.props.has('schema')) {
    ctx.report(
      c.props.get('schema')!.path,
      'columns are given twice, as columns and schema; keep one',
    );
  }
  const qualityProp = c.props.get('quality');
  // the column names as written, for checks over several columns (read
  // before the columns themselves, so problems come in document order)
  const rawColumns = c.props.get(columnsKey)?.value;
  const columnNames = Array.isArray(rawColumns)
    ? rawColumns.flatMap(x =>
        isRecord(x) && typeof x.name === 'string' ? [x.name] : [],
      )
    : undefined;
  const quality = qualityProp
    ? readQualityChecks(
        qualityProp.value,
        qualityProp.valuePath,
        (p, m, s) => ctx.report(p, m, s),
        'dataset',
        { columns: columnNames },
      )
    : [];
  const dataset: Dataset = {
    name: id.name,
    ...(id.title ? { title: id.title } : {}),
    ...(description ? { description } : {}),
    ...(table ? { table } : {}),
    columns: readColumns(ctx, c, columnsKey),
    ...(quality.length ? { quality } : {}),
  };
  setSpecOrigin(dataset, c.path, {
    name: [...c.path, 'name'],
    title: [...c.path, 'name'],
    description: ctx.propPath(c, 'description'),
    table: ctx.propPath(c, 'table_name'),
    columns: ctx.propPath(c, columnsKey),
  });
  return { component: c, dataset };
}

function readColumns(
  ctx: OamContext,
  c: Component,
  key: string,
): DatasetColumn[] {
  const p = c.props.get(key);
  if (!p || p.value === null || p.value === undefined) return [];
  if (!Array.isArray(p.value)) {
    ctx.report(
      p.path,
      `${key} must be a list of columns, each with name and type`,
    );
    return [];
  }
  const out: DatasetColumn[] = [];
  p.value.forEach((raw, j) => {
    const path = [...p.valuePath, j];
    if (!isRecord(raw)) {
      ctx.report(path, 'a column must be a mapping with name and type');
      return;
    }
    if (typeof raw.name !== 'string' || !raw.name) {
      ctx.report(path, 'a column needs a name');
      return;
    }
    if (raw.type === undefined || raw.type === null || raw.type === '') {
      ctx.report(
        path,
        `column '${raw.name}' needs a type, e.g. string, varchar(18) or timestamp`,
      );
      return;
    }
    const column: DatasetColumn = { name: raw.name, type: String(raw.type) };
    if (typeof raw.description === 'string')
      column.description = raw.description;
    if (raw.classification !== undefined) {
      const cls = String(raw.classification).trim().toLowerCase();
      if (['public', 'internal', 'confidential', 'restricted'].includes(cls)) {
        column.classification = cls as DatasetColumn['classification'];
      } else {
        ctx.report(
          [...path, 'classification'],
          `'${String(
            raw.classification,
          )}' is not a classification; use one of public, internal, confidential, restricted${
            cls === 'pii' ? ' (mark personal data with pii: yes)' : ''
          }`,
        );
      }
    }
    const flag = (
      field: string,
      into: 'pii' | 'primaryKey' | 'required' | 'criticalDataElement',
    ) => {
      const v = raw[field];
      if (v === undefined || v === null) return;
      const b = parseBoolean(v);
      if (b === undefined)
        ctx.report(
          [...path, field],
          `${showValue(v)} is not a yes/no value; ${BOOLEAN_HINT}`,
        );
      else column[into] = b;
    };
    flag('pii', 'pii');
    flag(
      raw.primary_key !== undefined ? 'primary_key' : 'primaryKey',
      'primaryKey',
    );
    flag('required', 'required');
    flag(
      raw.critical_data_element !== undefined
        ? 'critical_data_element'
        : 'criticalDataElement',
      'criticalDataElement',
    );
    if (Array.isArray(raw.tags)) column.tags = raw.tags.map(String);
    const quality = readQualityChecks(
      raw.quality,
      [...path, 'quality'],
      (at, m, s) => ctx.report(at, m, s),
      'column',
      { columnType: column.type },
    );
    if (quality.length) column.quality = quality;
    setSpecOrigin(column, path, {
      name: [...path, 'name'],
      type: [...path, 'type'],
      classification: [...path, 'classification'],
    });
    out.push(column);
  });
  return out;
}
