/*
 * Reading the governance API (`/api/data-mesh/governance`). A small reader
 * of its own beside the shared DataMeshClient: two read-only calls, and the
 * shared client's interface (implemented by many test doubles) stays as it is.
 */
import {
  type DiscoveryApi,
  type FetchApi,
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import type {
  GovernanceProductResponse,
  GovernanceSummaryResponse,
} from '@datamesh/plugin-data-mesh-common';

async function getJson<T>(
  discovery: DiscoveryApi,
  fetchApi: FetchApi,
  path: string,
): Promise<T> {
  const base = await discovery.getBaseUrl('data-mesh');
  const res = await fetchApi.fetch(`${base}${path}`);
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json())?.error?.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message);
  }
  return (await res.json()) as T;
}

/** The two governance calls, with the app's discovery and fetch. */
export function useGovernanceApi() {
  const discovery = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return {
    product: (ref: string) =>
      getJson<GovernanceProductResponse>(
        discovery,
        fetchApi,
        `/governance?product=${encodeURIComponent(ref)}`,
      ),
    summary: () =>
      getJson<GovernanceSummaryResponse>(
        discovery,
        fetchApi,
        '/governance/summary',
      ),
  };
}
