import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  type DataMeshApiPath,
  type DataMeshApiPathParams,
  type DataMeshApiResponses,
  type InfrastructureDriftSummaryResponse,
  type ProductInfrastructureResponse,
  type ProductSlosResponse,
  type SloFleetResponse,
  dataMeshApiUrl,
} from '@datamesh/plugin-data-mesh-common';
import type { DataMeshApi, SloFleetFilter } from './DataMeshApi';

/**
 * The backend could not be asked at all (network failure, or something other
 * than the data mesh backend answered), as opposed to a `ResponseError`,
 * where the backend answered with an error of its own.
 * @public
 */
export class DataMeshUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'DataMeshUnreachableError';
    if (options?.cause !== undefined) (this as any).cause = options.cause;
  }
}

/**
 * {@link DataMeshApi} over HTTP: `discoveryApi` finds the `data-mesh`
 * backend plugin, `fetchApi` adds the user's Backstage token. Paths and
 * response types come from the API's OpenAPI document in data-mesh-common.
 * @public
 */
export class DataMeshClient implements DataMeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getProductSlos(product: {
    namespace: string;
    name: string;
  }): Promise<ProductSlosResponse> {
    return this.get('/products/{namespace}/{name}/slos', product);
  }

  async getSloFleet(filter: SloFleetFilter = {}): Promise<SloFleetResponse> {
    const query = new URLSearchParams();
    for (const owner of filter.owners ?? []) query.append('owner', owner);
    for (const domain of filter.domains ?? []) query.append('domain', domain);
    return this.get('/slos', {}, query);
  }

  // --- infrastructure (the Infrastructure card) ---
  async getInfrastructure(
    product: string | { namespace?: string; name: string },
  ): Promise<ProductInfrastructureResponse> {
    const { namespace, name } =
      typeof product === 'string'
        ? parseEntityRef(product, {
            defaultKind: 'DataProduct',
            defaultNamespace: 'default',
          })
        : { namespace: product.namespace ?? 'default', name: product.name };
    return this.get('/products/{namespace}/{name}/infrastructure', {
      namespace,
      name,
    });
  }

  async getInfrastructureDrift(): Promise<InfrastructureDriftSummaryResponse> {
    return this.get('/infrastructure/drift', {});
  }

  private async get<P extends DataMeshApiPath>(
    path: P,
    params: DataMeshApiPathParams<P>,
    query?: URLSearchParams,
  ): Promise<DataMeshApiResponses[P]> {
    const baseUrl = await this.discoveryApi.getBaseUrl('data-mesh');
    const qs = query?.toString();
    const url = `${baseUrl}${dataMeshApiUrl(path, params)}${
      qs ? `?${qs}` : ''
    }`;
    let response: Response;
    try {
      response = await this.fetchApi.fetch(url);
    } catch (e) {
      throw new DataMeshUnreachableError(
        `The data mesh backend could not be reached at ${baseUrl}: ${
          (e as Error)?.message ?? String(e)
        }`,
        { cause: e },
      );
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    // A frontend dev server or a proxy without the backend plugin answers
    // unknown paths with the app's index.html and status 200.
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) {
      throw new DataMeshUnreachableError(
        `${url} answered with ${
          type || 'no content type'
        } instead of JSON; is @datamesh/plugin-data-mesh-backend installed in the backend?`,
      );
    }
    return (await response.json()) as DataMeshApiResponses[P];
  }
}
