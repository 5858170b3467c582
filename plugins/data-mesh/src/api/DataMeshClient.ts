import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  InfrastructureDriftSummaryResponse,
  ProductInfrastructureResponse,
  ProductSlosResponse,
  SloFleetResponse,
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
 * backend plugin, `fetchApi` adds the user's Backstage token.
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
    return this.get<ProductSlosResponse>(
      `/products/${encodeURIComponent(product.namespace)}/${encodeURIComponent(
        product.name,
      )}/slos`,
    );
  }

  async getSloFleet(filter: SloFleetFilter = {}): Promise<SloFleetResponse> {
    const query = new URLSearchParams();
    for (const owner of filter.owners ?? []) query.append('owner', owner);
    for (const domain of filter.domains ?? []) query.append('domain', domain);
    const qs = query.toString();
    return this.get<SloFleetResponse>(`/slos${qs ? `?${qs}` : ''}`);
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
    return this.get<ProductInfrastructureResponse>(
      `/products/${encodeURIComponent(namespace)}/${encodeURIComponent(
        name,
      )}/infrastructure`,
    );
  }

  async getInfrastructureDrift(): Promise<InfrastructureDriftSummaryResponse> {
    return this.get<InfrastructureDriftSummaryResponse>(
      '/infrastructure/drift',
    );
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('data-mesh');
    const url = `${baseUrl}${path}`;
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
    return (await response.json()) as T;
  }
}
