/*
 * The REST API of the data-mesh backend (`/api/data-mesh`), described once:
 * data-mesh.openapi.json is the OpenAPI 3.1 document. The backend's tests
 * check that its routers serve exactly these paths and that real responses
 * validate against it; the frontend client builds its URLs from the
 * document's path templates (a path it calls that the document lacks does
 * not compile) and reads the bodies as the shared types of ../slo/api,
 * ../infra/api and ../access, which the tests check against the document's schemas.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type {
  AccessRequest,
  AccessRequestConnection,
  AccessRequestListResponse,
  ProductReadersResponse,
} from '../access';
import type {
  ProductChangesResponse,
  ProductLastChangesResponse,
} from '../changes/api';
import type { ProductLifecycle, RetirementPlanView } from '../lifecycle';
import type {
  AccessDriftRepairResponse,
  InfrastructureApplyResponse,
  InfrastructureDriftSummaryResponse,
  UnexplainedGrantsResponse,
  InfrastructureRepairRun,
  InfrastructureRepairRunListResponse,
  ProductInfrastructureResponse,
  SandboxCreateResult,
  SandboxDeleteResponse,
  SandboxKeepResponse,
} from '../infra/api';
import type { InfrastructureChangeReportResponse } from '../infra/reports';
import type { SandboxClaim } from '../infra/sandboxClaims';
import type {
  InfrastructureLeftoversResponse,
  LeftoverDropResponse,
  LeftoverKeepResponse,
  LeftoversSeenResponse,
} from '../infra/leftovers';
import type {
  ProductSlosResponse,
  SloFleetResponse,
  SloPushResponse,
} from '../slo/api';
import type {
  SpecCheckResponse,
  SpecProblemsResponse,
} from '../specProblems/api';
import type {
  GovernanceProductResponse,
  GovernanceSummaryResponse,
} from '../governance/api';
import type { ProductUsage } from '../usage';
import type {
  ProductQualityResponse,
  QualityFailingResponse,
  QualityProductsResponse,
  QualityReportResponse,
} from '../quality/api';
import spec from './data-mesh.openapi.json';

/** The OpenAPI 3.1 document of the data-mesh backend's REST API. @public */
export const dataMeshOpenApiSpec = spec;

/** A path template of the API, e.g. `/products/{namespace}/{name}/slos`. @public */
export type DataMeshApiPath = keyof typeof spec.paths;

/** The parameters a path template names, e.g. `{ namespace: string; name: string }`. @public */
export type DataMeshApiPathParams<P extends string> =
  P extends `${string}{${infer Name}}${infer Rest}`
    ? { [K in Name]: string } & DataMeshApiPathParams<Rest>
    : {};

/**
 * The body of each path's successful response. The keys are exactly the
 * document's paths (checked below at compile time).
 * @public
 */
export interface DataMeshApiResponses {
  '/health': { status: 'ok' };
  '/products/{namespace}/{name}/slos': ProductSlosResponse;
  '/slos': SloFleetResponse;
  '/products/{namespace}/{name}/observations': SloPushResponse;
  '/products/{namespace}/{name}/infrastructure': ProductInfrastructureResponse;
  '/infrastructure/drift': InfrastructureDriftSummaryResponse;
  '/infrastructure/unexplained-grants': UnexplainedGrantsResponse;
  /** GET; POST answers with one InfrastructureRepairRun. */
  '/infrastructure/repairs': InfrastructureRepairRunListResponse;
  '/infrastructure/repairs/{id}': InfrastructureRepairRun;
  /** POST only. */
  '/infrastructure/repairs/{id}/stop': InfrastructureRepairRun;
  /** POST only. */
  '/products/{namespace}/{name}/access-drift/repair': AccessDriftRepairResponse;
  /** POST only. */
  '/products/{namespace}/{name}/infrastructure/apply': InfrastructureApplyResponse;
  /** POST only: 201. */
  '/products/{namespace}/{name}/infrastructure/reports': InfrastructureChangeReportResponse;
  /** POST only: 201 made, 202 still being made. */
  '/products/{namespace}/{name}/sandboxes': SandboxCreateResult;
  /** DELETE only. */
  '/products/{namespace}/{name}/sandboxes/{branch}': SandboxDeleteResponse;
  /** POST only. */
  '/products/{namespace}/{name}/sandboxes/{branch}/keep': SandboxKeepResponse;
  '/infrastructure/leftovers': InfrastructureLeftoversResponse;
  '/infrastructure/leftovers/seen': LeftoversSeenResponse;
  /** POST only. */
  '/products/{namespace}/{name}/leftovers/drop': LeftoverDropResponse;
  /** PUT keeps; DELETE no longer. */
  '/products/{namespace}/{name}/leftovers/keep': LeftoverKeepResponse;
  /** POST only: 201. */
  '/products/{namespace}/{name}/sandbox-claims': SandboxClaim;
  /** PUT; DELETE answers 204. */
  '/products/{namespace}/{name}/sandbox-claims/{id}': SandboxClaim;
  /** GET; POST answers with one AccessRequest. */
  '/access-requests': AccessRequestListResponse;
  /** POST only. */
  '/access-requests/record': AccessRequest;
  '/access/readers': ProductReadersResponse;
  '/access-requests/{id}/approve': AccessRequest;
  '/access-requests/{id}/reject': AccessRequest;
  '/access-requests/{id}/revoke': AccessRequest;
  '/access-requests/{id}/extend': AccessRequest;
  '/access-requests/{id}/cancel': AccessRequest;
  '/access-requests/{id}/connection': AccessRequestConnection;
  '/changes': ProductChangesResponse;
  '/changes/latest': ProductLastChangesResponse;
  /** GET; POST …/deprecation answers with the same record. */
  '/lifecycle/{namespace}/{name}': ProductLifecycle;
  '/lifecycle/{namespace}/{name}/deprecation': ProductLifecycle;
  /** GET; POST answers with a RetirementApplyResult. */
  '/lifecycle/{namespace}/{name}/retirement': RetirementPlanView;
  '/spec-problems': SpecProblemsResponse;
  /** POST only. */
  '/specs/check': SpecCheckResponse;
  '/governance': GovernanceProductResponse;
  '/governance/summary': GovernanceSummaryResponse;
  '/products/{namespace}/{name}/usage': ProductUsage;
  '/products/{namespace}/{name}/quality': ProductQualityResponse;
  /** POST only. */
  '/products/{namespace}/{name}/quality/run': ProductQualityResponse;
  /** POST only. */
  '/products/{namespace}/{name}/quality/reports': QualityReportResponse;
  '/quality/failing': QualityFailingResponse;
  '/quality/products': QualityProductsResponse;
}

// A path added to the document without a response type here (or the other
// way round) fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const everyPathTyped: Same<keyof DataMeshApiResponses, DataMeshApiPath> = true;
void everyPathTyped;

/**
 * A path of the API with its parameters filled in and escaped, relative to
 * the plugin's base URL: `dataMeshApiUrl('/products/{namespace}/{name}/slos',
 * { namespace: 'default', name: 'orders' })`.
 * @public
 */
export function dataMeshApiUrl<P extends DataMeshApiPath>(
  path: P,
  params: DataMeshApiPathParams<P>,
): string {
  const values = params as Record<string, string>;
  return path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(values[name]),
  );
}

/** The route of the document that an operation is, e.g. `GET /slos`. @public */
export interface DataMeshApiOperation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: DataMeshApiPath;
}

/** Every operation the document describes. @public */
export function dataMeshApiOperations(): DataMeshApiOperation[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item).map(method => ({
      method: method as DataMeshApiOperation['method'],
      path: path as DataMeshApiPath,
    })),
  );
}

/**
 * Validates bodies against the document's schemas (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses). Each method returns the problems found, empty when the
 * body is valid.
 * @public
 */
export interface DataMeshApiValidator {
  /** A response body of `operation` with this status. */
  response(
    operation: DataMeshApiOperation,
    status: number,
    body: unknown,
  ): string[];
  /** A request body of `operation`. */
  requestBody(operation: DataMeshApiOperation, body: unknown): string[];
}

/** @public */
export function createDataMeshApiValidator(): DataMeshApiValidator {
  // strict: false: the document's own keywords (paths, components …) sit
  // beside the schemas the references point into
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...spec, $id: 'data-mesh' });
  const pointer = (...parts: string[]) =>
    parts.map(p => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  const compiled = new Map<string, ValidateFunction>();
  const validate = (ref: string, body: unknown) => {
    if (!compiled.has(ref)) {
      compiled.set(ref, ajv.compile({ $ref: `data-mesh#/${ref}` }));
    }
    const check = compiled.get(ref)!;
    return check(body)
      ? []
      : (check.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`);
  };
  const operationOf = ({ method, path }: DataMeshApiOperation) => {
    const item = (spec.paths as Record<string, Record<string, any>>)[path];
    if (!item?.[method]) throw new Error(`${method} ${path} is not described`);
    return item[method];
  };
  return {
    response(operation, status, body) {
      const response = operationOf(operation).responses[String(status)];
      if (!response) return [`status ${status} is not described`];
      if (!response.$ref && !response.content) {
        // an answer without a body (204): any body is one too many
        const empty =
          body === undefined ||
          body === '' ||
          (typeof body === 'object' &&
            body !== null &&
            Object.keys(body).length === 0);
        return empty ? [] : [`status ${status} has no body`];
      }
      // shared responses (400, 401) are references into components
      const at: string = response.$ref
        ? response.$ref.slice(2)
        : `${pointer(
            'paths',
            operation.path,
            operation.method,
          )}/responses/${status}`;
      return validate(`${at}/content/application~1json/schema`, body);
    },
    requestBody(operation, body) {
      if (!operationOf(operation).requestBody) return ['no request body'];
      const at = pointer('paths', operation.path, operation.method);
      return validate(
        `${at}/requestBody/content/application~1json/schema`,
        body,
      );
    },
  };
}
