import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AccessDriftRepairBody,
  AccessDriftRepairResponse,
  AccessRequest,
  AccessRequestActionBody,
  AccessRequestConnection,
  AccessAgreementRecordBody,
  ProductReadersResponse,
  AccessRequestCreateBody,
  AccessRequestListResponse,
  AccessRequestState,
  InfrastructureApplyBody,
  InfrastructureApplyResponse,
  InfrastructureDriftSummaryResponse,
  InfrastructureLeftoversResponse,
  LeftoverDropBody,
  LeftoverDropResponse,
  LeftoversSeenResponse,
  LeftoverKeepBody,
  LeftoverKeepResponse,
  UnexplainedGrantsResponse,
  InfrastructureRepairRun,
  InfrastructureRepairRunBody,
  InfrastructureRepairRunListResponse,
  ProductChangesResponse,
  ProductLastChangesResponse,
  ProductInfrastructureResponse,
  ProductLifecycle,
  RetirementApplyBody,
  RetirementApplyResult,
  RetirementPlanView,
  ProductQualityResponse,
  QualityFailingResponse,
  QualityProductsResponse,
  ProductUsage,
  ProductSlosResponse,
  SandboxCreateBody,
  SandboxCreateResult,
  SandboxDeleteResponse,
  SandboxKeepResponse,
  SloFleetResponse,
  SpecCheckRequest,
  SpecCheckResponse,
  SpecProblemsResponse,
} from '@datamesh/plugin-data-mesh-common';

/** Which products the fleet summary covers; empty: all. @public */
export interface SloFleetFilter {
  /** Owner entity refs (`group:default/team`); a product matches any of them. */
  owners?: string[];
  /** Domain entity refs (`domain:default/sales`). */
  domains?: string[];
}

/** Filters of the access-request list; each narrows it, none: every request I may see. @public */
export interface AccessRequestFilter {
  /** Entity ref of the data product. */
  product?: string;
  /** Entity ref of the consumer (group or data product). */
  consumer?: string;
  state?: AccessRequestState;
  /** Only requests with (true) or without (false) personal data in clear. */
  pii?: boolean;
  /** Only the requests I made. */
  mine?: boolean;
  /** Only the requests I made and those made for my groups or their products, whoever asked: the access I read with. */
  ours?: boolean;
  /** Only what I decide: pending requests of others on my groups' products and the ports I approve. */
  inbox?: boolean;
}

/** Which failing spec files to list; none: all of them. @public */
export interface SpecProblemsFilter {
  /** Only specs naming one of the signed-in user's groups (or the user) as owner. */
  mine?: boolean;
  /** Only specs naming this owner (entity ref). */
  owner?: string;
}

/** The decisions and changes on one access request. @public */
export type AccessRequestOperation =
  | 'approve'
  | 'reject'
  | 'revoke'
  | 'extend'
  | 'cancel';

/**
 * The data mesh backend (`@datamesh/plugin-data-mesh-backend`) as the
 * frontend sees it.
 * @public
 */
export interface DataMeshApi {
  /** The objectives of one DataProduct with their evaluation, history and latest observations. */
  getProductSlos(product: {
    namespace: string;
    name: string;
  }): Promise<ProductSlosResponse>;
  /** One row per product, worst first. */
  getSloFleet(filter?: SloFleetFilter): Promise<SloFleetResponse>;
  /**
   * Infrastructure (added by the Infrastructure card): declared versus
   * actual warehouse objects of one DataProduct and the plan that would
   * repair the drift. `product` is an entity ref string
   * (`dataproduct:default/orders`, kind optional) or `{ namespace, name }`.
   */
  getInfrastructure(
    product: string | { namespace?: string; name: string },
  ): Promise<ProductInfrastructureResponse>;
  /**
   * Repair a DataProduct's access drift (owners and admins): re-grant what
   * its active requests miss and, with `revokeUnmanaged`, revoke what no
   * request explains. What was sent, and the access drift afterwards.
   */
  repairAccessDrift(
    product: { namespace: string; name: string },
    body: AccessDriftRepairBody,
  ): Promise<AccessDriftRepairResponse>;
  /**
   * Apply a DataProduct's plan (owners and admins): provision it, or repair
   * its drift; revokes and drops only with `allowDestructive`. What was
   * sent, and its infrastructure afterwards.
   */
  applyInfrastructure(
    product: { namespace: string; name: string },
    body: InfrastructureApplyBody,
  ): Promise<InfrastructureApplyResponse>;
  /**
   * Drop a feature branch's sandbox of a DataProduct (owners and admins):
   * the branch (or its suffix, as the product's sandboxes list it). What was
   * dropped, and the product's sandboxes left.
   */
  deleteSandbox(
    product: { namespace: string; name: string },
    branch: string,
  ): Promise<SandboxDeleteResponse>;
  /**
   * Keep a feature branch's sandbox past its expiry (owners and admins):
   * its time runs anew; when the platform now deletes it, and the
   * product's sandboxes.
   */
  keepSandbox(
    product: { namespace: string; name: string },
    branch: string,
  ): Promise<SandboxKeepResponse>;
  /**
   * Make a feature branch's sandbox of a DataProduct (owners and admins):
   * its schemas cloned; what was made, and the product's sandboxes then —
   * or, when the copy outlasts the backend's wait, that it goes on there
   * (`status: 'in-progress'`; the requester is notified when it is done).
   */
  createSandbox(
    product: { namespace: string; name: string },
    body: SandboxCreateBody,
  ): Promise<SandboxCreateResult>;
  /** Drift of every DataProduct, worst first (platform team view). */
  /**
   * The grants made by hand that the backend's unexplained-grants watch
   * found at its last check (of `product` only, when given): no warehouse
   * query.
   */
  listUnexplainedGrants(product?: string): Promise<UnexplainedGrantsResponse>;
  getInfrastructureDrift(): Promise<InfrastructureDriftSummaryResponse>;
  /**
   * Schemas the platform made for data products that no product of the
   * catalog declares now (gone from it, renamed, moved): one look at the
   * warehouse per database.
   */
  getInfrastructureLeftovers(): Promise<InfrastructureLeftoversResponse>;
  /**
   * Drop schemas a product left behind (its owners while it is in the
   * catalog, the platform team once it is gone); only those still left
   * behind are dropped.
   */
  dropLeftovers(
    product: { namespace: string; name: string },
    body: LeftoverDropBody,
  ): Promise<LeftoverDropResponse>;
  /**
   * What the leftovers watch found at its last look, of the products whose
   * leftovers the user may drop (no warehouse query: the home page's count).
   */
  listLeftoversSeen(): Promise<LeftoversSeenResponse>;
  /**
   * Keep what a product left behind on purpose, with a reason (who may
   * drop it may keep it): neither told nor counted until no longer kept.
   */
  keepLeftovers(
    product: { namespace: string; name: string },
    body: LeftoverKeepBody,
  ): Promise<LeftoverKeepResponse>;
  /** No longer keep what a product left behind. */
  stopKeepingLeftovers(product: {
    namespace: string;
    name: string;
  }): Promise<LeftoverKeepResponse>;
  /**
   * Apply the plans of several products in the backend, one after the
   * other; the run as it starts (those the user may not apply: `refused`).
   */
  startRepairRun(
    body: InfrastructureRepairRunBody,
  ): Promise<InfrastructureRepairRun>;
  /** A repair run and where each of its products is. */
  getRepairRun(id: string): Promise<InfrastructureRepairRun>;
  /** The latest repair runs, newest first (`limit`: how many, 10 by default). */
  listRepairRuns(options?: {
    limit?: number;
  }): Promise<InfrastructureRepairRunListResponse>;
  /** Stop a run: the products not yet sent are not sent; the run then. */
  stopRepairRun(id: string): Promise<InfrastructureRepairRun>;
  /** Access requests I may see (mine, and those of products my groups own), filtered. */
  listAccessRequests(
    filter?: AccessRequestFilter,
  ): Promise<AccessRequestListResponse>;
  /** Ask for access to an output port; the request as created (pending, or approved by the port's policy). */
  createAccessRequest(body: AccessRequestCreateBody): Promise<AccessRequest>;
  /**
   * Record access agreed outside the portal (owners of the product, or
   * admins): stored approved by the caller and granted; the request.
   */
  recordAccessAgreement(
    body: AccessAgreementRecordBody,
  ): Promise<AccessRequest>;
  /**
   * Approve or reject a pending request (or its pending extension), revoke a
   * granted one, or, as its requester, ask to extend it (`duration` required).
   * Returns the request after the change.
   */
  actOnAccessRequest(
    id: string,
    action: AccessRequestOperation,
    body?: AccessRequestActionBody,
  ): Promise<AccessRequest>;
  /**
   * How the consumer of an approved or active request reads its port: the
   * database to connect to, the role, the tables and the statements.
   */
  getAccessRequestConnection(id: string): Promise<AccessRequestConnection>;
  /**
   * The Changes timeline of a DataProduct (entity ref, kind optional): each
   * ingested revision with its version and classified changes, newest first.
   */
  listProductChanges(product: string): Promise<ProductChangesResponse>;
  /**
   * When each DataProduct's spec last changed (its newest revision), for
   * every product the caller may read: one request for a whole list.
   */
  listLastProductChanges(): Promise<ProductLastChangesResponse>;
  /** How many teams and data products read each product (or `product`) now (counts only). */
  listProductReaders(product?: string): Promise<ProductReadersResponse>;
  /**
   * The lifecycle record of a DataProduct: its deprecation (retirement date,
   * successor), retirement and audit trail; state `live` without one.
   */
  getProductLifecycle(product: {
    namespace: string;
    name: string;
  }): Promise<ProductLifecycle>;
  /**
   * The retirement plan of a deprecated DataProduct (owners and admins):
   * why it cannot start, who still reads it, each step and whether it is done.
   */
  getRetirementPlan(product: {
    namespace: string;
    name: string;
  }): Promise<RetirementPlanView>;
  /**
   * Applies the plan's steps in order, up to the first destructive step not
   * in `body.confirm`; forcing past readers needs a reason.
   */
  applyRetirement(
    product: { namespace: string; name: string },
    body: RetirementApplyBody,
  ): Promise<RetirementApplyResult>;
  /**
   * Who reads a DataProduct: per consumer the reads of the last 30 days and
   * the newest read, unused grants, and what the warehouse could not tell.
   */
  getProductUsage(product: {
    namespace: string;
    name: string;
  }): Promise<ProductUsage>;
  /** The data-quality checks of a DataProduct's spec, each with its latest result and history. */
  getProductQuality(product: {
    namespace: string;
    name: string;
  }): Promise<ProductQualityResponse>;
  /** The signed-in user's teams' products whose latest data-quality run left a blocking check failing. */
  listFailingQuality(): Promise<QualityFailingResponse>;
  /** Where every product's data-quality checks stand (products with checks measured only). */
  listProductsQuality(): Promise<QualityProductsResponse>;
  /** Measure a DataProduct's data-quality checks now (its owners). */
  runProductQuality(product: {
    namespace: string;
    name: string;
  }): Promise<ProductQualityResponse>;
  /** Spec files the catalog could not ingest, each with its located problems. */
  listSpecProblems(filter?: SpecProblemsFilter): Promise<SpecProblemsResponse>;
  /**
   * Reads a pasted (`yaml`) or linked (`url`) spec as the catalog would:
   * located problems, the entity it would create, governance and the plan
   * preview. Writes nothing.
   */
  checkSpec(request: SpecCheckRequest): Promise<SpecCheckResponse>;
}

/**
 * The ref under which the app provides {@link DataMeshApi}. Created with
 * core-plugin-api so the same ref works in legacy and new-frontend-system
 * apps (both register `DataMeshClient` behind it).
 * @public
 */
export const dataMeshApiRef = createApiRef<DataMeshApi>({
  id: 'plugin.data-mesh.service',
});
