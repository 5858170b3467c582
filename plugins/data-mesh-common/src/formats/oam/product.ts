/*
 * The product itself: its data-product and domain components, then every
 * other part read by its own module, and the data-sharing agreement.
 */
import type { DocumentPath } from '../../issues';
import { setSpecOrigin } from '../../entity';
import { ANNOTATION_SPEC_VERSION } from '../../changes/version';
import { toIdentifier } from '../../identifiers';
import { parseDataProductType } from '../../values';
import {
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  type DataProductEntityV1alpha1,
  type DataProductType,
  type DataSharingAgreement,
} from '../../model';
import {
  OAM_DEFAULT_LIFECYCLE,
  TYPE_CHOICES,
  type Component,
} from './components';
import type { OamContext } from './context';
import { readDataset } from './datasets';
import { readInputPort, readOutputPort } from './ports';
import { attachIndicators, readObjective } from './slos';

export function readProduct(
  ctx: OamContext,
): DataProductEntityV1alpha1 | undefined {
  const domainComponent = ctx.single(
    'domain',
    '- name: clinical\n  type: domain',
  );
  const product = ctx.single(
    'data-product',
    '- name: patients\n  type: data-product',
  );
  if (!product) return undefined;

  const id = ctx.identify(product, 'product');
  const description = ctx.firstText(product, 'definition', 'description');
  const entity: DataProductEntityV1alpha1 = {
    apiVersion: DATA_PRODUCT_API_VERSION,
    kind: DATA_PRODUCT_KIND,
    metadata: {
      name: id.name,
      ...(id.title ? { title: id.title } : {}),
      ...(description.value ? { description: description.value } : {}),
    },
    spec: {
      type: readProductType(ctx, product) ?? ('' as DataProductType),
      lifecycle:
        ctx.text(product, 'lifecycle')?.toLowerCase() ?? OAM_DEFAULT_LIFECYCLE,
      owner: readOwner(ctx, product) ?? '',
      domain: domainComponent
        ? `domain:default/${ctx.identify(domainComponent, 'domain').name}`
        : '',
      certified: ctx.bool(product, 'certified') ?? false,
    },
  };
  // The stage the product is provisioned in (dev/test/prod): the platform
  // validates it against its configured stages when it plans.
  const stage = ctx.text(product, 'stage');
  if (stage !== undefined) entity.spec.infrastructure = { stage };
  const tags = readTags(ctx, product);
  if (tags) entity.metadata.tags = tags;
  // the spec's version, for the breaking-change gate (changes/version.ts)
  const version = ctx.text(product, 'version');
  if (version) {
    entity.metadata.annotations = { [ANNOTATION_SPEC_VERSION]: version };
  }
  setSpecOrigin(entity, product.path);
  setSpecOrigin(entity.metadata, product.path, {
    name: [...product.path, 'name'],
    title: [...product.path, 'name'],
    description: description.path,
    tags: ctx.propPath(product, 'tags'),
    annotations: ctx.propPath(product, 'version'),
  });
  setSpecOrigin(entity.spec, product.path, {
    type: ctx.propPath(product, 'data_product_type'),
    lifecycle: ctx.propPath(product, 'lifecycle'),
    owner:
      ctx.propPath(product, 'data_product_owner') ??
      ctx.propPath(product, 'owner'),
    certified: ctx.propPath(product, 'certified'),
    infrastructure: ctx.propPath(product, 'stage'),
    domain: domainComponent ? [...domainComponent.path, 'name'] : ctx.listPath,
  });

  const datasets = ctx.of('data-set').map(c => readDataset(ctx, c));
  if (datasets.length) entity.spec.datasets = datasets.map(d => d.dataset);
  const resolveDataset = (c: Component, key: string): string | undefined => {
    const wanted = ctx.text(c, key);
    if (wanted === undefined)
      return datasets.length === 1 &&
        key === 'dataset' &&
        c.type === 'output-port'
        ? datasets[0].dataset.name
        : undefined;
    const hit = datasets.find(
      d =>
        d.component.name === wanted ||
        d.dataset.name === wanted ||
        toIdentifier(wanted).identifier === d.dataset.name,
    );
    // an unknown name is kept as written: the entity check reports it
    return hit ? hit.dataset.name : wanted;
  };

  const outputPorts = ctx
    .of('output-port')
    .map(c => readOutputPort(ctx, c, resolveDataset(c, 'dataset')));
  if (outputPorts.length) entity.spec.outputPorts = outputPorts;
  const inputPorts = ctx
    .of('input-port')
    .flatMap(c => readInputPort(ctx, c) ?? []);
  if (inputPorts.length) entity.spec.inputPorts = inputPorts;

  const slos = ctx.of('service-level-asset').flatMap(c => {
    const slo = readObjective(ctx, c, resolveDataset(c, 'dataset'));
    return slo ? [{ component: c, slo }] : [];
  });
  attachIndicators(ctx, slos);
  if (slos.length) entity.spec.slos = slos.map(s => s.slo);

  const agreements = ctx.of('data-sharing-agreement');
  if (agreements.length) {
    for (const extra of agreements.slice(1)) {
      ctx.report(
        [...extra.path, 'name'],
        `a spec has one data-sharing-agreement, but '${extra.name}' is a second one`,
      );
    }
    entity.spec.dataSharingAgreement = readAgreement(ctx, agreements[0]);
  }
  return entity;
}

function readProductType(
  ctx: OamContext,
  c: Component,
): DataProductType | undefined {
  const raw = ctx.text(c, 'data_product_type');
  if (raw === undefined) {
    // an empty property is reported where it is, a missing one at its component
    ctx.report(
      ctx.propPath(c, 'data_product_type') ?? c.path,
      `data product '${c.name}' needs a data_product_type: ${TYPE_CHOICES}`,
    );
    return undefined;
  }
  const mapped = parseDataProductType(raw);
  if (!mapped) {
    ctx.report(
      ctx.propPath(c, 'data_product_type')!,
      `'${raw}' is not a data product type; use one of ${TYPE_CHOICES}`,
    );
    return undefined;
  }
  return mapped;
}

function readOwner(ctx: OamContext, c: Component): string | undefined {
  const { value } = ctx.firstText(c, 'data_product_owner', 'owner');
  if (value === undefined) {
    ctx.report(
      ctx.propPath(c, 'data_product_owner') ??
        ctx.propPath(c, 'owner') ??
        c.path,
      `data product '${c.name}' needs a data_product_owner: the team that owns it, e.g. patient-administration or group:default/patient-administration`,
    );
    return undefined;
  }
  if (value.includes(':')) return value;
  return value.includes('/') ? `group:${value}` : `group:default/${value}`;
}

function readTags(ctx: OamContext, c: Component): string[] | undefined {
  const p = c.props.get('tags');
  if (!p || p.value === null || p.value === undefined) return undefined;
  const raw = typeof p.value === 'string' ? p.value.split(',') : p.value;
  if (!Array.isArray(raw) || raw.some(t => typeof t !== 'string')) {
    ctx.report(p.path, 'tags must be a list of words');
    return undefined;
  }
  return raw.map(t => (t as string).trim().toLowerCase()).filter(Boolean);
}

function readAgreement(ctx: OamContext, c: Component): DataSharingAgreement {
  const dsa: DataSharingAgreement = {};
  const fields: Record<string, DocumentPath | undefined> = {};
  const instructions = ctx.firstText(c, 'instructions', 'description');
  if (instructions.value) {
    dsa.instructions = instructions.value;
    fields.instructions = instructions.path;
  }
  for (const key of [
    'purpose',
    'usage',
    'limitations',
    'approval',
    'termination',
  ] as const) {
    const value = ctx.text(c, key);
    if (value) {
      dsa[key] = value;
      fields[key] = ctx.propPath(c, key);
    }
  }
  setSpecOrigin(dsa, c.path, fields);
  return dsa;
}
