/*
 * The components of an OAM data product spec: their types, the properties
 * each understands, and the list read into typed components with every
 * property located (plain or wrapped as `{ value: ... }`).
 */
import type { DocumentPath, SourceDocument } from '../../issues';

/** The component types of the OAM data product spec. @public */
export const OAM_COMPONENT_TYPES = [
  'domain',
  'data-product',
  'data-set',
  'output-port',
  'input-port',
  'service-level-asset',
  'service-level-indicator',
  'data-sharing-agreement',
] as const;
/** @public */
export type OamComponentType = (typeof OAM_COMPONENT_TYPES)[number];

/**
 * Lifecycle of a product whose spec does not say: `experimental`, so that
 * nothing is presented to consumers as production-ready unless its owner
 * wrote so.
 * @public
 */
export const OAM_DEFAULT_LIFECYCLE = 'experimental';

// Properties each component understands. `table_domain` and
// `dimension_domain` appear in the seed article's example; they are
// accepted and carry no meaning in the model.
export const KNOWN_PROPERTIES: Record<OamComponentType, string[]> = {
  domain: ['description'],
  'data-product': [
    'definition',
    'description',
    'data_product_owner',
    'owner',
    'data_product_type',
    'certified',
    'lifecycle',
    'stage',
    'tags',
    'version',
  ],
  'data-set': [
    'description',
    'table_name',
    'table_domain',
    'columns',
    'schema',
    'quality',
  ],
  'output-port': [
    'description',
    'url',
    'type',
    'port_type',
    'dataset',
    'instructions',
    'access',
  ],
  'input-port': [
    'description',
    'type',
    'port_type',
    'source',
    'associated_output_port',
    'associated_data_product',
    'personal_data_in_clear',
  ],
  'service-level-asset': [
    'description',
    'dimension',
    'dimension_domain',
    'target',
    'window',
    'slice',
    'max_age',
    'refresh_interval',
    'tolerance',
    'dataset',
  ],
  'service-level-indicator': [
    'description',
    'service_level_name',
    'target',
    'window',
    'slice',
  ],
  'data-sharing-agreement': [
    'description',
    'instructions',
    'purpose',
    'usage',
    'limitations',
    'approval',
    'termination',
  ],
};

/** The product types as the OAM articles spell them, for messages. */
export const TYPE_CHOICES =
  'Source Aligned (or Source Oriented), Aggregate (or Aggregated), Consumer Aligned (or Consumer Oriented)';

export interface Property {
  value: unknown;
  /** Path of the property key: where scalar problems are reported. */
  path: DocumentPath;
  /** Path of the value itself (ends in `value` when wrapped). */
  valuePath: DocumentPath;
}

export interface Component {
  index: number;
  path: DocumentPath;
  name: string;
  type: OamComponentType;
  props: Map<string, Property>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where the components are: `components`, `spec.components`, or the document itself. */
export function findComponents(
  source: SourceDocument,
): { list: unknown; path: DocumentPath } | undefined {
  const doc = source.value;
  if (Array.isArray(doc)) return { list: doc, path: [] };
  if (!isRecord(doc)) {
    source.report(
      [],
      'an OAM data product spec must be a mapping with a list of components',
    );
    return undefined;
  }
  const spec = isRecord(doc.spec) ? doc.spec : undefined;
  if (doc.components !== undefined && spec?.components !== undefined) {
    source.report(
      ['spec', 'components'],
      'components are given twice, under components and spec.components; keep one list',
    );
    return undefined;
  }
  if (doc.components !== undefined)
    return { list: doc.components, path: ['components'] };
  if (spec?.components !== undefined)
    return { list: spec.components, path: ['spec', 'components'] };
  source.report(
    [],
    'no components: list the components (domain, data-product, data-set, ...) under components:',
  );
  return undefined;
}

export function parseComponents(
  source: SourceDocument,
  list: unknown[],
  base: DocumentPath,
): Component[] {
  const out: Component[] = [];
  list.forEach((raw, index) => {
    const path = [...base, index];
    if (!isRecord(raw)) {
      source.report(
        path,
        'a component must be a mapping with name, type and properties',
      );
      return;
    }
    const name = typeof raw.name === 'number' ? String(raw.name) : raw.name;
    if (typeof name !== 'string' || name.trim() === '') {
      source.report(
        raw.name === undefined ? path : [...path, 'name'],
        'a component needs a name',
      );
      return;
    }
    if (raw.type === undefined) {
      source.report(
        path,
        `component '${name}' needs a type: one of ${OAM_COMPONENT_TYPES.join(
          ', ',
        )}`,
      );
      return;
    }
    const type = String(raw.type).trim().toLowerCase();
    if (!(OAM_COMPONENT_TYPES as readonly string[]).includes(type)) {
      source.report(
        [...path, 'type'],
        `unknown component type '${String(
          raw.type,
        )}'; use one of ${OAM_COMPONENT_TYPES.join(', ')}`,
      );
      return;
    }
    for (const key of Object.keys(raw)) {
      if (!['name', 'type', 'properties'].includes(key)) {
        source.report(
          [...path, key],
          `unknown field '${key}' in a component; a component has name, type and properties`,
          'warning',
        );
      }
    }
    const props = new Map<string, Property>();
    if (raw.properties !== undefined && raw.properties !== null) {
      if (!isRecord(raw.properties)) {
        source.report(
          [...path, 'properties'],
          'properties must be a mapping of property names to values',
        );
        return;
      }
      const known = KNOWN_PROPERTIES[type as OamComponentType];
      for (const [key, value] of Object.entries(raw.properties)) {
        const keyPath = [...path, 'properties', key];
        if (!known.includes(key)) {
          source.report(
            keyPath,
            `unknown property '${key}' for a ${type} component; known properties are ${known.join(
              ', ',
            )}`,
            'warning',
          );
          continue;
        }
        // `{ value: ... }` is the seed's way of writing a property
        const wrapped = isRecord(value) && 'value' in value;
        props.set(key, {
          value: wrapped ? value.value : value,
          path: keyPath,
          valuePath: wrapped ? [...keyPath, 'value'] : keyPath,
        });
      }
    }
    out.push({
      index,
      path,
      name: name.trim(),
      type: type as OamComponentType,
      props,
    });
  });
  return out;
}
