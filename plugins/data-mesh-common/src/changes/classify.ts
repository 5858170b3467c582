/*
 * The breaking-change gate: what changed between two versions of a data
 * product, and whether each change breaks its consumers.
 *
 * Both versions are entities (the canonical model, or as the catalog stores
 * them), so one classifier serves the CLI (spec files in any format, at a
 * git ref or on disk) and the catalog (two ingested versions). Parts are
 * matched by name: a renamed dataset, column, port or objective is a
 * removal plus an addition, which is what it is for a consumer.
 *
 * A change is **breaking** when a consumer that works against the old
 * version can stop working or lose a promise: something it reads is gone or
 * reshaped, data it receives needs stronger protection, or a service level
 * it relies on is weaker. Additions and stronger promises are
 * **non-breaking**; text is **info**.
 */
import {
  ChangeLog,
  compareText,
  matchByName,
  same,
  type ClassifyOptions,
  type ProductVersion,
  type SpecChange,
} from './changeLog';
import { fromCatalogForm } from '../catalogForm';
import type { DataProductEntityV1alpha1 } from '../model';
import { compareDatasets } from './datasets';
import { compareSlos } from './slos';

function compareProduct(
  log: ChangeLog,
  before: DataProductEntityV1alpha1,
  after: DataProductEntityV1alpha1,
) {
  const m = ['metadata'];
  compareText(
    log,
    'title-changed',
    'title',
    [...m, 'title'],
    before.metadata.title,
    after.metadata.title,
    'the title',
  );
  compareText(
    log,
    'description-changed',
    'description',
    [...m, 'description'],
    before.metadata.description,
    after.metadata.description,
    'the description',
  );
  compareText(
    log,
    'tags-changed',
    'tags',
    [...m, 'tags'],
    before.metadata.tags,
    after.metadata.tags,
    'the tags',
  );
  const s = ['spec'];
  const old = before.spec;
  const now = after.spec;
  if (old.type !== now.type) {
    log.after(
      'breaking',
      'product-type-changed',
      'type',
      [...s, 'type'],
      `the product type changed from ${old.type} to ${now.type}: consumers chose this product for what it is (its sources and how it is aligned), and that promise no longer holds`,
    );
  }
  compareText(
    log,
    'owner-changed',
    'owner',
    [...s, 'owner'],
    old.owner,
    now.owner,
    `the owner (${now.owner})`,
  );
  compareText(
    log,
    'domain-changed',
    'domain',
    [...s, 'domain'],
    old.domain,
    now.domain,
    `the domain (${now.domain})`,
  );
  compareText(
    log,
    'lifecycle-changed',
    'lifecycle',
    [...s, 'lifecycle'],
    old.lifecycle,
    now.lifecycle,
    `the lifecycle (${old.lifecycle} → ${now.lifecycle})`,
  );
  compareText(
    log,
    'certified-changed',
    'certified',
    [...s, 'certified'],
    old.certified,
    now.certified,
    `certification (${old.certified ? 'certified' : 'not certified'} → ${
      now.certified ? 'certified' : 'not certified'
    })`,
  );
  const agreement = (v: DataProductEntityV1alpha1) =>
    v.spec.dataSharingAgreement ?? {};
  for (const field of [
    'purpose',
    'usage',
    'limitations',
    'approval',
    'termination',
    'instructions',
  ] as const) {
    compareText(
      log,
      'agreement-changed',
      `dataSharingAgreement.${field}`,
      [...s, 'dataSharingAgreement', field],
      agreement(before)[field],
      agreement(after)[field],
      `the data-sharing agreement's ${field}`,
    );
  }
}

function compareOutputPorts(
  log: ChangeLog,
  before: DataProductEntityV1alpha1,
  after: DataProductEntityV1alpha1,
) {
  const at = (i: number) => ['spec', 'outputPorts', i];
  const { removed, added, kept } = matchByName(
    before.spec.outputPorts,
    after.spec.outputPorts,
  );
  for (const { item, index } of removed) {
    log.before(
      'breaking',
      'output-port-removed',
      `outputPorts.${item.name}`,
      at(index),
      `output port '${item.name}' was removed: consumers reading through it lose access`,
    );
  }
  for (const { item, index } of added) {
    log.after(
      'non-breaking',
      'output-port-added',
      `outputPorts.${item.name}`,
      at(index),
      `output port '${item.name}' was added`,
    );
  }
  for (const { old, now, index } of kept) {
    const path = `outputPorts.${now.name}`;
    if ((old.dataset ?? '') !== (now.dataset ?? '')) {
      log.after(
        'breaking',
        'output-port-dataset-changed',
        `${path}.dataset`,
        [...at(index), 'dataset'],
        `output port '${now.name}' serves dataset '${
          now.dataset ?? '(none)'
        }' instead of '${
          old.dataset ?? '(none)'
        }': consumers of the port get other data`,
      );
    }
    if (old.type !== now.type) {
      log.after(
        'breaking',
        'output-port-type-changed',
        `${path}.type`,
        [...at(index), 'type'],
        `output port '${now.name}' is a ${now.type} port instead of ${old.type}: consumers have to connect differently`,
      );
    }
    if ((old.url ?? '') !== (now.url ?? '') && old.url) {
      log.after(
        'breaking',
        'output-port-url-changed',
        `${path}.url`,
        [...at(index), 'url'],
        `output port '${now.name}' moved from ${old.url} to ${
          now.url ?? '(no URL)'
        }: consumers connecting with the old URL fail`,
      );
    }
    compareText(
      log,
      'output-port-text-changed',
      `${path}.description`,
      [...at(index), 'description'],
      old.description,
      now.description,
      `output port '${now.name}' description`,
    );
    compareText(
      log,
      'output-port-text-changed',
      `${path}.instructions`,
      [...at(index), 'instructions'],
      old.instructions,
      now.instructions,
      `output port '${now.name}' instructions`,
    );
    compareText(
      log,
      'output-port-text-changed',
      `${path}.title`,
      [...at(index), 'title'],
      old.title,
      now.title,
      `output port '${now.name}' title`,
    );
  }
}

function compareInputPorts(
  log: ChangeLog,
  before: DataProductEntityV1alpha1,
  after: DataProductEntityV1alpha1,
) {
  // Input ports are the product's own sources: changing them is the
  // producer's business as long as the outputs keep their promises.
  const at = (i: number) => ['spec', 'inputPorts', i];
  const { removed, added, kept } = matchByName(
    before.spec.inputPorts,
    after.spec.inputPorts,
  );
  for (const { item, index } of removed) {
    log.before(
      'non-breaking',
      'input-port-removed',
      `inputPorts.${item.name}`,
      at(index),
      `input port '${item.name}' was removed`,
    );
  }
  for (const { item, index } of added) {
    log.after(
      'non-breaking',
      'input-port-added',
      `inputPorts.${item.name}`,
      at(index),
      `input port '${item.name}' was added${
        item.personalDataInClear
          ? `, reading the personal data of ${item.dataProduct} in clear`
          : ''
      }`,
    );
  }
  for (const { old, now, index } of kept) {
    // reading personal data in clear is what a reviewer (and the data
    // protection officer) should see said, not "changed"
    const { personalDataInClear: wasInClear, ...oldRest } = old;
    const { personalDataInClear: isInClear, ...nowRest } = now;
    if (Boolean(wasInClear) !== Boolean(isInClear)) {
      log.after(
        'info',
        'input-port-personal-data',
        `inputPorts.${now.name}`,
        isInClear ? [...at(index), 'personalDataInClear'] : at(index),
        `input port '${now.name}' ${
          isInClear ? 'now reads' : 'no longer reads'
        } the personal data of ${now.dataProduct ?? 'its upstream'} in clear`,
      );
    }
    if (!same(oldRest, nowRest)) {
      log.after(
        'info',
        'input-port-changed',
        `inputPorts.${now.name}`,
        at(index),
        `input port '${now.name}' changed`,
      );
    }
  }
}

/**
 * Every change from `before` to `after`, classified and explained; located
 * in the authors' files when locators are given (see specLocator). The
 * order is stable: product, output ports, input ports, datasets, SLOs.
 * @public
 */
export function classifyChanges(
  before: ProductVersion,
  after: ProductVersion,
  options: ClassifyOptions = {},
): SpecChange[] {
  const log = new ChangeLog(options);
  const [b, a] = [fromCatalogForm(before), fromCatalogForm(after)];
  compareProduct(log, b, a);
  compareOutputPorts(log, b, a);
  compareInputPorts(log, b, a);
  compareDatasets(log, b, a);
  compareSlos(log, b, a);
  return log.changes;
}
