/*
 * Output and input ports; an input port's upstream product comes from
 * associated_data_product, a qualified `<product>/<port>`, or the seed's
 * "... of DP <product>" naming convention.
 */
import type { DocumentPath } from '../../issues';
import { setSpecOrigin } from '../../entity';
import { deriveIdentifier } from '../../values';
import { readPortAccess } from '../../access/portPolicy';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  type InputPort,
  type InputPortType,
  type OutputPort,
} from '../../model';
import { type Component } from './components';
import type { OamContext } from './context';

export function readOutputPort(
  ctx: OamContext,
  c: Component,
  dataset: string | undefined,
): OutputPort {
  const id = ctx.identify(c, 'port');
  const url = ctx.text(c, 'url');
  const typeProp = ctx.firstText(c, 'port_type', 'type');
  let type = typeProp.value?.toLowerCase();
  if (!type) {
    if (url?.toLowerCase().startsWith('jdbc:')) type = 'jdbc';
    else
      ctx.report(
        c.path,
        `output port '${c.name}' needs a port_type (e.g. jdbc, sql, api, file) or a jdbc: url`,
      );
  }
  const description = ctx.text(c, 'description');
  const instructions = ctx.text(c, 'instructions');
  const accessProp = c.props.get('access');
  const access =
    accessProp && accessProp.value !== null && accessProp.value !== undefined
      ? readPortAccess(accessProp.value, accessProp.valuePath, (path, m, s) =>
          ctx.report(path, m, s),
        )
      : undefined;
  const port: OutputPort = {
    name: id.name,
    ...(id.title ? { title: id.title } : {}),
    ...(description ? { description } : {}),
    type: type ?? '',
    ...(dataset ? { dataset } : {}),
    ...(url ? { url } : {}),
    ...(instructions ? { instructions } : {}),
    ...(access ? { access } : {}),
  };
  setSpecOrigin(port, c.path, {
    name: [...c.path, 'name'],
    title: [...c.path, 'name'],
    type: typeProp.path ?? (type ? ctx.propPath(c, 'url') : c.path),
    dataset: ctx.propPath(c, 'dataset'),
    url: ctx.propPath(c, 'url'),
    access: accessProp?.valuePath,
  });
  return port;
}

export function readInputPort(
  ctx: OamContext,
  c: Component,
): InputPort | undefined {
  const id = ctx.identify(c, 'port');
  const description = ctx.text(c, 'description');
  const associated = ctx.text(c, 'associated_output_port');
  const typeProp = ctx.firstText(c, 'port_type', 'type');
  let type: InputPortType;
  if (typeProp.value !== undefined) {
    const t = typeProp.value.toLowerCase().replace(/[\s_]+/g, '-');
    if (!['dataset', 'api', 'data-product'].includes(t)) {
      ctx.report(
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
      ctx.report(
        c.path,
        `input port '${c.name}' consumes a data product, so it needs associated_output_port: the name of that product's output port`,
      );
    } else {
      const upstream = resolveUpstream(ctx, c, associated);
      if (upstream) {
        port.dataProduct = upstream.dataProduct;
        port.outputPort = upstream.outputPort;
      }
    }
    fields.dataProduct =
      ctx.propPath(c, 'associated_data_product') ??
      ctx.propPath(c, 'associated_output_port');
    fields.outputPort = ctx.propPath(c, 'associated_output_port');
    if (ctx.bool(c, 'personal_data_in_clear') === true) {
      port.personalDataInClear = true;
    }
    fields.personalDataInClear = ctx.propPath(c, 'personal_data_in_clear');
  } else {
    const sourceText = ctx.text(c, 'source');
    if (sourceText) port.source = sourceText;
    if (associated !== undefined) {
      ctx.report(
        ctx.propPath(c, 'associated_output_port')!,
        `an input port of type ${type} does not consume an output port; remove associated_output_port or make the port type data-product`,
      );
    }
    const inClear = ctx.propPath(c, 'personal_data_in_clear');
    if (inClear) {
      ctx.report(
        inClear,
        `personal_data_in_clear is only meaningful for an input port that reads another data product, not one of type ${type}`,
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
function resolveUpstream(
  ctx: OamContext,
  c: Component,
  associated: string,
): { dataProduct: string; outputPort: string } | undefined {
  const portPath = ctx.propPath(c, 'associated_output_port')!;
  const explicit = ctx.text(c, 'associated_data_product');
  let productName: string | undefined;
  let productPath: DocumentPath = portPath;
  let portName = associated;
  if (explicit !== undefined) {
    productPath = ctx.propPath(c, 'associated_data_product')!;
    if (explicit.includes(':')) {
      try {
        const ref = parseEntityRef(explicit, {
          defaultKind: 'dataproduct',
          defaultNamespace: ctx.namespace,
        });
        return upstreamPort(
          ctx,
          `${ref.kind.toLowerCase()}:${ref.namespace}/${ref.name}`,
          portName,
          portPath,
        );
      } catch {
        ctx.report(
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
    ctx.report(
      portPath,
      `cannot tell which data product owns output port '${associated}'; add associated_data_product: <product name>, or write the port as <product>/<port>`,
    );
    return undefined;
  }
  const product = deriveIdentifier(productName, 'product');
  if (product.error !== undefined) {
    ctx.report(productPath, product.error);
    return undefined;
  }
  return upstreamPort(
    ctx,
    `dataproduct:${ctx.namespace}/${product.identifier}`,
    portName,
    portPath,
  );
}

/** The upstream reference with its output port's identifier. */
function upstreamPort(
  ctx: OamContext,
  dataProduct: string,
  portName: string,
  portPath: DocumentPath,
) {
  const port = deriveIdentifier(portName, 'port');
  if (port.error !== undefined) {
    ctx.report(portPath, port.error);
    return undefined;
  }
  return { dataProduct, outputPort: port.identifier };
}
