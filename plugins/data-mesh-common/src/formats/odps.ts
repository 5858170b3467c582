/*
 * Reader for Bitol ODPS product files (v0.9.0, v1.0.0, v1.1.0), with ODCS v3
 * contracts supplying the dataset schemas.
 *
 * ODPS describes ports, contracts and a team; it has no fields for several
 * things the canonical model carries (product type before 1.1, certification,
 * SLOs, upstream products of input ports, connection URLs). Those are read
 * from `customProperties`, the standard's own extension point, under the
 * names listed in ODPS_CUSTOM_PROPERTIES. The exporter (export.ts) writes the
 * same names, so ODPS → entity → ODPS → entity is lossless.
 *
 * Every problem is recorded on the document it is in (the product file or a
 * contract), located by path and line; nothing throws.
 */
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { DocumentPath, SourceDocument } from '../issues';
import { setSpecOrigin } from '../entity';
import {
  toSqlName,
  validateIdentifier,
  type IdentifierKind,
} from '../identifiers';
import {
  DATA_CLASSIFICATIONS,
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  INPUT_PORT_TYPES,
  SLO_DIMENSIONS,
  type DataClassification,
  type DataProductEntityV1alpha1,
  type DataProductInfrastructure,
  type DataProductType,
  type DataSharingAgreement,
  type Dataset,
  type DatasetColumn,
  type InputPort,
  type InputPortType,
  type OutputPort,
  type ServiceLevelObjective,
  type SloDimension,
} from '../model';
import { reportStandardViolations, type StandardSchemaName } from './standards';
import {
  BOOLEAN_HINT,
  DURATION_HINT,
  TARGET_HINT,
  TOLERANCE_HINT,
  deriveIdentifier,
  parseBoolean,
  parseDataProductType,
  parseDuration,
  parseDurationAmount,
  parseFractionAmount,
  parseTarget,
  parseTolerance,
  showValue as show,
} from '../values';

/** ODPS versions this reader accepts (v0.9.0 is the official example's). @public */
export const ODPS_API_VERSIONS = ['v1.1.0', 'v1.0.0', 'v0.9.0'] as const;
/** ODCS versions accepted for contracts (v2 has a different structure). @public */
export const ODCS_API_VERSIONS = [
  'v3.1.0',
  'v3.0.2',
  'v3.0.1',
  'v3.0.0',
] as const;

/** Annotation keeping the ODPS product `id`, so an export reuses it. @public */
export const ANNOTATION_ODPS_ID = 'datamesh.dev/odps-id';

/**
 * The `customProperties` this package reads and writes, by where they sit.
 * Property names are matched ignoring case, `-` and `_` (`data_product_type`
 * is `dataProductType`).
 * @public
 */
export const ODPS_CUSTOM_PROPERTIES = {
  product: [
    'identifier', // catalog/warehouse name when it is not derivable from `name`
    'namespace', // catalog namespace, default `default`
    'owner', // entity ref of the owner; wins over `team`
    'dataProductType', // source-aligned | aggregate | consumer-aligned (also `type`; ODPS 1.1 has a top-level `type`)
    'certified', // boolean
    'slos', // list of ServiceLevelObjective objects; wins over contracts' slaProperties
    'dataSharingAgreement', // { purpose, approval, termination, instructions } beyond description.usage/limitations
    'infrastructure', // DataProductInfrastructure object
  ],
  outputPort: ['identifier', 'dataset', 'url', 'instructions'],
  inputPort: [
    'identifier',
    'type', // dataset | api | data-product
    'dataProduct', // upstream product ref: `dataproduct:default/x` or `x`
    'outputPort', // upstream output port name
    'source', // free text for dataset/api inputs; defaults to contractId
    'description',
  ],
  column: ['pii'],
} as const;

/** @public */
export interface ReadOdpsOptions {
  /** ODCS v3 contracts; those referenced by output ports (or by no port) supply datasets. */
  contracts?: SourceDocument[];
}

type Obj = Record<string, unknown>;

const entityNames = makeValidator();

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function normKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

interface Located {
  value: unknown;
  path: DocumentPath;
}

/** `customProperties` of one element as a lookup by normalised name. */
class CustomProperties {
  private readonly byKey = new Map<string, Located>();

  constructor(owner: unknown, ownerPath: DocumentPath) {
    if (!isObj(owner)) return;
    list(owner.customProperties).forEach((cp, i) => {
      if (!isObj(cp) || typeof cp.property !== 'string') return;
      const key = normKey(cp.property);
      // First one wins, as a reader of the file would assume.
      if (!this.byKey.has(key)) {
        this.byKey.set(key, {
          value: cp.value,
          path: [...ownerPath, 'customProperties', i, 'value'],
        });
      }
    });
  }

  get(name: string): Located | undefined {
    return this.byKey.get(normKey(name));
  }
}

const LIFECYCLE_BY_STATUS: Record<string, string> = {
  proposed: 'experimental',
  draft: 'experimental',
  development: 'experimental',
  experimental: 'experimental',
  active: 'production',
  production: 'production',
  deprecated: 'deprecated',
  retired: 'retired',
};

// Physical table names may be qualified (`db.schema.table`) and, unlike our
// own identifiers, may be upper case (Snowflake folds to upper case).
const PHYSICAL_PART = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

function compareVersions(a: string | undefined, b: string | undefined): number {
  const pa = (a ?? '').split(/[.\-+]/).map(p => Number.parseInt(p, 10));
  const pb = (b ?? '').split(/[.\-+]/).map(p => Number.parseInt(p, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isNaN(pa[i] ?? NaN) ? -1 : pa[i];
    const y = Number.isNaN(pb[i] ?? NaN) ? -1 : pb[i];
    if (x !== y) return x - y;
  }
  return 0;
}

interface ContractInfo {
  doc: SourceDocument;
  id: string;
  value: Obj;
  /** Datasets this contract contributes, with the names an SLA `element` may use for them. */
  datasets: { dataset: Dataset; names: string[] }[];
}

// Output port types and column types as the kind's JSON schema allows them.
const PORT_TYPE = /^[a-z][a-z0-9_-]{0,31}$/;
const COLUMN_TYPE = /^[A-Za-z][A-Za-z0-9_ ,:()<>[\]]{0,99}$/;

const AGREEMENT_FIELDS: (keyof DataSharingAgreement)[] = [
  'purpose',
  'usage',
  'limitations',
  'approval',
  'termination',
  'instructions',
];

// As the kind's JSON schema allows for infrastructure names.
const INFRA_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,254}$/;

class OdpsReader {
  private readonly contractsById = new Map<string, ContractInfo>();
  private readonly datasets: Dataset[] = [];
  /** SQL spelling → dataset name, so `a-b` and `a_b` count as one table. */
  private readonly datasetSqlNames = new Map<string, string>();
  private readonly datasetsByContract = new Map<string, string[]>();
  /** Input and output ports share one namespace (grants and monitors are named after ports). */
  private readonly portSqlNames = new Map<string, string>();

  constructor(
    private readonly source: SourceDocument,
    private readonly contracts: SourceDocument[],
  ) {}

  /** Any error in the product or a contract (a contract that does not even parse included). */
  private hasErrors(): boolean {
    return [this.source, ...this.contracts].some(d =>
      d.issues.some(i => i.severity === 'error'),
    );
  }

  read(): DataProductEntityV1alpha1 | undefined {
    const { source } = this;
    if (!source.parsed) return undefined;
    const doc = source.value;
    if (!isObj(doc)) {
      source.report([], 'an ODPS product must be a mapping of fields');
      return undefined;
    }
    if (doc.kind !== 'DataProduct') {
      source.report(
        ['kind'],
        `expected kind 'DataProduct' for an ODPS product, found ${show(
          doc.kind,
        )}`,
      );
      return undefined;
    }
    const apiVersion = doc.apiVersion;
    if (
      typeof apiVersion !== 'string' ||
      !(ODPS_API_VERSIONS as readonly string[]).includes(apiVersion)
    ) {
      source.report(
        ['apiVersion'],
        `unsupported ODPS apiVersion ${show(
          apiVersion,
        )}; supported versions are ${ODPS_API_VERSIONS.join(', ')}`,
      );
      return undefined;
    }
    // v0.9.0 documents are what the v1.0.0 schema was written to accept.
    const schema: StandardSchemaName =
      apiVersion === 'v1.1.0' ? 'ODPS v1.1.0' : 'ODPS v1.0.0';
    reportStandardViolations(source, schema, doc);

    const contractIds = (ports: unknown) =>
      new Set(
        list(ports)
          .map(p => (isObj(p) ? str(p.contractId) : undefined))
          .filter((x): x is string => !!x),
      );
    this.loadContracts(
      contractIds(doc.inputPorts),
      contractIds(doc.outputPorts),
    );

    const props = new CustomProperties(doc, []);
    const metadata = this.readMetadata(doc, props);
    const outputPorts = this.readOutputPorts(doc);
    const inputPorts = this.readInputPorts(doc, metadata);
    const slos = this.readSlos(props);

    const typeAt = props.get('dataProductType') ?? props.get('type');
    const spec: DataProductEntityV1alpha1['spec'] = {
      type: this.readType(doc, props),
      lifecycle: this.readLifecycle(doc),
      owner: this.readOwner(doc, props) ?? '',
      domain: this.readDomain(doc) ?? '',
      certified: this.readCertified(props),
    };
    if (this.datasets.length) spec.datasets = this.datasets;
    if (inputPorts.length) spec.inputPorts = inputPorts;
    if (outputPorts.length) spec.outputPorts = outputPorts;
    if (slos.length) spec.slos = slos;
    const dsa = this.readAgreement(doc, props);
    if (dsa) spec.dataSharingAgreement = dsa;
    const infrastructure = this.readInfrastructure(props);
    if (infrastructure) spec.infrastructure = infrastructure;
    setSpecOrigin(spec, [], {
      type: typeAt?.path ?? (doc.type !== undefined ? ['type'] : undefined),
      lifecycle: ['status'],
      owner: props.get('owner')?.path ?? ['team'],
      domain: ['domain'],
      certified: props.get('certified')?.path,
      inputPorts: ['inputPorts'],
      outputPorts: ['outputPorts'],
      slos: props.get('slos')?.path,
      dataSharingAgreement: ['description'],
      infrastructure: props.get('infrastructure')?.path,
    });

    if (!metadata || this.hasErrors()) return undefined;
    const entity: DataProductEntityV1alpha1 = {
      apiVersion: DATA_PRODUCT_API_VERSION,
      kind: DATA_PRODUCT_KIND,
      metadata,
      spec,
    };
    setSpecOrigin(entity, []);
    return entity;
  }

  // ---------------------------------------------------------------- names

  /**
   * The identifier for a named element: an explicit `identifier` custom
   * property (checked as written), or one derived from the display name
   * (hostile characters are rejected by toIdentifier, not stripped).
   */
  private identifier(
    doc: SourceDocument,
    display: string,
    displayPath: DocumentPath,
    what: IdentifierKind,
    explicit?: Located,
  ): { name: string; title?: string } | undefined {
    if (explicit) {
      const name = explicit.value;
      const problem =
        typeof name === 'string'
          ? validateIdentifier(name, what)
          : `identifier must be text, not ${show(name)}`;
      if (problem || typeof name !== 'string') {
        doc.report(explicit.path, problem ?? 'identifier must be text');
        return undefined;
      }
      return { name, title: display !== name ? display : undefined };
    }
    const result = deriveIdentifier(display, what);
    if (result.error !== undefined) {
      doc.report(displayPath, result.error);
      return undefined;
    }
    const name = result.identifier;
    return { name, title: display !== name ? display : undefined };
  }

  /** Registers a port name; false (and an error) when it clashes with another port. */
  private claimPortName(name: string, path: DocumentPath): boolean {
    const key = toSqlName(name);
    const first = this.portSqlNames.get(key);
    if (first !== undefined) {
      this.source.report(
        path,
        first === name
          ? `port name '${name}' is used twice (input and output ports share one set of names)`
          : `port name '${name}' and '${first}' are the same name in SQL (${key})`,
      );
      return false;
    }
    this.portSqlNames.set(key, name);
    return true;
  }

  // ------------------------------------------------------------ contracts

  private loadContracts(inputIds: Set<string>, outputIds: Set<string>) {
    for (const doc of this.contracts) {
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
      const earlier = this.contractsById.get(id);
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
      this.contractsById.set(id, info);
      // Contracts only an input port refers to describe upstream data; they
      // are context, not this product's datasets.
      if (inputIds.has(id) && !outputIds.has(id)) continue;
      list(value.schema).forEach((obj, j) =>
        this.readDataset(info, obj, ['schema', j]),
      );
      this.datasetsByContract.set(
        id,
        info.datasets.map(d => d.dataset.name),
      );
    }
  }

  private readDataset(info: ContractInfo, obj: unknown, path: DocumentPath) {
    const { doc } = info;
    if (!isObj(obj)) return;
    const rawName = str(obj.name);
    if (!rawName) return; // reported by the schema check
    const id = this.identifier(doc, rawName, [...path, 'name'], 'dataset');
    if (!id) return;
    const sql = toSqlName(id.name);
    const first = this.datasetSqlNames.get(sql);
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
      const column = this.readColumn(doc, prop, at);
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
    this.datasetSqlNames.set(sql, dataset.name);
    this.datasets.push(dataset);
    info.datasets.push({
      dataset,
      names: [rawName, physicalName, id.name].filter((x): x is string => !!x),
    });
  }

  private readColumn(
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
      if (
        (DATA_CLASSIFICATIONS as readonly string[]).includes(classification)
      ) {
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
    if (typeof prop.primaryKey === 'boolean')
      column.primaryKey = prop.primaryKey;
    if (typeof prop.required === 'boolean') column.required = prop.required;
    return column;
  }

  // ---------------------------------------------------------------- ports

  /** Ports listed once per version: keep the newest version of each name. */
  private newestVersions(ports: unknown, kind: 'inputPorts' | 'outputPorts') {
    const out: { port: Obj; index: number }[] = [];
    const byName = new Map<string, number>();
    list(ports).forEach((port, index) => {
      if (!isObj(port) || !str(port.name)) return;
      const name = str(port.name)!;
      const at = byName.get(name);
      if (at === undefined) {
        byName.set(name, out.length);
        out.push({ port, index });
        return;
      }
      const kept = out[at];
      const newer =
        compareVersions(str(port.version), str(kept.port.version)) > 0;
      const dropped = newer ? kept : { port, index };
      const winner = newer ? { port, index } : kept;
      this.source.report(
        [kind, dropped.index, 'version'],
        `${
          kind === 'inputPorts' ? 'input' : 'output'
        } port '${name}' is listed with several versions; the catalog shows the newest (${
          str(winner.port.version) ?? 'unversioned'
        }) and ignores ${str(dropped.port.version) ?? 'the unversioned one'}`,
        'warning',
      );
      out[at] = winner;
    });
    return out;
  }

  private readOutputPorts(doc: Obj): OutputPort[] {
    const ports: OutputPort[] = [];
    for (const { port, index } of this.newestVersions(
      doc.outputPorts,
      'outputPorts',
    )) {
      const path: DocumentPath = ['outputPorts', index];
      const props = new CustomProperties(port, path);
      const id = this.identifier(
        this.source,
        str(port.name)!,
        [...path, 'name'],
        'port',
        props.get('identifier'),
      );
      if (!id || !this.claimPortName(id.name, [...path, 'name'])) continue;
      let type = str(port.type)?.toLowerCase();
      if (!type) {
        this.source.report(
          path,
          `output port '${id.name}' has no type (e.g. sql, jdbc, api, file, stream); it is shown as 'unspecified'`,
          'warning',
        );
        type = 'unspecified';
      } else if (!PORT_TYPE.test(type)) {
        this.source.report(
          [...path, 'type'],
          `output port type ${show(
            port.type,
          )} must be one word of letters, digits, _ or - (at most 32), e.g. sql, jdbc, api, tables`,
        );
        continue;
      }
      const out: OutputPort = { name: id.name, type };
      if (id.title) out.title = id.title;
      const description = str(port.description);
      if (description) out.description = description;
      const dataset = this.outputDataset(port, path, props);
      if (dataset) out.dataset = dataset;
      for (const key of ['url', 'instructions'] as const) {
        const p = props.get(key);
        if (!p) continue;
        if (str(p.value)) out[key] = str(p.value);
        else this.source.report(p.path, `${key} must be non-empty text`);
      }
      setSpecOrigin(out, path, {
        name: props.get('identifier')?.path ?? [...path, 'name'],
        title: [...path, 'name'],
        type: [...path, 'type'],
        description: [...path, 'description'],
        dataset: props.get('dataset')?.path ?? [...path, 'contractId'],
        url: props.get('url')?.path,
        instructions: props.get('instructions')?.path,
      });
      ports.push(out);
    }
    return ports;
  }

  private resolveDataset(raw: unknown): string | undefined {
    const name = str(raw);
    if (!name) return undefined;
    const derived = deriveIdentifier(name, 'dataset').identifier;
    return [name, derived].find(
      n => n !== undefined && this.datasets.some(d => d.name === n),
    );
  }

  private unknownDataset(raw: unknown, path: DocumentPath) {
    const known = this.datasets.map(d => d.name);
    this.source.report(
      path,
      `dataset ${show(raw)} is not defined by any of the given contracts; ${
        known.length
          ? `the datasets are ${known.join(', ')}`
          : 'no contract with a schema was given'
      }`,
    );
  }

  private outputDataset(
    port: Obj,
    path: DocumentPath,
    props: CustomProperties,
  ): string | undefined {
    const explicit = props.get('dataset');
    if (explicit) {
      const resolved = this.resolveDataset(explicit.value);
      if (!resolved) this.unknownDataset(explicit.value, explicit.path);
      return resolved;
    }
    const contractId = str(port.contractId);
    if (!contractId) return undefined;
    const names = this.datasetsByContract.get(contractId);
    if (!names) {
      this.source.report(
        [...path, 'contractId'],
        `contract '${contractId}' was not provided, so the dataset this port serves is unknown`,
        'warning',
      );
      return undefined;
    }
    if (names.length === 1) return names[0];
    if (names.length > 1) {
      this.source.report(
        [...path, 'contractId'],
        `contract '${contractId}' defines ${
          names.length
        } datasets (${names.join(
          ', ',
        )}); add a customProperty 'dataset' to say which one this port serves`,
        'warning',
      );
    }
    return undefined;
  }

  private readInputPorts(
    doc: Obj,
    metadata: DataProductEntityV1alpha1['metadata'] | undefined,
  ): InputPort[] {
    const ports: InputPort[] = [];
    for (const { port, index } of this.newestVersions(
      doc.inputPorts,
      'inputPorts',
    )) {
      const path: DocumentPath = ['inputPorts', index];
      const props = new CustomProperties(port, path);
      const id = this.identifier(
        this.source,
        str(port.name)!,
        [...path, 'name'],
        'port',
        props.get('identifier'),
      );
      if (!id || !this.claimPortName(id.name, [...path, 'name'])) continue;

      const upstream = props.get('dataProduct');
      const typeProp = props.get('type');
      let type: InputPortType = upstream ? 'data-product' : 'dataset';
      if (typeProp) {
        const t = str(typeProp.value)?.toLowerCase();
        if (!t || !(INPUT_PORT_TYPES as readonly string[]).includes(t)) {
          this.source.report(
            typeProp.path,
            `input port type ${show(
              typeProp.value,
            )} is not one of ${INPUT_PORT_TYPES.join(', ')}`,
          );
          continue;
        }
        type = t as InputPortType;
      }
      const out: InputPort = { name: id.name, type };
      if (id.title) out.title = id.title;
      const description = props.get('description');
      if (description && str(description.value)) {
        out.description = str(description.value);
      }

      if (type === 'data-product') {
        const outputPort = props.get('outputPort');
        if (!upstream || !outputPort) {
          this.source.report(
            path,
            `input port '${id.name}' consumes another data product, so it needs customProperties 'dataProduct' (e.g. dataproduct:default/patients) and 'outputPort' (the upstream port's name)`,
          );
          continue;
        }
        const ref = this.productRef(upstream, metadata);
        if (!ref) continue;
        out.dataProduct = ref;
        const raw = str(outputPort.value);
        const result = raw
          ? deriveIdentifier(raw, 'port')
          : { error: 'outputPort must name the upstream output port' };
        if (result.error !== undefined) {
          this.source.report(outputPort.path, result.error);
          continue;
        }
        out.outputPort = result.identifier;
      } else {
        if (upstream) {
          this.source.report(
            upstream.path,
            `dataProduct is only meaningful for input ports of type data-product, not ${type}`,
          );
          continue;
        }
        // Without a named source, the contract id is the best description
        // of where the data comes from.
        const sourceText =
          str(props.get('source')?.value) ?? str(port.contractId);
        if (sourceText) out.source = sourceText;
      }
      setSpecOrigin(out, path, {
        name: props.get('identifier')?.path ?? [...path, 'name'],
        title: [...path, 'name'],
        type: typeProp?.path,
        description: description?.path,
        dataProduct: upstream?.path,
        outputPort: props.get('outputPort')?.path,
        source: props.get('source')?.path ?? [...path, 'contractId'],
      });
      ports.push(out);
    }
    return ports;
  }

  private productRef(
    prop: Located,
    self: DataProductEntityV1alpha1['metadata'] | undefined,
  ): string | undefined {
    const raw = str(prop.value);
    if (!raw) {
      this.source.report(
        prop.path,
        'dataProduct must be an entity reference such as dataproduct:default/patients',
      );
      return undefined;
    }
    let ref;
    try {
      ref = parseEntityRef(raw, {
        defaultKind: DATA_PRODUCT_KIND,
        defaultNamespace: 'default',
      });
    } catch (e) {
      this.source.report(
        prop.path,
        `'${raw}' is not an entity reference: ${(e as Error).message}`,
      );
      return undefined;
    }
    if (ref.kind.toLowerCase() !== DATA_PRODUCT_KIND.toLowerCase()) {
      this.source.report(
        prop.path,
        `'${raw}' refers to a ${ref.kind}, not a DataProduct`,
      );
      return undefined;
    }
    const problem = validateIdentifier(ref.name, 'product');
    if (problem) {
      this.source.report(prop.path, problem);
      return undefined;
    }
    if (
      self &&
      ref.name === self.name &&
      ref.namespace === (self.namespace ?? 'default')
    ) {
      this.source.report(
        prop.path,
        'a data product cannot consume its own output port',
      );
      return undefined;
    }
    return stringifyEntityRef(ref);
  }

  // ------------------------------------------------------------- metadata

  private readMetadata(
    doc: Obj,
    props: CustomProperties,
  ): DataProductEntityV1alpha1['metadata'] | undefined {
    const display = str(doc.name);
    if (!display) {
      this.source.report(
        ['name'],
        `the product needs a name (the catalog and the warehouse derive their names from it)`,
      );
      return undefined;
    }
    const id = this.identifier(
      this.source,
      display,
      ['name'],
      'product',
      props.get('identifier'),
    );
    if (!id) return undefined;
    const metadata: DataProductEntityV1alpha1['metadata'] = { name: id.name };
    const ns = props.get('namespace');
    if (ns) {
      if (entityNames.isValidNamespace(ns.value)) {
        metadata.namespace = ns.value as string;
      } else {
        this.source.report(
          ns.path,
          `${show(ns.value)} is not a valid catalog namespace`,
        );
      }
    }
    if (id.title) metadata.title = id.title;
    const description = isObj(doc.description)
      ? str(doc.description.purpose)
      : undefined;
    if (description) metadata.description = description;

    const tags: string[] = [];
    list(doc.tags).forEach((tag, i) => {
      if (typeof tag !== 'string') return;
      const clean = tag
        .trim()
        .toLowerCase()
        .replace(/[\s_/.]+/g, '-')
        .replace(/[^a-z0-9:+#-]/g, '')
        .replace(/-+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 63);
      if (!entityNames.isValidTag(clean)) {
        this.source.report(
          ['tags', i],
          `tag ${show(tag)} cannot be a catalog tag; it is ignored`,
          'warning',
        );
        return;
      }
      if (clean !== tag) {
        this.source.report(
          ['tags', i],
          `tag ${show(
            tag,
          )} is stored as '${clean}' (catalog tags are lower case, words joined by '-')`,
          'warning',
        );
      }
      if (!tags.includes(clean)) tags.push(clean);
    });
    if (tags.length) metadata.tags = tags;

    const links = list(doc.support).flatMap(s => {
      if (!isObj(s) || !str(s.url)) return [];
      const link: { url: string; title?: string } = { url: str(s.url)! };
      if (str(s.channel) && str(s.channel) !== link.url)
        link.title = str(s.channel);
      return [link];
    });
    if (links.length) metadata.links = links;

    const odpsId = str(doc.id);
    if (odpsId) metadata.annotations = { [ANNOTATION_ODPS_ID]: odpsId };
    setSpecOrigin(metadata, [], {
      name: props.get('identifier')?.path ?? ['name'],
      title: ['name'],
      namespace: ns?.path,
      description: ['description', 'purpose'],
      tags: ['tags'],
      links: ['support'],
    });
    return metadata;
  }

  private readType(doc: Obj, props: CustomProperties): DataProductType {
    const located: Located | undefined =
      props.get('dataProductType') ??
      props.get('type') ??
      (doc.type !== undefined
        ? { value: doc.type, path: ['type'] }
        : undefined);
    if (!located) {
      this.source.report(
        [],
        `no product type given (ODPS 1.1 'type' or customProperty 'dataProductType'); assuming source-aligned`,
        'warning',
      );
      return 'source-aligned';
    }
    const parsed =
      typeof located.value === 'string'
        ? parseDataProductType(located.value)
        : undefined;
    if (!parsed) {
      this.source.report(
        located.path,
        `${show(
          located.value,
        )} is not a data product type; use one of source-aligned, aggregate, consumer-aligned (ODPS 1.1: sourceAligned, aggregate, consumerAligned)`,
      );
      return 'source-aligned';
    }
    return parsed;
  }

  private readLifecycle(doc: Obj): string {
    const status = str(doc.status)?.toLowerCase();
    if (status === 'retired') return 'retired';
    if (doc.deprecated === true) return 'deprecated';
    if (!status) return 'experimental';
    // Other statuses are kept as written; lifecycle is open-ended in Backstage.
    return LIFECYCLE_BY_STATUS[status] ?? status;
  }

  private readCertified(props: CustomProperties): boolean {
    const p = props.get('certified');
    if (!p) return false;
    const flag = parseBoolean(p.value);
    if (flag === undefined) {
      this.source.report(
        p.path,
        `${show(p.value)} is not a yes/no value; ${BOOLEAN_HINT}`,
      );
      return false;
    }
    return flag;
  }

  /**
   * The owner, in order: customProperty `owner` (an entity ref; a bare name
   * is a group), the team's name as a group, the team member with role
   * `owner` as a user (the part of the username before `@`).
   */
  private readOwner(doc: Obj, props: CustomProperties): string | undefined {
    const explicit = props.get('owner');
    if (explicit) {
      const raw = str(explicit.value);
      let ref;
      try {
        ref = raw
          ? parseEntityRef(raw, {
              defaultKind: 'group',
              defaultNamespace: 'default',
            })
          : undefined;
      } catch {
        ref = undefined;
      }
      if (!ref) {
        this.source.report(
          explicit.path,
          `owner ${show(
            explicit.value,
          )} is not an entity reference; write group:default/<name> or user:default/<name>`,
        );
        return undefined;
      }
      const kind = ref.kind.toLowerCase();
      if (kind !== 'group' && kind !== 'user') {
        this.source.report(
          explicit.path,
          `owner '${raw}' refers to a ${ref.kind}; the owner must be a Group or a User`,
        );
        return undefined;
      }
      if (!entityNames.isValidEntityName(ref.name)) {
        this.source.report(
          explicit.path,
          `owner '${raw}' is not a valid entity name`,
        );
        return undefined;
      }
      return stringifyEntityRef(ref);
    }
    const team = isObj(doc.team) ? doc.team : undefined;
    const teamName = team && str(team.name);
    if (teamName) {
      const name = toEntityName(teamName);
      if (!entityNames.isValidEntityName(name)) {
        this.source.report(
          ['team', 'name'],
          `team name '${teamName}' cannot be turned into a group name`,
        );
        return undefined;
      }
      return `group:default/${name}`;
    }
    const members = team ? list(team.members) : [];
    const ownerIndex = members.findIndex(
      m =>
        isObj(m) && str(m.role)?.toLowerCase() === 'owner' && str(m.username),
    );
    if (ownerIndex >= 0) {
      const username = str((members[ownerIndex] as Obj).username)!;
      const name = toEntityName(username.split('@')[0]);
      if (!entityNames.isValidEntityName(name)) {
        this.source.report(
          ['team', 'members', ownerIndex, 'username'],
          `username '${username}' cannot be turned into a user name`,
        );
        return undefined;
      }
      return `user:default/${name}`;
    }
    this.source.report(
      team ? ['team'] : [],
      `the product needs an owner: a customProperty 'owner' (e.g. group:default/patients-team), a team name, or a team member with role owner`,
    );
    return undefined;
  }

  private readDomain(doc: Obj): string | undefined {
    const raw = str(doc.domain);
    if (!raw) {
      this.source.report(
        ['domain'],
        'the product needs a domain (the business domain it belongs to)',
      );
      return undefined;
    }
    if (!/[:/]/.test(raw)) {
      const id = this.identifier(this.source, raw, ['domain'], 'domain');
      return id ? `domain:default/${id.name}` : undefined;
    }
    let ref;
    try {
      ref = parseEntityRef(raw, {
        defaultKind: 'domain',
        defaultNamespace: 'default',
      });
    } catch (e) {
      this.source.report(
        ['domain'],
        `'${raw}' is not a domain reference: ${(e as Error).message}`,
      );
      return undefined;
    }
    if (ref.kind.toLowerCase() !== 'domain') {
      this.source.report(
        ['domain'],
        `'${raw}' refers to a ${ref.kind}, not a Domain`,
      );
      return undefined;
    }
    const problem = validateIdentifier(ref.name, 'domain');
    if (problem) {
      this.source.report(['domain'], problem);
      return undefined;
    }
    return stringifyEntityRef(ref);
  }

  private readAgreement(
    doc: Obj,
    props: CustomProperties,
  ): DataSharingAgreement | undefined {
    const dsa: DataSharingAgreement = {};
    if (isObj(doc.description)) {
      const usage = str(doc.description.usage);
      const limitations = str(doc.description.limitations);
      if (usage) dsa.usage = usage;
      if (limitations) dsa.limitations = limitations;
    }
    const extra = props.get('dataSharingAgreement');
    if (extra) {
      if (!isObj(extra.value)) {
        this.source.report(
          extra.path,
          'dataSharingAgreement must be an object with purpose, approval, termination or instructions',
        );
      } else {
        for (const [key, value] of Object.entries(extra.value)) {
          if (!AGREEMENT_FIELDS.includes(key as keyof DataSharingAgreement)) {
            this.source.report(
              [...extra.path, key],
              `'${key}' is not part of a data-sharing agreement (${AGREEMENT_FIELDS.join(
                ', ',
              )})`,
            );
          } else if (!str(value)) {
            this.source.report([...extra.path, key], `${key} must be text`);
          } else {
            dsa[key as keyof DataSharingAgreement] = str(value);
          }
        }
      }
    }
    return Object.keys(dsa).length ? dsa : undefined;
  }

  private readInfrastructure(
    props: CustomProperties,
  ): DataProductInfrastructure | undefined {
    const p = props.get('infrastructure');
    if (!p) return undefined;
    if (!isObj(p.value)) {
      this.source.report(
        p.path,
        'infrastructure must be an object (stage, platform, warehouse, database, schema, roles)',
      );
      return undefined;
    }
    const out: DataProductInfrastructure = {};
    const name = (value: unknown, path: DocumentPath, key: string) => {
      if (typeof value === 'string' && INFRA_NAME.test(value)) return value;
      this.source.report(
        path,
        `${key} ${show(
          value,
        )} is not a safe warehouse name (letters, digits, _, $ and -, starting with a letter or _)`,
      );
      return undefined;
    };
    for (const [key, value] of Object.entries(p.value)) {
      const path = [...p.path, key];
      if (
        key === 'stage' ||
        key === 'platform' ||
        key === 'warehouse' ||
        key === 'database' ||
        key === 'schema'
      ) {
        const s = name(value, path, key);
        if (s) out[key] = s;
      } else if (key === 'roles' && isObj(value)) {
        const roles: NonNullable<DataProductInfrastructure['roles']> = {};
        for (const [role, roleName] of Object.entries(value)) {
          if (role !== 'consumer' && role !== 'service' && role !== 'owner') {
            this.source.report(
              [...path, role],
              `'${role}' is not a product role (consumer, service, owner)`,
            );
            continue;
          }
          const s = name(roleName, [...path, role], `${role} role`);
          if (s) roles[role] = s;
        }
        out.roles = roles;
      } else if (key === 'roles') {
        this.source.report(
          path,
          'roles must be an object with consumer, service and owner',
        );
      } else {
        this.source.report(
          path,
          `'${key}' is not an infrastructure field (stage, platform, warehouse, database, schema, roles)`,
        );
      }
    }
    return out;
  }

  // ----------------------------------------------------------------- SLOs

  private readSlos(props: CustomProperties): ServiceLevelObjective[] {
    const explicit = props.get('slos');
    if (explicit) return this.readExplicitSlos(explicit);
    return this.slosFromContracts();
  }

  private readExplicitSlos(p: Located): ServiceLevelObjective[] {
    if (!Array.isArray(p.value)) {
      this.source.report(p.path, 'slos must be a list of objectives');
      return [];
    }
    const out: ServiceLevelObjective[] = [];
    const names = new Map<string, string>();
    p.value.forEach((raw, j) => {
      const path = [...p.path, j];
      if (!isObj(raw)) {
        this.source.report(
          path,
          'an objective must be an object with name, dimension and objective',
        );
        return;
      }
      let ok = true;
      const fail = (at: DocumentPath, message: string) => {
        this.source.report(at, message);
        ok = false;
      };
      const display = str(raw.name);
      let id: { name: string; title?: string } | undefined;
      if (!display) fail(path, 'an objective needs a name');
      else {
        id = this.identifier(this.source, display, [...path, 'name'], 'slo');
        if (!id) ok = false;
        else {
          const key = toSqlName(id.name);
          const first = names.get(key);
          if (first !== undefined) {
            fail(
              [...path, 'name'],
              first === id.name
                ? `objective name '${id.name}' is used twice`
                : `objective name '${id.name}' and '${first}' are the same name in SQL (${key})`,
            );
          } else names.set(key, id.name);
        }
      }
      const dimension = str(raw.dimension)?.toLowerCase();
      if (!dimension)
        fail(
          path,
          'an objective needs a dimension (availability, completeness or freshness)',
        );
      else if (!(SLO_DIMENSIONS as readonly string[]).includes(dimension)) {
        fail(
          [...path, 'dimension'],
          `${show(raw.dimension)} is not one of ${SLO_DIMENSIONS.join(', ')}`,
        );
      }
      const objective = str(raw.objective);
      if (!objective)
        fail(path, 'an objective needs an objective: the promise, in words');
      const slo: ServiceLevelObjective = {
        name: id?.name ?? '',
        dimension: (dimension ?? 'availability') as SloDimension,
        objective: objective ?? '',
      };
      const explicitTitle = str(raw.title);
      if (explicitTitle) slo.title = explicitTitle;
      else if (id?.title) slo.title = id.title;
      for (const [key, value] of Object.entries(raw)) {
        const at = [...path, key];
        switch (key) {
          case 'name':
          case 'title':
          case 'dimension':
          case 'objective':
            break;
          case 'dataset': {
            const d = this.resolveDataset(value);
            if (d) slo.dataset = d;
            else {
              this.unknownDataset(value, at);
              ok = false;
            }
            break;
          }
          case 'target': {
            const target = parseTarget(value);
            if (target === undefined)
              fail(at, `${show(value)} is not a target; ${TARGET_HINT}`);
            else slo.target = target;
            break;
          }
          case 'tolerance': {
            const tolerance = parseTolerance(value);
            if (tolerance === undefined)
              fail(at, `${show(value)} is not a tolerance; ${TOLERANCE_HINT}`);
            else slo.tolerance = tolerance;
            break;
          }
          case 'window':
          case 'slice':
          case 'maxAge': {
            const duration = parseDuration(value);
            if (duration === undefined)
              fail(at, `${show(value)} is not a duration; ${DURATION_HINT}`);
            else slo[key] = duration;
            break;
          }
          case 'indicator':
            if (!isObj(value) || !str(value.name)) {
              fail(
                at,
                'indicator must be an object with a name (and optionally a description)',
              );
            } else {
              slo.indicator = { name: str(value.name)! };
              if (str(value.description))
                slo.indicator.description = str(value.description);
            }
            break;
          default:
            this.source.report(
              at,
              `'${key}' is not a field of an objective (name, title, dimension, objective, dataset, target, window, slice, maxAge, tolerance, indicator); it is ignored`,
              'warning',
            );
        }
      }
      if (ok) {
        setSpecOrigin(
          slo,
          path,
          Object.fromEntries(Object.keys(raw).map(k => [k, [...path, k]])),
        );
        out.push(slo);
      }
    });
    return out;
  }

  /** SLOs derived from the contracts' `slaProperties`: latency → freshness, availability, completeness. */
  private slosFromContracts(): ServiceLevelObjective[] {
    const out: ServiceLevelObjective[] = [];
    const names = new Set<string>();
    for (const info of this.contractsById.values()) {
      if (!info.datasets.length) continue;
      list(info.value.slaProperties).forEach((sla, i) => {
        if (!isObj(sla) || typeof sla.property !== 'string') return;
        const path: DocumentPath = ['slaProperties', i];
        const property = normKey(sla.property);
        const element = str(sla.element)?.split(/[.,]/)[0].trim();
        const dataset =
          (element &&
            info.datasets.find(d => d.names.includes(element))?.dataset.name) ||
          info.datasets[0].dataset.name;
        const description = str(sla.description);
        let slo: ServiceLevelObjective | undefined;
        if (property === 'latency' || property === 'freshness') {
          const maxAge = parseDurationAmount(sla.value, sla.unit);
          if (!maxAge) {
            info.doc.report(
              [...path, 'value'],
              `${sla.property} ${show(sla.value)}${
                sla.unit ? ` ${String(sla.unit)}` : ''
              } is not a duration in minutes, hours, days or weeks; no freshness objective is derived from it`,
              'warning',
            );
            return;
          }
          slo = {
            name: `${dataset}-freshness`,
            dimension: 'freshness',
            objective: description ?? `Data is at most ${maxAge} old`,
            dataset,
            maxAge,
          };
        } else if (property === 'availability' || property === 'completeness') {
          const value =
            sla.value === null || sla.value === undefined
              ? ''
              : ` ${String(sla.value)}${
                  sla.unit ? ` ${String(sla.unit)}` : ''
                }`;
          slo = {
            name: `${dataset}-${property}`,
            dimension: property,
            objective:
              description ??
              `${
                property === 'availability' ? 'Available' : 'Complete'
              }${value}`,
            dataset,
          };
          if (property === 'availability') {
            const target = parseFractionAmount(sla.value, sla.unit);
            if (target !== undefined && target > 0) slo.target = target;
            else if (sla.value !== undefined && sla.value !== null) {
              info.doc.report(
                [...path, 'value'],
                `availability ${show(
                  sla.value,
                )} is not a target (${TARGET_HINT}); the objective uses the default target`,
                'warning',
              );
            }
          }
        }
        if (!slo) return; // retention, frequency, timeOfAvailability, ...: not monitored here
        let name = slo.name;
        for (let n = 2; names.has(name); n++) name = `${slo.name}-${n}`;
        if (name.length > 63) return; // dataset names are at most 63 long; a suffix must not break the rule
        slo.name = name;
        names.add(name);
        out.push(slo);
      });
    }
    return out;
  }
}

/**
 * Reads an ODPS product document into the canonical entity. Problems are
 * recorded on `source` (and on the contract they are in); the entity is
 * returned only when none of them is an error.
 * @public
 */
export function readOdps(
  source: SourceDocument,
  options: ReadOdpsOptions = {},
): DataProductEntityV1alpha1 | undefined {
  return new OdpsReader(source, options.contracts ?? []).read();
}

/** `Data Team` → `data-team`: a Backstage entity name for a group or user. */
function toEntityName(display: string): string {
  return display
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '')
    .slice(0, 63);
}
