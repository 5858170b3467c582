/*
 * How the consumer of a granted request reads its port
 * (`GET /access-requests/:id/connection`): the engine's portReading for
 * the request's product, port, grantee and PII choice, with the port's own
 * connection URL and instructions from its spec. Whoever may see the
 * request may see how to read it; nothing is asked of the warehouse, whose
 * dialect spells the names.
 */
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  stringifyError,
} from '@backstage/errors';
import {
  type AccessRequestConnection,
  holdsGrant,
} from '@datamesh/plugin-data-mesh-common';
import {
  type WarehouseAdapter,
  assessProducts,
  portReading,
} from '@datamesh/plugin-data-mesh-node';
import { noWarehouseNames } from '../infra/InfrastructureService';
import type { AccessRequestRecord } from './AccessRequestStore';
import type { AccessContext } from './transition';
import { loadProduct } from './parties';

/** The reading of one request the caller may see. */
export async function requestConnection(
  ctx: AccessContext,
  request: AccessRequestRecord,
): Promise<AccessRequestConnection> {
  if (!holdsGrant(request.state)) {
    throw new ConflictError(
      `access request ${request.id} is ${request.state}: it grants nothing to read`,
    );
  }
  if (!ctx.getAdapter) {
    throw new ConflictError('no warehouse is configured here');
  }
  const product = await loadProduct(ctx, request.product);
  if (!product) {
    throw new NotFoundError(`No DataProduct ${request.product} in the catalog`);
  }
  let adapter: WarehouseAdapter;
  try {
    adapter = await ctx.getAdapter();
  } catch (e) {
    // the driver's message may name the connection: it goes to the logs
    // (which redact the config's secrets), not to the caller
    ctx.logger.warn(
      `How to read ${
        request.id
      }: the warehouse could not be opened: ${stringifyError(e)}`,
    );
    throw new ServiceUnavailableError('the warehouse could not be opened');
  }
  const { products } = await assessProducts([product], ctx.platform, adapter, {
    namesOnly: true,
  });
  const names = products[0].desired?.products[0];
  if (!names) throw noWarehouseNames(products[0]);
  const reading = portReading(
    {
      product,
      names,
      outputPort: request.outputPort,
      grantee: request.grantee,
      pii: request.pii,
    },
    adapter,
  );
  // where the port's authors say to connect (host, account, a tool's URL)
  const port = product.spec.outputPorts?.find(
    p => p.name === request.outputPort,
  );
  return {
    id: request.id,
    product: request.product,
    outputPort: request.outputPort,
    state: request.state,
    warehouse: {
      dialect: adapter.dialect.id,
      displayName: adapter.dialect.displayName,
    },
    ...(port?.url ? { url: port.url } : {}),
    ...(port?.instructions ? { instructions: port.instructions } : {}),
    ...reading,
  };
}
