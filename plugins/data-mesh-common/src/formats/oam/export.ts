/*
 * Writer of the OAM data_product_spec.yml (the seed article's format) for
 * a canonical entity; readOam reads it back into the same entity.
 */
import { qualityCheckToOdcs } from '../../quality/checks';
import type { IdentifierKind } from '../../identifiers';
import type {
  DataProductEntityV1alpha1,
  DataProductType,
  ServiceLevelObjective,
} from '../../model';
import { deriveIdentifier } from '../../values';
import { ANNOTATION_SPEC_VERSION } from '../../changes/version';
import { type Obj, clone, compact, refName } from '../writing';

/** The seed article's spelling of the three archetypes. */
const OAM_TYPE: Record<DataProductType, string> = {
  'source-aligned': 'Source Aligned',
  aggregate: 'Aggregate',
  'consumer-aligned': 'Consumer Aligned',
};

/** Percentage as the seed writes it: 0.8 → `80%`. */
function percent(fraction: number): string {
  return `${Math.round(fraction * 1e7) / 1e5}%`;
}

/**
 * Writes the entity as the seed article's OAM `data_product_spec.yml`:
 * `apiVersion: core.oam.dev/v1beta1`, `kind: DataProduct` and a list of
 * typed `components:`, every property wrapped as `{ value: ... }` like the
 * article does. The OAM reader reads it back into the same entity; the
 * format has no place for links, annotations, a namespace other than
 * `default`, infrastructure, or a title that does not derive to the name.
 * @public
 */
export function toOamSpec(entity: DataProductEntityV1alpha1): object {
  const { metadata, spec } = entity;
  const v = (value: unknown) =>
    value === undefined ? undefined : { value: clone(value) };
  // The OAM reader keeps a component name that is an identifier, and
  // otherwise derives one and keeps the name as the title.
  const oamName = (
    name: string,
    title: string | undefined,
    what: IdentifierKind,
  ) =>
    title && deriveIdentifier(title, what).identifier === name ? title : name;

  const components: Obj[] = [];
  components.push({
    name: refName(spec.domain, 'domain').name,
    type: 'domain',
  });
  components.push({
    name: oamName(metadata.name, metadata.title, 'product'),
    type: 'data-product',
    properties: {
      definition: v(metadata.description),
      data_product_owner: v(spec.owner),
      data_product_type: v(OAM_TYPE[spec.type]),
      certified: v(spec.certified ? 'Yes' : 'No'),
      lifecycle: v(spec.lifecycle),
      stage: v(spec.infrastructure?.stage),
      tags: v(metadata.tags),
      version: v(metadata.annotations?.[ANNOTATION_SPEC_VERSION]),
    },
  });
  for (const dataset of spec.datasets ?? []) {
    // A data set named by its title is identified by its table's last part.
    const tableName = dataset.table?.split('.').pop();
    const byTable =
      dataset.title &&
      tableName &&
      deriveIdentifier(tableName, 'dataset').identifier === dataset.name;
    components.push({
      name:
        byTable &&
        deriveIdentifier(dataset.title!, 'dataset').error === undefined
          ? dataset.title
          : oamName(dataset.name, dataset.title, 'dataset'),
      type: 'data-set',
      properties: {
        description: v(dataset.description),
        table_name: v(dataset.table),
        quality: v(dataset.quality?.map(qualityCheckToOdcs)),
        columns: v(
          dataset.columns.map(c =>
            compact({
              name: c.name,
              type: c.type,
              description: c.description,
              classification: c.classification,
              pii: c.pii,
              primaryKey: c.primaryKey,
              required: c.required,
              criticalDataElement: c.criticalDataElement,
              tags: c.tags,
              quality: c.quality?.map(qualityCheckToOdcs),
            }),
          ),
        ),
      },
    });
  }
  for (const port of spec.outputPorts ?? []) {
    components.push({
      name: oamName(port.name, port.title, 'port'),
      type: 'output-port',
      properties: {
        description: v(port.description),
        port_type: v(port.type),
        dataset: v(port.dataset),
        url: v(port.url),
        instructions: v(port.instructions),
        access: v(port.access),
      },
    });
  }
  for (const port of spec.inputPorts ?? []) {
    components.push({
      name: oamName(port.name, port.title, 'port'),
      type: 'input-port',
      properties: {
        description: v(port.description),
        port_type: v(port.type),
        source: v(port.source),
        associated_data_product: v(port.dataProduct),
        associated_output_port: v(port.outputPort),
        personal_data_in_clear: v(port.personalDataInClear ? 'Yes' : undefined),
      },
    });
  }
  const slos = spec.slos ?? [];
  const sloNames = new Map<ServiceLevelObjective, string>();
  for (const slo of slos) {
    const name = oamName(slo.name, slo.title, 'slo');
    sloNames.set(slo, name);
    components.push({
      name,
      type: 'service-level-asset',
      properties: {
        description: v(slo.objective),
        dimension: v(slo.dimension),
        dataset: v(slo.dataset),
        target: v(slo.target === undefined ? undefined : percent(slo.target)),
        window: v(slo.window),
        slice: v(slo.slice),
        max_age: v(slo.maxAge),
        tolerance: v(
          slo.tolerance === undefined ? undefined : percent(slo.tolerance),
        ),
      },
    });
  }
  for (const slo of slos) {
    if (!slo.indicator) continue;
    components.push({
      name: slo.indicator.name,
      type: 'service-level-indicator',
      properties: {
        description: v(slo.indicator.description),
        service_level_name: v(sloNames.get(slo)),
      },
    });
  }
  if (spec.dataSharingAgreement) {
    const dsa = spec.dataSharingAgreement;
    components.push({
      name: `Data sharing agreement of ${metadata.title ?? metadata.name}`,
      type: 'data-sharing-agreement',
      properties: {
        instructions: v(dsa.instructions),
        purpose: v(dsa.purpose),
        usage: v(dsa.usage),
        limitations: v(dsa.limitations),
        approval: v(dsa.approval),
        termination: v(dsa.termination),
      },
    });
  }
  return compact({
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'DataProduct',
    components,
  });
}
