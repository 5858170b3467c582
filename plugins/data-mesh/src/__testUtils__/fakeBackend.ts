import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import type { SloFleetItem } from '@datamesh/plugin-data-mesh-common';
import { DataMeshClient, dataMeshApiRef } from '../api';
import { fleetResponse } from './sloFixtures';

/*
 * A fetchApi test double standing in for the data mesh backend: the real
 * DataMeshClient talks to it, so component tests also exercise the client's
 * URLs, JSON parsing and error handling.
 */

export const BASE_URL = 'http://backend.test/api/data-mesh';

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** An error answer as Backstage's errorHandler writes it. */
export function errorResponse(
  status: number,
  name: string,
  message: string,
): Response {
  return jsonResponse(
    {
      error: { name, message },
      request: { method: 'GET', url: '/' },
      response: { statusCode: status },
    },
    status,
  );
}

/** A request as a route sees it. */
export interface FakeRequest {
  url: URL;
  method: string;
  /** The parsed JSON body, if any. */
  body: any;
  /** Values of the route's `{name}` placeholders. */
  params: Record<string, string>;
}

/**
 * Per path below the plugin's base URL: a JSON body, a Response factory
 * (given the request URL and the request), or an Error to throw (network
 * failure). A path may be a template of the OpenAPI document
 * (`/access-requests/{id}/approve`); exact paths win.
 */
export type FakeRoutes = Record<string, unknown>;

function matchRoute(routes: FakeRoutes, path: string) {
  if (path in routes) return { route: routes[path], params: {} };
  for (const [template, route] of Object.entries(routes)) {
    if (!template.includes('{')) continue;
    const names: string[] = [];
    const pattern = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const m = new RegExp(`^${pattern}$`).exec(path);
    if (m) {
      const params = Object.fromEntries(
        names.map((name, i) => [name, decodeURIComponent(m[i + 1])]),
      );
      return { route, params };
    }
  }
  return { route: undefined, params: {} };
}

export function fakeDataMeshBackend(routes: FakeRoutes) {
  const requests: URL[] = [];
  const fetchApi = {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      requests.push(url);
      const path = url.pathname.slice(new URL(BASE_URL).pathname.length);
      const { route, params } = matchRoute(routes, path);
      // not instanceof: jest's jsdom realm has its own Error
      if (Object.prototype.toString.call(route) === '[object Error]') {
        throw route;
      }
      if (typeof route === 'function') {
        const request: FakeRequest = {
          url,
          method: init?.method ?? 'GET',
          body:
            typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
          params,
        };
        return (route as (url: URL, request: FakeRequest) => Response)(
          url,
          request,
        );
      }
      if (route === undefined) {
        return errorResponse(404, 'NotFoundError', `no route ${path}`);
      }
      return jsonResponse(route);
    },
  };
  const discoveryApi = { getBaseUrl: async (_pluginId: string) => BASE_URL };
  const api = new DataMeshClient({ discoveryApi, fetchApi });
  return {
    api,
    requests,
    apiEntry: [dataMeshApiRef, api] as const,
    /** The app's own fetch and discovery, for parts that call the backend without the client. */
    appEntries: [
      [fetchApiRef, fetchApi],
      [discoveryApiRef, discoveryApi],
    ] as const,
  };
}

/** `GET /slos` filtered by its `owner` parameters, as the router does. */
export function fleetByOwner(items: SloFleetItem[]) {
  return (url: URL) => {
    const owners = url.searchParams.getAll('owner');
    return jsonResponse(
      fleetResponse(
        owners.length
          ? items.filter(i => i.owner && owners.includes(i.owner))
          : items,
      ),
    );
  };
}
