import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  type AccessDriftRepairBody,
  type AccessDriftRepairResponse,
  type AccessRequest,
  type AccessRequestActionBody,
  type AccessRequestConnection,
  type AccessAgreementRecordBody,
  type ProductReadersResponse,
  type AccessRequestCreateBody,
  type AccessRequestListResponse,
  type DataMeshApiPath,
  type DataMeshApiPathParams,
  type DataMeshApiResponses,
  type InfrastructureApplyBody,
  type InfrastructureApplyResponse,
  type InfrastructureDriftSummaryResponse,
  type InfrastructureLeftoversResponse,
  type LeftoverDropBody,
  type LeftoverDropResponse,
  type LeftoversSeenResponse,
  type LeftoverKeepBody,
  type LeftoverKeepResponse,
  type UnexplainedGrantsResponse,
  type InfrastructureRepairRun,
  type InfrastructureRepairRunBody,
  type InfrastructureRepairRunListResponse,
  type ProductChangesResponse,
  type ProductLastChangesResponse,
  type ProductInfrastructureResponse,
  type ProductLifecycle,
  type RetirementApplyBody,
  type RetirementApplyResult,
  type RetirementPlanView,
  type ProductQualityResponse,
  type QualityFailingResponse,
  type QualityProductsResponse,
  type ProductUsage,
  type ProductSlosResponse,
  type SandboxCreateBody,
  type SandboxCreateResult,
  type SandboxDeleteResponse,
  type SandboxKeepResponse,
  type SloFleetResponse,
  type SpecCheckRequest,
  type SpecCheckResponse,
  type SpecProblemsResponse,
  dataMeshApiUrl,
} from '@datamesh/plugin-data-mesh-common';
import type {
  AccessRequestOperation,
  AccessRequestFilter,
  DataMeshApi,
  SloFleetFilter,
  SpecProblemsFilter,
} from './DataMeshApi';

// One path of the document per action (the router serves four routes).
const ACCESS_ACTION_PATHS = {
  approve: '/access-requests/{id}/approve',
  reject: '/access-requests/{id}/reject',
  revoke: '/access-requests/{id}/revoke',
  extend: '/access-requests/{id}/extend',
  cancel: '/access-requests/{id}/cancel',
} as const satisfies Record<AccessRequestOperation, DataMeshApiPath>;

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

  async repairAccessDrift(
    product: { namespace: string; name: string },
    body: AccessDriftRepairBody,
  ): Promise<AccessDriftRepairResponse> {
    return this.send<AccessDriftRepairResponse>(
      dataMeshApiUrl(
        '/products/{namespace}/{name}/access-drift/repair',
        product,
      ),
      { method: 'POST', body },
    );
  }

  async applyInfrastructure(
    product: { namespace: string; name: string },
    body: InfrastructureApplyBody,
  ): Promise<InfrastructureApplyResponse> {
    return this.send<InfrastructureApplyResponse>(
      dataMeshApiUrl(
        '/products/{namespace}/{name}/infrastructure/apply',
        product,
      ),
      { method: 'POST', body },
    );
  }

  async createSandbox(
    product: { namespace: string; name: string },
    body: SandboxCreateBody,
  ): Promise<SandboxCreateResult> {
    return this.send<SandboxCreateResult>(
      dataMeshApiUrl('/products/{namespace}/{name}/sandboxes', product),
      { method: 'POST', body },
    );
  }

  async deleteSandbox(
    product: { namespace: string; name: string },
    branch: string,
  ): Promise<SandboxDeleteResponse> {
    return this.send<SandboxDeleteResponse>(
      dataMeshApiUrl('/products/{namespace}/{name}/sandboxes/{branch}', {
        ...product,
        branch,
      }),
      { method: 'DELETE' },
    );
  }

  async keepSandbox(
    product: { namespace: string; name: string },
    branch: string,
  ): Promise<SandboxKeepResponse> {
    return this.send<SandboxKeepResponse>(
      dataMeshApiUrl('/products/{namespace}/{name}/sandboxes/{branch}/keep', {
        ...product,
        branch,
      }),
      { method: 'POST' },
    );
  }

  async getInfrastructureLeftovers(): Promise<InfrastructureLeftoversResponse> {
    return this.get('/infrastructure/leftovers', {});
  }

  async dropLeftovers(
    product: { namespace: string; name: string },
    body: LeftoverDropBody,
  ): Promise<LeftoverDropResponse> {
    return this.send<LeftoverDropResponse>(
      dataMeshApiUrl('/products/{namespace}/{name}/leftovers/drop', product),
      { method: 'POST', body },
    );
  }

  async getInfrastructureDrift(): Promise<InfrastructureDriftSummaryResponse> {
    return this.get('/infrastructure/drift', {});
  }

  async listLeftoversSeen(): Promise<LeftoversSeenResponse> {
    return this.get('/infrastructure/leftovers/seen', {});
  }

  async keepLeftovers(
    product: { namespace: string; name: string },
    body: LeftoverKeepBody,
  ): Promise<LeftoverKeepResponse> {
    return this.send<LeftoverKeepResponse>(
      dataMeshApiUrl('/products/{namespace}/{name}/leftovers/keep', product),
      { method: 'PUT', body },
    );
  }

  async stopKeepingLeftovers(product: {
    namespace: string;
    name: string;
  }): Promise<LeftoverKeepResponse> {
    return this.send<LeftoverKeepResponse>(
      dataMeshApiUrl('/products/{namespace}/{name}/leftovers/keep', product),
      { method: 'DELETE' },
    );
  }

  async listUnexplainedGrants(
    product?: string,
  ): Promise<UnexplainedGrantsResponse> {
    return this.get(
      '/infrastructure/unexplained-grants',
      {},
      product ? new URLSearchParams({ product }) : undefined,
    );
  }

  async startRepairRun(
    body: InfrastructureRepairRunBody,
  ): Promise<InfrastructureRepairRun> {
    return this.send<InfrastructureRepairRun>(
      dataMeshApiUrl('/infrastructure/repairs', {}),
      { method: 'POST', body },
    );
  }

  async getRepairRun(id: string): Promise<InfrastructureRepairRun> {
    return this.get('/infrastructure/repairs/{id}', { id });
  }

  async listRepairRuns(
    options: { limit?: number } = {},
  ): Promise<InfrastructureRepairRunListResponse> {
    const query = new URLSearchParams();
    if (options.limit) query.set('limit', String(options.limit));
    return this.get('/infrastructure/repairs', {}, query);
  }

  async stopRepairRun(id: string): Promise<InfrastructureRepairRun> {
    return this.send<InfrastructureRepairRun>(
      dataMeshApiUrl('/infrastructure/repairs/{id}/stop', { id }),
      { method: 'POST' },
    );
  }

  // --- access requests (Request access, the Access tab, inbox, My access) ---
  async listAccessRequests(
    filter: AccessRequestFilter = {},
  ): Promise<AccessRequestListResponse> {
    const query = new URLSearchParams();
    for (const key of ['product', 'consumer', 'state'] as const) {
      const value = filter[key];
      if (value) query.set(key, value);
    }
    if (filter.pii !== undefined) query.set('pii', String(filter.pii));
    if (filter.mine) query.set('mine', 'true');
    if (filter.ours) query.set('ours', 'true');
    if (filter.inbox) query.set('inbox', 'true');
    return this.send<AccessRequestListResponse>(
      dataMeshApiUrl('/access-requests', {}),
      { query },
    );
  }

  async createAccessRequest(
    body: AccessRequestCreateBody,
  ): Promise<AccessRequest> {
    return this.send<AccessRequest>(dataMeshApiUrl('/access-requests', {}), {
      method: 'POST',
      body,
    });
  }

  async recordAccessAgreement(
    body: AccessAgreementRecordBody,
  ): Promise<AccessRequest> {
    return this.send<AccessRequest>(
      dataMeshApiUrl('/access-requests/record', {}),
      { method: 'POST', body },
    );
  }

  async listProductReaders(product?: string): Promise<ProductReadersResponse> {
    return this.get(
      '/access/readers',
      {},
      product ? new URLSearchParams({ product }) : undefined,
    );
  }

  async actOnAccessRequest(
    id: string,
    action: AccessRequestOperation,
    body: AccessRequestActionBody = {},
  ): Promise<AccessRequest> {
    return this.send<AccessRequest>(
      dataMeshApiUrl(ACCESS_ACTION_PATHS[action], { id }),
      { method: 'POST', body },
    );
  }

  async getAccessRequestConnection(
    id: string,
  ): Promise<AccessRequestConnection> {
    return this.get('/access-requests/{id}/connection', { id });
  }

  // --- the Changes tab ---
  async listProductChanges(product: string): Promise<ProductChangesResponse> {
    return this.get('/changes', {}, new URLSearchParams({ product }));
  }

  async listLastProductChanges(): Promise<ProductLastChangesResponse> {
    return this.get('/changes/latest', {});
  }

  async getProductLifecycle(product: {
    namespace: string;
    name: string;
  }): Promise<ProductLifecycle> {
    return this.get('/lifecycle/{namespace}/{name}', product);
  }

  async getRetirementPlan(product: {
    namespace: string;
    name: string;
  }): Promise<RetirementPlanView> {
    return this.get('/lifecycle/{namespace}/{name}/retirement', product);
  }

  async applyRetirement(
    product: { namespace: string; name: string },
    body: RetirementApplyBody,
  ): Promise<RetirementApplyResult> {
    return this.send<RetirementApplyResult>(
      dataMeshApiUrl('/lifecycle/{namespace}/{name}/retirement', product),
      { method: 'POST', body },
    );
  }

  // --- usage (the Access tab) ---
  async getProductUsage(product: {
    namespace: string;
    name: string;
  }): Promise<ProductUsage> {
    return this.get('/products/{namespace}/{name}/usage', product);
  }

  // --- data quality (the Data quality card) ---
  async getProductQuality(product: {
    namespace: string;
    name: string;
  }): Promise<ProductQualityResponse> {
    return this.get('/products/{namespace}/{name}/quality', product);
  }

  async listFailingQuality(): Promise<QualityFailingResponse> {
    return this.get('/quality/failing', {});
  }

  async listProductsQuality(): Promise<QualityProductsResponse> {
    return this.get('/quality/products', {});
  }

  async runProductQuality(product: {
    namespace: string;
    name: string;
  }): Promise<ProductQualityResponse> {
    return this.send<ProductQualityResponse>(
      dataMeshApiUrl('/products/{namespace}/{name}/quality/run', product),
      { method: 'POST' },
    );
  }

  // --- spec problems and Check a spec ---
  async listSpecProblems(
    filter: SpecProblemsFilter = {},
  ): Promise<SpecProblemsResponse> {
    const query = new URLSearchParams();
    if (filter.mine) query.set('mine', 'true');
    if (filter.owner) query.set('owner', filter.owner);
    return this.get('/spec-problems', {}, query);
  }

  async checkSpec(request: SpecCheckRequest): Promise<SpecCheckResponse> {
    return this.send<SpecCheckResponse>(dataMeshApiUrl('/specs/check', {}), {
      method: 'POST',
      body: request,
    });
  }

  private async get<P extends DataMeshApiPath>(
    path: P,
    params: DataMeshApiPathParams<P>,
    query?: URLSearchParams,
  ): Promise<DataMeshApiResponses[P]> {
    return this.send<DataMeshApiResponses[P]>(dataMeshApiUrl(path, params), {
      query,
    });
  }

  /** `relativePath` comes from `dataMeshApiUrl`, so it is a path of the document. */
  private async send<T>(
    relativePath: string,
    options: {
      query?: URLSearchParams;
      method?: 'POST' | 'PUT' | 'DELETE';
      body?: unknown;
    },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('data-mesh');
    const qs = options.query?.toString();
    const url = `${baseUrl}${relativePath}${qs ? `?${qs}` : ''}`;
    let response: Response;
    try {
      if (options.method === 'POST' || options.method === 'PUT') {
        response = await this.fetchApi.fetch(url, {
          method: options.method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(options.body ?? {}),
        });
      } else if (options.method) {
        response = await this.fetchApi.fetch(url, { method: options.method });
      } else {
        response = await this.fetchApi.fetch(url);
      }
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
