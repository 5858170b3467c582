/*
 * Datasets and their columns: what consumers read.
 */
import {
  DATA_CLASSIFICATIONS,
  type DataClassification,
  type DataProductEntityV1alpha1,
  type Dataset,
  type DatasetColumn,
} from '../model';
import { type ChangeLog, compareText, matchByName } from './changeLog';
import { compareColumnTypes } from './columnTypes';
import { compareQualityChecks } from './quality';

function rank(c: DataClassification | undefined): number {
  // an unclassified column is treated as the least protected
  return c ? DATA_CLASSIFICATIONS.indexOf(c) : 0;
}

function compareColumn(
  log: ChangeLog,
  dataset: string,
  old: DatasetColumn,
  now: DatasetColumn,
  at: (string | number)[],
  oldAt: (string | number)[],
) {
  const path = `datasets.${dataset}.columns.${now.name}`;
  const named = `column '${dataset}.${now.name}'`;
  compareQualityChecks(log, {
    path,
    oldAt,
    nowAt: at,
    where: named,
    old: old.quality,
    now: now.quality,
  });
  const typeChange = compareColumnTypes(old.type, now.type);
  if (typeChange === 'incompatible') {
    log.after(
      'breaking',
      'column-type-incompatible',
      `${path}.type`,
      [...at, 'type'],
      `${named} changed type from ${old.type} to ${now.type}, which does not hold every value of the old type: consumers' queries, casts and parsers can fail`,
    );
  } else if (typeChange === 'widened') {
    log.after(
      'non-breaking',
      'column-type-widened',
      `${path}.type`,
      [...at, 'type'],
      `${named} widened from ${old.type} to ${now.type}`,
    );
  } else if (old.type !== now.type) {
    log.after(
      'info',
      'column-type-respelled',
      `${path}.type`,
      [...at, 'type'],
      `${named} type is written ${now.type} instead of ${old.type} (the same type)`,
    );
  }
  if (now.pii && !old.pii) {
    log.after(
      'breaking',
      'column-pii-added',
      `${path}.pii`,
      [...at, 'pii'],
      `${named} is now personal data (PII): consumers must protect it from now on, and may not be allowed to hold it at all`,
    );
  } else if (old.pii && !now.pii) {
    log.after(
      'non-breaking',
      'column-pii-removed',
      `${path}.pii`,
      [...at, 'pii'],
      `${named} is no longer marked as personal data`,
    );
  }
  if (Boolean(now.criticalDataElement) !== Boolean(old.criticalDataElement)) {
    log.after(
      'info',
      now.criticalDataElement
        ? 'column-critical-added'
        : 'column-critical-removed',
      `${path}.criticalDataElement`,
      [...at, 'criticalDataElement'],
      `${named} is ${
        now.criticalDataElement ? 'now' : 'no longer'
      } a critical data element`,
    );
  }
  const raised = rank(now.classification) - rank(old.classification);
  if (raised > 0) {
    log.after(
      'breaking',
      'classification-raised',
      `${path}.classification`,
      [...at, 'classification'],
      `${named} is classified ${now.classification} instead of ${
        old.classification ?? 'unclassified'
      }: consumers granted access for the lower class may no longer hold it`,
    );
  } else if (raised < 0 || (old.classification && !now.classification)) {
    log.after(
      'non-breaking',
      'classification-lowered',
      `${path}.classification`,
      [...at, 'classification'],
      `${named} is classified ${
        now.classification ?? 'unclassified'
      } instead of ${old.classification}`,
    );
  }
  compareText(
    log,
    'column-description-changed',
    `${path}.description`,
    [...at, 'description'],
    old.description,
    now.description,
    `${named} description`,
  );
  compareText(
    log,
    'column-tags-changed',
    `${path}.tags`,
    [...at, 'tags'],
    old.tags,
    now.tags,
    `${named} tags`,
  );
  if (Boolean(old.primaryKey) !== Boolean(now.primaryKey)) {
    log.after(
      'info',
      'column-key-changed',
      `${path}.primaryKey`,
      [...at, 'primaryKey'],
      `${named} is ${
        now.primaryKey ? 'now' : 'no longer'
      } part of the primary key`,
    );
  }
  if (old.required && !now.required) {
    log.after(
      'breaking',
      'column-nullable',
      `${path}.required`,
      [...at, 'required'],
      `${named} is no longer required: consumers that rely on a value in every row can meet nulls`,
    );
  } else if (!old.required && now.required) {
    log.after(
      'non-breaking',
      'column-required',
      `${path}.required`,
      [...at, 'required'],
      `${named} is now required`,
    );
  }
}

/** Datasets and their columns, matched by name. */
export function compareDatasets(
  log: ChangeLog,
  before: DataProductEntityV1alpha1,
  after: DataProductEntityV1alpha1,
): void {
  const at = (i: number) => ['spec', 'datasets', i];
  const { removed, added, kept } = matchByName<Dataset>(
    before.spec.datasets,
    after.spec.datasets,
  );
  for (const { item, index } of removed) {
    log.before(
      'breaking',
      'dataset-removed',
      `datasets.${item.name}`,
      at(index),
      `dataset '${item.name}' was removed: consumers reading it lose their data`,
    );
  }
  for (const { item, index } of added) {
    log.after(
      'non-breaking',
      'dataset-added',
      `datasets.${item.name}`,
      at(index),
      `dataset '${item.name}' was added`,
    );
  }
  for (const { old, now, oldIndex, index } of kept) {
    const path = `datasets.${now.name}`;
    if (
      old.table &&
      now.table &&
      old.table.toLowerCase() !== now.table.toLowerCase()
    ) {
      log.after(
        'breaking',
        'dataset-table-changed',
        `${path}.table`,
        [...at(index), 'table'],
        `dataset '${now.name}' moved from table ${old.table} to ${now.table}: consumers' queries name the old table`,
      );
    }
    compareText(
      log,
      'dataset-text-changed',
      `${path}.title`,
      [...at(index), 'title'],
      old.title,
      now.title,
      `dataset '${now.name}' title`,
    );
    compareText(
      log,
      'dataset-text-changed',
      `${path}.description`,
      [...at(index), 'description'],
      old.description,
      now.description,
      `dataset '${now.name}' description`,
    );
    const columns = matchByName(old.columns ?? [], now.columns ?? []);
    const columnAt = (d: number, c: number) => [...at(d), 'columns', c];
    for (const { item, index: c } of columns.removed) {
      log.before(
        'breaking',
        'column-removed',
        `${path}.columns.${item.name}`,
        columnAt(oldIndex, c),
        `column '${now.name}.${item.name}' was removed: consumers selecting it fail`,
      );
    }
    for (const { item, index: c } of columns.added) {
      log.after(
        'non-breaking',
        'column-added',
        `${path}.columns.${item.name}`,
        columnAt(index, c),
        `column '${now.name}.${item.name}' was added`,
      );
    }
    for (const { old: oc, now: nc, index: c, oldIndex: oldC } of columns.kept) {
      compareColumn(
        log,
        now.name,
        oc,
        nc,
        columnAt(index, c),
        columnAt(oldIndex, oldC),
      );
    }
    compareQualityChecks(log, {
      path,
      oldAt: at(oldIndex),
      nowAt: at(index),
      where: `dataset '${now.name}'`,
      old: old.quality,
      now: now.quality,
    });
  }
}
