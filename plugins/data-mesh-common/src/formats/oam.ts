/*
 * Reader for the OAM-style `data_product_spec.yml` of the Thoughtworks
 * "streamlined developer experience in data mesh" articles: a list of typed
 * components (domain, data-product, data-set, output-port, input-port,
 * service-level-asset, service-level-indicator, data-sharing-agreement),
 * each with properties written plainly or wrapped as `{ value: ... }`.
 *
 * Authors write display names ("JDBC-Port of DP patients"); the reader
 * derives identifiers from them and keeps the display name as the title.
 * Every problem is reported at the author's own path and line.
 */
import {
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  DataProductEntityV1alpha1,
  DataProductType,
  DataSharingAgreement,
  Dataset,
  DatasetColumn,
  InputPort,
  InputPortType,
  OutputPort,
  SLO_DIMENSIONS,
  ServiceLevelObjective,
  SloDimension,
} from '../model';
import { DocumentPath, SourceDocument } from '../issues';
import {
  IdentifierKind,
  toIdentifier,
  validateIdentifier,
} from '../identifiers';
import { setSpecOrigin } from '../entity';
import {
  BOOLEAN_HINT,
  DURATION_HINT,
  TARGET_HINT,
  TOLERANCE_HINT,
  deriveIdentifier,
  parseBoolean,
  parseDataProductType,
  parseDuration,
  parseTarget,
  parseTolerance,
  showValue,
} from '../values';
import { parseEntityRef } from '@backstage/catalog-model';

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
const KNOWN_PROPERTIES: Record<OamComponentType, string[]> = {
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
  ],
  'data-set': [
    'description',
    'table_name',
    'table_domain',
    'columns',
    'schema',
  ],
  'output-port': [
    'description',
    'url',
    'type',
    'port_type',
    'dataset',
    'instructions',
  ],
  'input-port': [
    'description',
    'type',
    'port_type',
    'source',
    'associated_output_port',
    'associated_data_product',
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

const TYPE_CHOICES =
  'Source Aligned (or Source Oriented), Aggregate (or Aggregated), Consumer Aligned (or Consumer Oriented)';

interface Property {
  value: unknown;
  /** Path of the property key: where scalar problems are reported. */
  path: DocumentPath;
  /** Path of the value itself (ends in `value` when wrapped). */
  valuePath: DocumentPath;
}

interface Component {
  index: number;
  path: DocumentPath;
  name: string;
  type: OamComponentType;
  props: Map<string, Property>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where the components are: `components`, `spec.components`, or the document itself. */
function findComponents(
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

function parseComponents(
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

class OamReader {
  private readonly byType = new Map<OamComponentType, Component[]>();
  // upstream products named by name alone live in the default namespace
  private readonly namespace = 'default';

  constructor(
    private readonly source: SourceDocument,
    components: Component[],
    private readonly listPath: DocumentPath,
  ) {
    for (const c of components) {
      const group = this.byType.get(c.type) ?? [];
      group.push(c);
      this.byType.set(c.type, group);
    }
  }

  private of(type: OamComponentType): Component[] {
    return this.byType.get(type) ?? [];
  }

  private report(
    path: DocumentPath,
    message: string,
    severity?: 'error' | 'warning',
  ) {
    this.source.report(path, message, severity);
  }

  /** Exactly one component of a type. */
  private single(
    type: OamComponentType,
    example: string,
  ): Component | undefined {
    const all = this.of(type);
    if (all.length === 0) {
      this.report(
        this.listPath,
        `no ${type} component; add one, e.g. ${example}`,
      );
      return undefined;
    }
    for (const extra of all.slice(1)) {
      this.report(
        [...extra.path, 'name'],
        `a spec describes one ${type}, but '${extra.name}' is a second one (the first is '${all[0].name}')`,
      );
    }
    return all[0];
  }

  // --- property readers ---------------------------------------------------

  /** Text property; numbers and booleans are taken as written. */
  private text(c: Component, key: string): string | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    if (typeof p.value === 'string')
      return p.value.trim() === '' ? undefined : p.value.trim();
    if (typeof p.value === 'number' || typeof p.value === 'boolean')
      return String(p.value);
    this.report(
      p.path,
      `${key} must be text, not ${
        Array.isArray(p.value) ? 'a list' : 'a mapping'
      }`,
    );
    return undefined;
  }

  private firstText(
    c: Component,
    ...keys: string[]
  ): { value?: string; path?: DocumentPath } {
    for (const key of keys) {
      const value = this.text(c, key);
      if (value !== undefined) return { value, path: c.props.get(key)!.path };
    }
    return {};
  }

  private propPath(c: Component, key: string): DocumentPath | undefined {
    return c.props.get(key)?.path;
  }

  private bool(c: Component, key: string): boolean | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    const b = parseBoolean(p.value);
    if (b !== undefined) return b;
    this.report(
      p.path,
      `${showValue(p.value)} is not a yes/no value; ${BOOLEAN_HINT}`,
    );
    return undefined;
  }

  /** Identifier for a component name: the name itself when it is one, else derived. */
  private identify(
    c: Component,
    what: IdentifierKind,
  ): { name: string; title?: string } {
    const derived = deriveIdentifier(c.name, what);
    if (derived.identifier === c.name) return { name: c.name };
    if (derived.error !== undefined) {
      this.report([...c.path, 'name'], derived.error);
      // keep the name as written so references to it still resolve; the
      // entity will not be accepted because of the error above
      return { name: c.name };
    }
    return { name: derived.identifier, title: c.name };
  }

  private duration(c: Component, key: string): string | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    const parsed = parseDuration(p.value);
    if (parsed === undefined) {
      this.report(
        p.path,
        `${showValue(p.value)} is not a duration; ${DURATION_HINT}`,
      );
    }
    return parsed;
  }

  private fraction(
    c: Component,
    key: string,
    what: 'target' | 'tolerance',
  ): number | undefined {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return undefined;
    const parsed =
      what === 'target' ? parseTarget(p.value) : parseTolerance(p.value);
    if (parsed === undefined) {
      const hint = what === 'target' ? TARGET_HINT : TOLERANCE_HINT;
      this.report(p.path, `${showValue(p.value)} is not a ${what}; ${hint}`);
    }
    return parsed;
  }

  // --- the components -----------------------------------------------------

  read(): DataProductEntityV1alpha1 | undefined {
    const domainComponent = this.single(
      'domain',
      '- name: clinical\n  type: domain',
    );
    const product = this.single(
      'data-product',
      '- name: patients\n  type: data-product',
    );
    if (!product) return undefined;

    const id = this.identify(product, 'product');
    const description = this.firstText(product, 'definition', 'description');
    const entity: DataProductEntityV1alpha1 = {
      apiVersion: DATA_PRODUCT_API_VERSION,
      kind: DATA_PRODUCT_KIND,
      metadata: {
        name: id.name,
        ...(id.title ? { title: id.title } : {}),
        ...(description.value ? { description: description.value } : {}),
      },
      spec: {
        type: this.productType(product) ?? ('' as DataProductType),
        lifecycle:
          this.text(product, 'lifecycle')?.toLowerCase() ??
          OAM_DEFAULT_LIFECYCLE,
        owner: this.owner(product) ?? '',
        domain: domainComponent
          ? `domain:default/${this.identify(domainComponent, 'domain').name}`
          : '',
        certified: this.bool(product, 'certified') ?? false,
      },
    };
    // The stage the product is provisioned in (dev/test/prod): the platform
    // validates it against its configured stages when it plans.
    const stage = this.text(product, 'stage');
    if (stage !== undefined) entity.spec.infrastructure = { stage };
    const tags = this.tags(product);
    if (tags) entity.metadata.tags = tags;
    setSpecOrigin(entity, product.path);
    setSpecOrigin(entity.metadata, product.path, {
      name: [...product.path, 'name'],
      title: [...product.path, 'name'],
      description: description.path,
      tags: this.propPath(product, 'tags'),
    });
    setSpecOrigin(entity.spec, product.path, {
      type: this.propPath(product, 'data_product_type'),
      lifecycle: this.propPath(product, 'lifecycle'),
      owner:
        this.propPath(product, 'data_product_owner') ??
        this.propPath(product, 'owner'),
      certified: this.propPath(product, 'certified'),
      infrastructure: this.propPath(product, 'stage'),
      domain: domainComponent
        ? [...domainComponent.path, 'name']
        : this.listPath,
    });

    const datasets = this.of('data-set').map(c => this.dataset(c));
    if (datasets.length) entity.spec.datasets = datasets.map(d => d.dataset);
    const resolveDataset = (c: Component, key: string): string | undefined => {
      const wanted = this.text(c, key);
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

    const outputPorts = this.of('output-port').map(c =>
      this.outputPort(c, resolveDataset(c, 'dataset')),
    );
    if (outputPorts.length) entity.spec.outputPorts = outputPorts;
    const inputPorts = this.of('input-port').flatMap(
      c => this.inputPort(c) ?? [],
    );
    if (inputPorts.length) entity.spec.inputPorts = inputPorts;

    const slos = this.of('service-level-asset').flatMap(c => {
      const slo = this.objective(c, resolveDataset(c, 'dataset'));
      return slo ? [{ component: c, slo }] : [];
    });
    this.indicators(slos);
    if (slos.length) entity.spec.slos = slos.map(s => s.slo);

    const agreements = this.of('data-sharing-agreement');
    if (agreements.length) {
      for (const extra of agreements.slice(1)) {
        this.report(
          [...extra.path, 'name'],
          `a spec has one data-sharing-agreement, but '${extra.name}' is a second one`,
        );
      }
      entity.spec.dataSharingAgreement = this.agreement(agreements[0]);
    }
    return entity;
  }

  private productType(c: Component): DataProductType | undefined {
    const raw = this.text(c, 'data_product_type');
    if (raw === undefined) {
      // an empty property is reported where it is, a missing one at its component
      this.report(
        this.propPath(c, 'data_product_type') ?? c.path,
        `data product '${c.name}' needs a data_product_type: ${TYPE_CHOICES}`,
      );
      return undefined;
    }
    const mapped = parseDataProductType(raw);
    if (!mapped) {
      this.report(
        this.propPath(c, 'data_product_type')!,
        `'${raw}' is not a data product type; use one of ${TYPE_CHOICES}`,
      );
      return undefined;
    }
    return mapped;
  }

  private owner(c: Component): string | undefined {
    const { value } = this.firstText(c, 'data_product_owner', 'owner');
    if (value === undefined) {
      this.report(
        this.propPath(c, 'data_product_owner') ??
          this.propPath(c, 'owner') ??
          c.path,
        `data product '${c.name}' needs a data_product_owner: the team that owns it, e.g. patient-administration or group:default/patient-administration`,
      );
      return undefined;
    }
    if (value.includes(':')) return value;
    return value.includes('/') ? `group:${value}` : `group:default/${value}`;
  }

  private tags(c: Component): string[] | undefined {
    const p = c.props.get('tags');
    if (!p || p.value === null || p.value === undefined) return undefined;
    const raw = typeof p.value === 'string' ? p.value.split(',') : p.value;
    if (!Array.isArray(raw) || raw.some(t => typeof t !== 'string')) {
      this.report(p.path, 'tags must be a list of words');
      return undefined;
    }
    return raw.map(t => (t as string).trim().toLowerCase()).filter(Boolean);
  }

  private dataset(c: Component): { component: Component; dataset: Dataset } {
    const table = this.text(c, 'table_name');
    let id: { name: string; title?: string };
    if (validateIdentifier(c.name, 'dataset') === undefined) {
      id = { name: c.name };
    } else if (table) {
      // the seed names data sets "Dataset of DP <product>"; the table is
      // the better identifier when there is one
      const last = table.split('.').pop()!;
      const derived = toIdentifier(last, 'dataset');
      if (derived.error !== undefined) {
        this.report(this.propPath(c, 'table_name')!, derived.error);
        id = { name: c.name };
      } else {
        id = { name: derived.identifier, title: c.name };
      }
    } else {
      id = this.identify(c, 'dataset');
    }
    const description = this.text(c, 'description');
    const columnsKey = c.props.has('columns') ? 'columns' : 'schema';
    if (c.props.has('columns') && c.props.has('schema')) {
      this.report(
        c.props.get('schema')!.path,
        'columns are given twice, as columns and schema; keep one',
      );
    }
    const dataset: Dataset = {
      name: id.name,
      ...(id.title ? { title: id.title } : {}),
      ...(description ? { description } : {}),
      ...(table ? { table } : {}),
      columns: this.columns(c, columnsKey),
    };
    setSpecOrigin(dataset, c.path, {
      name: [...c.path, 'name'],
      title: [...c.path, 'name'],
      description: this.propPath(c, 'description'),
      table: this.propPath(c, 'table_name'),
      columns: this.propPath(c, columnsKey),
    });
    return { component: c, dataset };
  }

  private columns(c: Component, key: string): DatasetColumn[] {
    const p = c.props.get(key);
    if (!p || p.value === null || p.value === undefined) return [];
    if (!Array.isArray(p.value)) {
      this.report(
        p.path,
        `${key} must be a list of columns, each with name and type`,
      );
      return [];
    }
    const out: DatasetColumn[] = [];
    p.value.forEach((raw, j) => {
      const path = [...p.valuePath, j];
      if (!isRecord(raw)) {
        this.report(path, 'a column must be a mapping with name and type');
        return;
      }
      if (typeof raw.name !== 'string' || !raw.name) {
        this.report(path, 'a column needs a name');
        return;
      }
      if (raw.type === undefined || raw.type === null || raw.type === '') {
        this.report(
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
        if (
          ['public', 'internal', 'confidential', 'restricted'].includes(cls)
        ) {
          column.classification = cls as DatasetColumn['classification'];
        } else {
          this.report(
            [...path, 'classification'],
            `'${String(
              raw.classification,
            )}' is not a classification; use one of public, internal, confidential, restricted${
              cls === 'pii' ? ' (mark personal data with pii: yes)' : ''
            }`,
          );
        }
      }
      const flag = (field: string, into: 'pii' | 'primaryKey' | 'required') => {
        const v = raw[field];
        if (v === undefined || v === null) return;
        const b = parseBoolean(v);
        if (b === undefined)
          this.report(
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
      if (Array.isArray(raw.tags)) column.tags = raw.tags.map(String);
      setSpecOrigin(column, path, {
        name: [...path, 'name'],
        type: [...path, 'type'],
        classification: [...path, 'classification'],
      });
      out.push(column);
    });
    return out;
  }

  private outputPort(c: Component, dataset: string | undefined): OutputPort {
    const id = this.identify(c, 'port');
    const url = this.text(c, 'url');
    const typeProp = this.firstText(c, 'port_type', 'type');
    let type = typeProp.value?.toLowerCase();
    if (!type) {
      if (url?.toLowerCase().startsWith('jdbc:')) type = 'jdbc';
      else
        this.report(
          c.path,
          `output port '${c.name}' needs a port_type (e.g. jdbc, sql, api, file) or a jdbc: url`,
        );
    }
    const description = this.text(c, 'description');
    const instructions = this.text(c, 'instructions');
    const port: OutputPort = {
      name: id.name,
      ...(id.title ? { title: id.title } : {}),
      ...(description ? { description } : {}),
      type: type ?? '',
      ...(dataset ? { dataset } : {}),
      ...(url ? { url } : {}),
      ...(instructions ? { instructions } : {}),
    };
    setSpecOrigin(port, c.path, {
      name: [...c.path, 'name'],
      title: [...c.path, 'name'],
      type: typeProp.path ?? (type ? this.propPath(c, 'url') : c.path),
      dataset: this.propPath(c, 'dataset'),
      url: this.propPath(c, 'url'),
    });
    return port;
  }

  private inputPort(c: Component): InputPort | undefined {
    const id = this.identify(c, 'port');
    const description = this.text(c, 'description');
    const associated = this.text(c, 'associated_output_port');
    const typeProp = this.firstText(c, 'port_type', 'type');
    let type: InputPortType;
    if (typeProp.value !== undefined) {
      const t = typeProp.value.toLowerCase().replace(/[\s_]+/g, '-');
      if (!['dataset', 'api', 'data-product'].includes(t)) {
        this.report(
          typeProp.path!,
          `'${typeProp.value}' is not an input port type; use one of dataset, api, data-product`,
        );
        return undefined;
      }
      type = t as InputPortType;
    } else {
      type = associated !== undefined ? 'data-product' : 'dataset';
    }
    const port: InputPort = {
      name: id.name,
      ...(id.title ? { title: id.title } : {}),
      ...(description ? { description } : {}),
      type,
    };
    const fields: Record<string, DocumentPath | undefined> = {
      name: [...c.path, 'name'],
      title: [...c.path, 'name'],
      type: typeProp.path,
    };
    if (type === 'data-product') {
      if (associated === undefined) {
        this.report(
          c.path,
          `input port '${c.name}' consumes a data product, so it needs associated_output_port: the name of that product's output port`,
        );
      } else {
        const upstream = this.upstream(c, associated);
        if (upstream) {
          port.dataProduct = upstream.dataProduct;
          port.outputPort = upstream.outputPort;
        }
      }
      fields.dataProduct =
        this.propPath(c, 'associated_data_product') ??
        this.propPath(c, 'associated_output_port');
      fields.outputPort = this.propPath(c, 'associated_output_port');
    } else {
      const sourceText = this.text(c, 'source');
      if (sourceText) port.source = sourceText;
      if (associated !== undefined) {
        this.report(
          this.propPath(c, 'associated_output_port')!,
          `an input port of type ${type} does not consume an output port; remove associated_output_port or make the port type data-product`,
        );
      }
    }
    setSpecOrigin(port, c.path, fields);
    return port;
  }

  /**
   * Which product owns the output port an input port consumes: an explicit
   * `associated_data_product`, else a qualified `<product>/<port>`, else the
   * seed's naming convention "<...> of DP <product>".
   */
  private upstream(
    c: Component,
    associated: string,
  ): { dataProduct: string; outputPort: string } | undefined {
    const portPath = this.propPath(c, 'associated_output_port')!;
    const explicit = this.text(c, 'associated_data_product');
    let productName: string | undefined;
    let productPath: DocumentPath = portPath;
    let portName = associated;
    if (explicit !== undefined) {
      productPath = this.propPath(c, 'associated_data_product')!;
      if (explicit.includes(':')) {
        try {
          const ref = parseEntityRef(explicit, {
            defaultKind: 'dataproduct',
            defaultNamespace: this.namespace,
          });
          return this.upstreamPort(
            c,
            `${ref.kind.toLowerCase()}:${ref.namespace}/${ref.name}`,
            portName,
            portPath,
          );
        } catch {
          this.report(
            productPath,
            `'${explicit}' is not an entity reference; write the product's name or dataproduct:default/<name>`,
          );
          return undefined;
        }
      }
      productName = explicit;
    } else {
      const qualified = /^([^/]+)\/([^/]+)$/.exec(associated);
      const convention = /\bof\s+DP\s+(.+)$/i.exec(associated);
      if (qualified) {
        productName = qualified[1];
        portName = qualified[2];
      } else if (convention) {
        productName = convention[1];
      }
    }
    if (productName === undefined) {
      this.report(
        portPath,
        `cannot tell which data product owns output port '${associated}'; add associated_data_product: <product name>, or write the port as <product>/<port>`,
      );
      return undefined;
    }
    const product = deriveIdentifier(productName, 'product');
    if (product.error !== undefined) {
      this.report(productPath, product.error);
      return undefined;
    }
    return this.upstreamPort(
      c,
      `dataproduct:${this.namespace}/${product.identifier}`,
      portName,
      portPath,
    );
  }

  private upstreamPort(
    _c: Component,
    dataProduct: string,
    portName: string,
    portPath: DocumentPath,
  ) {
    const port = deriveIdentifier(portName, 'port');
    if (port.error !== undefined) {
      this.report(portPath, port.error);
      return undefined;
    }
    return { dataProduct, outputPort: port.identifier };
  }

  private objective(
    c: Component,
    dataset: string | undefined,
  ): ServiceLevelObjective | undefined {
    const id = this.identify(c, 'slo');
    const dimProp = c.props.get('dimension');
    const rawDim = this.text(c, 'dimension');
    let dimension: SloDimension | undefined;
    if (rawDim === undefined) {
      this.report(
        c.path,
        `service-level-asset '${
          c.name
        }' needs a dimension: one of ${SLO_DIMENSIONS.join(', ')}`,
      );
    } else {
      dimension = SLO_DIMENSIONS.find(d => d === rawDim.toLowerCase());
      if (!dimension) {
        this.report(
          dimProp!.path,
          `'${rawDim}' is not one of ${SLO_DIMENSIONS.join(', ')}`,
        );
      }
    }
    if (!dimension) return undefined;
    const slo: ServiceLevelObjective = {
      name: id.name,
      ...(id.title ? { title: id.title } : {}),
      dimension,
      objective: this.text(c, 'description') ?? c.name,
    };
    if (dataset) slo.dataset = dataset;
    const target = this.fraction(c, 'target', 'target');
    if (target !== undefined) slo.target = target;
    const window = this.duration(c, 'window');
    if (window) slo.window = window;
    const slice = this.duration(c, 'slice');
    if (slice) slo.slice = slice;
    const maxAgeKey = c.props.has('max_age') ? 'max_age' : 'refresh_interval';
    const maxAge = this.duration(c, maxAgeKey);
    if (maxAge) slo.maxAge = maxAge;
    const tolerance = this.fraction(c, 'tolerance', 'tolerance');
    if (tolerance !== undefined) slo.tolerance = tolerance;
    setSpecOrigin(slo, c.path, {
      name: [...c.path, 'name'],
      title: [...c.path, 'name'],
      dimension: dimProp?.path,
      objective: this.propPath(c, 'description'),
      dataset: this.propPath(c, 'dataset'),
      target: this.propPath(c, 'target'),
      window: this.propPath(c, 'window'),
      slice: this.propPath(c, 'slice'),
      maxAge: this.propPath(c, maxAgeKey),
      tolerance: this.propPath(c, 'tolerance'),
    });
    return slo;
  }

  /** Attach each service-level-indicator to the objective it names. */
  private indicators(
    slos: { component: Component; slo: ServiceLevelObjective }[],
  ) {
    const assets = this.of('service-level-asset');
    const claimedBy = new Map<Component, Component>();
    for (const c of this.of('service-level-indicator')) {
      const p = c.props.get('service_level_name');
      const wanted = this.text(c, 'service_level_name');
      if (wanted === undefined) {
        this.report(
          c.path,
          `service-level-indicator '${c.name}' must name the objective it measures in service_level_name`,
        );
        continue;
      }
      const asset = assets.find(
        a =>
          a.name === wanted ||
          a.name.toLowerCase() === wanted.toLowerCase() ||
          toIdentifier(a.name).identifier === toIdentifier(wanted).identifier,
      );
      if (!asset) {
        const names = assets.map(a => `'${a.name}'`).join(', ');
        this.report(
          p!.path,
          `no service-level-asset named '${wanted}'${
            names ? `; the service-level-assets are ${names}` : ''
          }`,
        );
        continue;
      }
      const other = claimedBy.get(asset);
      if (other) {
        this.report(
          p!.path,
          `objective '${asset.name}' already has an indicator ('${other.name}'); an objective is measured by one indicator`,
        );
        continue;
      }
      claimedBy.set(asset, c);
      const entry = slos.find(s => s.component === asset);
      // the objective itself failed to read; its own error says why
      if (!entry) continue;
      const description = this.text(c, 'description');
      entry.slo.indicator = {
        name: c.name,
        ...(description
          ? { description: description.replace(/\s+/g, ' ') }
          : {}),
      };
      setSpecOrigin(entry.slo.indicator, c.path, {
        name: [...c.path, 'name'],
        description: this.propPath(c, 'description'),
      });
      // an indicator may state the measurement window and target the seed
      // puts in its prose ("over 20-day rolling period", "above 80")
      for (const [key, field] of [
        ['window', 'window'],
        ['slice', 'slice'],
      ] as const) {
        const value = this.duration(c, key);
        if (value === undefined) continue;
        if (entry.slo[field] !== undefined && entry.slo[field] !== value) {
          this.report(
            this.propPath(c, key)!,
            `objective '${asset.name}' already sets ${key} ${entry.slo[field]}; set it in one place`,
          );
        } else {
          entry.slo[field] = value;
        }
      }
      const target = this.fraction(c, 'target', 'target');
      if (target !== undefined) {
        if (entry.slo.target !== undefined && entry.slo.target !== target) {
          this.report(
            this.propPath(c, 'target')!,
            `objective '${asset.name}' already sets target ${entry.slo.target}; set it in one place`,
          );
        } else {
          entry.slo.target = target;
        }
      }
    }
  }

  private agreement(c: Component): DataSharingAgreement {
    const dsa: DataSharingAgreement = {};
    const fields: Record<string, DocumentPath | undefined> = {};
    const instructions = this.firstText(c, 'instructions', 'description');
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
      const value = this.text(c, key);
      if (value) {
        dsa[key] = value;
        fields[key] = this.propPath(c, key);
      }
    }
    setSpecOrigin(dsa, c.path, fields);
    return dsa;
  }
}

/**
 * Read an OAM-style data product spec into the canonical model. Problems are
 * recorded on `source`; the entity is returned whenever a data-product
 * component exists, so that later checks can add what they find.
 * @public
 */
export function readOam(
  source: SourceDocument,
): DataProductEntityV1alpha1 | undefined {
  if (!source.parsed) return undefined;
  const doc = source.value;
  if (
    isRecord(doc) &&
    doc.kind !== undefined &&
    !['DataProduct', 'Application'].includes(String(doc.kind))
  ) {
    source.report(
      ['kind'],
      `kind '${String(
        doc.kind,
      )}' is not a data product spec; write kind: DataProduct`,
    );
    return undefined;
  }
  const found = findComponents(source);
  if (!found) return undefined;
  if (!Array.isArray(found.list)) {
    source.report(
      found.path,
      'components must be a list; start each component with "- name:"',
    );
    return undefined;
  }
  const components = parseComponents(source, found.list, found.path);
  return new OamReader(source, components, found.path).read();
}

/**
 * The seed article writes the components as a top-level list right after
 * `apiVersion` and `kind`, which is not valid YAML. When the text has that
 * shape, return it with `components:` written on the blank or comment line
 * just above the list, so that every line keeps its number; otherwise
 * undefined.
 * @public
 */
export function repairOamText(text: string): string | undefined {
  const lines = text.split('\n');
  const first = lines.findIndex(l => /^-(\s|$)/.test(l));
  if (first <= 0) return undefined;
  const header = lines.slice(0, first);
  if (!header.some(l => /^(apiVersion|kind)\s*:/.test(l))) return undefined;
  if (header.some(l => /^(components|spec)\s*:/.test(l))) return undefined;
  let k = first - 1;
  while (k >= 0 && /^\s*(#.*)?\r?$/.test(lines[k])) k--;
  const slot = k + 1;
  if (slot >= first) return undefined;
  const comment = lines[slot].trim();
  lines[slot] = `components:${comment ? ` ${comment}` : ''}`;
  return lines.join('\n');
}
