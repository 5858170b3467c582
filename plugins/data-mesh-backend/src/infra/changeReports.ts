/*
 * Changes of a product's warehouse objects made outside the portal,
 * reported to it (POST /products/:namespace/:name/infrastructure/reports):
 * the template's `datamesh:infra:apply` and `datamesh:sandbox:*` steps and
 * the CLI in a product's pipeline change the warehouse without this
 * backend, so without a report the product's audit trail would hold the
 * portal's changes only — and not the first apply, which made its roles
 * and schemas. A report is kept as the portal's own change of the same
 * kind is, with where it ran (`source`, `reference`) and who reported it as
 * the actor; the permission of that change in the portal decides.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  type InfrastructureApplyAuditDetail,
  type InfrastructureChangeReport,
  type InfrastructureChangeReportResponse,
  type ReportedChangeDetail,
  type SandboxCreateAuditDetail,
  type SandboxDeleteAuditDetail,
  dataMeshInfrastructureApplyPermission,
  dataMeshSandboxCreatePermission,
  dataMeshSandboxDeletePermission,
} from '@datamesh/plugin-data-mesh-common';
import { dataProductPermissionResourceRef } from '@datamesh/plugin-data-mesh-node';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import { actorOf } from '../lifecycle/LifecycleService';
import {
  authorizeOnDataProduct,
  loadDataProductResources,
  ownerRef,
} from '../permissions';

/** @public */
export interface InfrastructureChangeReportsOptions {
  permissions: PermissionsService;
  /** The `data-product` rules, to apply a conditional decision to a product the catalog does not have yet. */
  permissionsRegistry: Pick<PermissionsRegistryService, 'getPermissionRuleset'>;
  /** Whether the product is in the catalog yet, and its owner. */
  catalog: Pick<CatalogService, 'getEntitiesByRefs'>;
  auth: AuthService;
  audit: Pick<LifecycleStore, 'addAudit'>;
  /** The backend's own secrets out of a reported error. */
  redactMessage(message: string): string;
  logger: LoggerService;
  clock: { now(): number };
}

type Action = InfrastructureChangeReport['action'];

/** What the portal asks for the same change, and what a refusal says. */
const RULES: Record<
  Action,
  { permission: ResourcePermission<'data-product'>; doing: string }
> = {
  'infrastructure-apply': {
    permission: dataMeshInfrastructureApplyPermission,
    doing: 'apply the infrastructure of',
  },
  'sandbox-create': {
    permission: dataMeshSandboxCreatePermission,
    doing: 'make sandboxes of',
  },
  'sandbox-delete': {
    permission: dataMeshSandboxDeletePermission,
    doing: 'delete sandboxes of',
  },
};

/** The audit entry's detail: the report's own fields, as the portal's change of its kind keeps them. */
function detailOf(
  report: InfrastructureChangeReport,
  where: ReportedChangeDetail,
  error: string | undefined,
): Record<string, unknown> {
  const failed = error ? { error } : {};
  switch (report.action) {
    case 'infrastructure-apply':
      return {
        allowDestructive: report.allowDestructive,
        statements: report.statements,
        ...failed,
        ...where,
      } satisfies InfrastructureApplyAuditDetail;
    case 'sandbox-create':
      return {
        branch: report.branch,
        schemas: report.schemas,
        ...(report.method ? { method: report.method } : {}),
        ...(report.replaced?.length ? { replaced: report.replaced } : {}),
        ...failed,
        ...where,
      } satisfies SandboxCreateAuditDetail;
    default:
      return {
        branch: report.branch,
        dropped: report.dropped,
        ...failed,
        ...where,
      } satisfies SandboxDeleteAuditDetail;
  }
}

/** Recording changes made outside the portal, behind the REST API. @public */
export class InfrastructureChangeReports {
  constructor(private readonly options: InfrastructureChangeReportsOptions) {}

  async report(
    ref: { namespace: string; name: string },
    report: InfrastructureChangeReport,
    credentials: BackstageCredentials,
  ): Promise<InfrastructureChangeReportResponse> {
    const { audit, logger, clock } = this.options;
    const entityRef = stringifyEntityRef({
      kind: 'dataproduct',
      ...ref,
    }).toLowerCase();
    const actor = actorOf(credentials);
    const declaredOwner = await this.authorize(
      entityRef,
      ref.namespace,
      report,
      credentials,
      actor,
    );
    const at = clock.now();
    const error = report.error
      ? this.options.redactMessage(report.error)
      : undefined;
    const where: ReportedChangeDetail = {
      ...(report.stage ? { stage: report.stage } : {}),
      source: report.source,
      ...(report.reference ? { reference: report.reference } : {}),
      ...(declaredOwner ? { declaredOwner } : {}),
    };
    await audit.addAudit({
      product: entityRef,
      at,
      actor,
      action: report.action,
      detail: detailOf(report, where, error),
    });
    logger.info(
      `${report.action} of ${entityRef} by ${actor} (${report.source}${
        report.reference ? ` ${report.reference}` : ''
      }) recorded${error ? `, failed: ${error}` : ''}`,
    );
    return {
      entityRef,
      action: report.action,
      at: new Date(at).toISOString(),
      actor,
    };
  }

  /**
   * The permission of the change on the product; while the catalog does not
   * have it yet, on the product as its spec declares it (its owner), so the
   * template's first apply is recorded for the owners who made it and no
   * one else can write into a future product's trail. Returns the owner it
   * went by in that case.
   */
  private async authorize(
    entityRef: string,
    namespace: string,
    report: InfrastructureChangeReport,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<string | undefined> {
    const { permissions, permissionsRegistry, catalog, auth } = this.options;
    const { permission, doing } = RULES[report.action];
    const refusal = `${actor} may not ${doing} ${entityRef}: only its owners or an admin may`;
    const [known] = await loadDataProductResources({ catalog, auth }, [
      entityRef,
    ]);
    if (known) {
      await authorizeOnDataProduct(
        permissions,
        permission,
        entityRef,
        credentials,
        () => refusal,
      );
      return undefined;
    }
    const owner = ownerRef(report.owner, namespace);
    if (!owner) {
      throw new InputError(
        `owner: ${entityRef} is not in the catalog yet; report the owner its spec declares`,
      );
    }
    const [decision] = await permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    // the policy's conditions ("its owners") applied to the product as declared
    const isAllowedOn = createConditionAuthorizer(
      permissionsRegistry.getPermissionRuleset(
        dataProductPermissionResourceRef,
      ),
    );
    const allowed =
      decision.result === AuthorizeResult.ALLOW ||
      (decision.result === AuthorizeResult.CONDITIONAL &&
        isAllowedOn(decision, { entityRef, owner }));
    if (!allowed) {
      throw new NotAllowedError(
        `${refusal} (not in the catalog yet: its spec declares ${owner})`,
      );
    }
    return owner;
  }
}
