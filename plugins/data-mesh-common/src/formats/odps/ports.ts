/*
 * ODPS input and output ports: one version of each, their types, the dataset
 * an output port serves and the upstream product an input port consumes.
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { validateIdentifier } from '../../identifiers';
import {
  DATA_PRODUCT_KIND,
  INPUT_PORT_TYPES,
  type DataProductEntityV1alpha1,
  type InputPort,
  type InputPortType,
  type OutputPort,
  type PortAccessPolicy,
} from '../../model';
import { readPortAccess } from '../../access/portPolicy';
import {
  BOOLEAN_HINT,
  deriveIdentifier,
  parseBoolean,
  showValue as show,
} from '../../values';
import type { DocumentPath } from '../../issues';
import { setSpecOrigin } from '../../entity';
import {
  OdpsContext,
  CustomProperties,
  isObj,
  list,
  str,
  type Located,
  type Obj,
} from './context';

// Output port types as the kind's JSON schema allows them.
const PORT_TYPE = /^[a-z][a-z0-9_-]{0,31}$/;

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

/** Ports listed once per version: keep the newest version of each name. */
function newestVersions(
  ctx: OdpsContext,
  ports: unknown,
  kind: 'inputPorts' | 'outputPorts',
) {
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
    ctx.source.report(
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

export function readOutputPorts(ctx: OdpsContext, doc: Obj): OutputPort[] {
  const ports: OutputPort[] = [];
  for (const { port, index } of newestVersions(
    ctx,
    doc.outputPorts,
    'outputPorts',
  )) {
    const path: DocumentPath = ['outputPorts', index];
    const props = new CustomProperties(port, path);
    const id = ctx.identifier(
      ctx.source,
      str(port.name)!,
      [...path, 'name'],
      'port',
      props.get('identifier'),
    );
    if (!id || !ctx.claimPortName(id.name, [...path, 'name'])) continue;
    let type = str(port.type)?.toLowerCase();
    if (!type) {
      ctx.source.report(
        path,
        `output port '${id.name}' has no type (e.g. sql, jdbc, api, file, stream); it is shown as 'unspecified'`,
        'warning',
      );
      type = 'unspecified';
    } else if (!PORT_TYPE.test(type)) {
      ctx.source.report(
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
    const dataset = outputDataset(ctx, port, path, props);
    if (dataset) out.dataset = dataset;
    for (const key of ['url', 'instructions'] as const) {
      const p = props.get(key);
      if (!p) continue;
      if (str(p.value)) out[key] = str(p.value);
      else ctx.source.report(p.path, `${key} must be non-empty text`);
    }
    const access = outputAccess(ctx, port, path, props);
    if (access) out.access = access;
    setSpecOrigin(out, path, {
      name: props.get('identifier')?.path ?? [...path, 'name'],
      title: [...path, 'name'],
      type: [...path, 'type'],
      description: [...path, 'description'],
      dataset: props.get('dataset')?.path ?? [...path, 'contractId'],
      url: props.get('url')?.path,
      instructions: props.get('instructions')?.path,
      access: props.get('access')?.path ?? [...path, 'contractId'],
    });
    ports.push(out);
  }
  return ports;
}

/**
 * ODPS has no policy field on ports: the policy is the custom property
 * `access`, and the roles of the port's ODCS contract apply unless the
 * policy lists its own.
 */
function outputAccess(
  ctx: OdpsContext,
  port: Obj,
  path: DocumentPath,
  props: CustomProperties,
): PortAccessPolicy | undefined {
  const prop = props.get('access');
  const report = (p: DocumentPath, m: string, s?: 'error' | 'warning') =>
    ctx.source.report(p, m, s);
  const access = prop ? readPortAccess(prop.value, prop.path, report) : {};
  const contractId = str(port.contractId);
  const roles = contractId && ctx.contractsById.get(contractId)?.roles;
  if (!access || access.roles || !roles || roles.length === 0) {
    return access && Object.keys(access).length ? access : undefined;
  }
  // Copies located at the port's contractId: a problem found later is
  // reported in this product file, where the contract is named.
  access.roles = roles.map(r => {
    const copy = { ...r };
    setSpecOrigin(copy, [...path, 'contractId']);
    return copy;
  });
  if (!prop) setSpecOrigin(access, [...path, 'contractId']);
  return access;
}

function outputDataset(
  ctx: OdpsContext,
  port: Obj,
  path: DocumentPath,
  props: CustomProperties,
): string | undefined {
  const explicit = props.get('dataset');
  if (explicit) {
    const resolved = ctx.resolveDataset(explicit.value);
    if (!resolved) ctx.unknownDataset(explicit.value, explicit.path);
    return resolved;
  }
  const contractId = str(port.contractId);
  if (!contractId) return undefined;
  const names = ctx.datasetsByContract.get(contractId);
  if (!names) {
    ctx.source.report(
      [...path, 'contractId'],
      `contract '${contractId}' was not provided, so the dataset this port serves is unknown`,
      'warning',
    );
    return undefined;
  }
  if (names.length === 1) return names[0];
  if (names.length > 1) {
    ctx.source.report(
      [...path, 'contractId'],
      `contract '${contractId}' defines ${names.length} datasets (${names.join(
        ', ',
      )}); add a customProperty 'dataset' to say which one this port serves`,
      'warning',
    );
  }
  return undefined;
}

export function readInputPorts(
  ctx: OdpsContext,
  doc: Obj,
  metadata: DataProductEntityV1alpha1['metadata'] | undefined,
): InputPort[] {
  const ports: InputPort[] = [];
  for (const { port, index } of newestVersions(
    ctx,
    doc.inputPorts,
    'inputPorts',
  )) {
    const path: DocumentPath = ['inputPorts', index];
    const props = new CustomProperties(port, path);
    const id = ctx.identifier(
      ctx.source,
      str(port.name)!,
      [...path, 'name'],
      'port',
      props.get('identifier'),
    );
    if (!id || !ctx.claimPortName(id.name, [...path, 'name'])) continue;

    const upstream = props.get('dataProduct');
    const typeProp = props.get('type');
    let type: InputPortType = upstream ? 'data-product' : 'dataset';
    if (typeProp) {
      const t = str(typeProp.value)?.toLowerCase();
      if (!t || !(INPUT_PORT_TYPES as readonly string[]).includes(t)) {
        ctx.source.report(
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

    const inClear = props.get('personalDataInClear');
    if (inClear) {
      const flag = parseBoolean(inClear.value);
      if (flag === undefined) {
        ctx.source.report(
          inClear.path,
          `${show(inClear.value)} is not a yes/no value; ${BOOLEAN_HINT}`,
        );
      } else if (type !== 'data-product') {
        ctx.source.report(
          inClear.path,
          `personalDataInClear is only meaningful for input ports that read another data product, not ${type}`,
        );
      } else if (flag) {
        out.personalDataInClear = true;
      }
    }

    if (type === 'data-product') {
      const outputPort = props.get('outputPort');
      if (!upstream || !outputPort) {
        ctx.source.report(
          path,
          `input port '${id.name}' consumes another data product, so it needs customProperties 'dataProduct' (e.g. dataproduct:default/patients) and 'outputPort' (the upstream port's name)`,
        );
        continue;
      }
      const ref = productRef(ctx, upstream, metadata);
      if (!ref) continue;
      out.dataProduct = ref;
      const raw = str(outputPort.value);
      const result = raw
        ? deriveIdentifier(raw, 'port')
        : { error: 'outputPort must name the upstream output port' };
      if (result.error !== undefined) {
        ctx.source.report(outputPort.path, result.error);
        continue;
      }
      out.outputPort = result.identifier;
    } else {
      if (upstream) {
        ctx.source.report(
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
      personalDataInClear: inClear?.path,
      source: props.get('source')?.path ?? [...path, 'contractId'],
    });
    ports.push(out);
  }
  return ports;
}

function productRef(
  ctx: OdpsContext,
  prop: Located,
  self: DataProductEntityV1alpha1['metadata'] | undefined,
): string | undefined {
  const raw = str(prop.value);
  if (!raw) {
    ctx.source.report(
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
    ctx.source.report(
      prop.path,
      `'${raw}' is not an entity reference: ${(e as Error).message}`,
    );
    return undefined;
  }
  if (ref.kind.toLowerCase() !== DATA_PRODUCT_KIND.toLowerCase()) {
    ctx.source.report(
      prop.path,
      `'${raw}' refers to a ${ref.kind}, not a DataProduct`,
    );
    return undefined;
  }
  const problem = validateIdentifier(ref.name, 'product');
  if (problem) {
    ctx.source.report(prop.path, problem);
    return undefined;
  }
  if (
    self &&
    ref.name === self.name &&
    ref.namespace === (self.namespace ?? 'default')
  ) {
    ctx.source.report(
      prop.path,
      'a data product cannot consume its own output port',
    );
    return undefined;
  }
  return stringifyEntityRef(ref);
}
