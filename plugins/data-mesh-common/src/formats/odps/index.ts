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
import type { SourceDocument } from '../../issues';
import { setSpecOrigin } from '../../entity';
import {
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  type DataProductEntityV1alpha1,
} from '../../model';
import {
  reportStandardViolations,
  type StandardSchemaName,
} from '../standards';
import { showValue as show } from '../../values';
import { CustomProperties, OdpsContext, isObj, list, str } from './context';
import { loadContracts } from './contracts';
import { readInputPorts, readOutputPorts } from './ports';
import {
  readAgreement,
  readCertified,
  readDomain,
  readInfrastructure,
  readLifecycle,
  readMetadata,
  readOwner,
  readType,
} from './product';
import { readSlos } from './slos';
import { ODPS_API_VERSIONS } from './versions';

export * from './versions';

/** @public */
export interface ReadOdpsOptions {
  /** ODCS v3 contracts; those referenced by output ports (or by no port) supply datasets. */
  contracts?: SourceDocument[];
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
  const ctx = new OdpsContext(source, options.contracts ?? []);
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
  loadContracts(ctx, contractIds(doc.inputPorts), contractIds(doc.outputPorts));

  const props = new CustomProperties(doc, []);
  const metadata = readMetadata(ctx, doc, props);
  const outputPorts = readOutputPorts(ctx, doc);
  const inputPorts = readInputPorts(ctx, doc, metadata);
  const slos = readSlos(ctx, props);

  const typeAt = props.get('dataProductType') ?? props.get('type');
  const spec: DataProductEntityV1alpha1['spec'] = {
    type: readType(ctx, doc, props),
    lifecycle: readLifecycle(doc),
    owner: readOwner(ctx, doc, props) ?? '',
    domain: readDomain(ctx, doc) ?? '',
    certified: readCertified(ctx, props),
  };
  if (ctx.datasets.length) spec.datasets = ctx.datasets;
  if (inputPorts.length) spec.inputPorts = inputPorts;
  if (outputPorts.length) spec.outputPorts = outputPorts;
  if (slos.length) spec.slos = slos;
  const dsa = readAgreement(ctx, doc, props);
  if (dsa) spec.dataSharingAgreement = dsa;
  const infrastructure = readInfrastructure(ctx, props);
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

  if (!metadata || ctx.hasErrors()) return undefined;
  const entity: DataProductEntityV1alpha1 = {
    apiVersion: DATA_PRODUCT_API_VERSION,
    kind: DATA_PRODUCT_KIND,
    metadata,
    spec,
  };
  setSpecOrigin(entity, []);
  return entity;
}
