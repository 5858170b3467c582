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
import { InputError, NotAllowedError, stringifyError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
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
  referenceLink,
} from '@datamesh/plugin-data-mesh-common';
import { dataProductPermissionResourceRef } from '@datamesh/plugin-data-mesh-node';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import { actorOf } from '../lifecycle/LifecycleService';
import {
  authorizeOnDataProduct,
  loadDataProductResources,
  ownerRef,
} from '../permissions';
import { applyRefusal } from './infrastructureApply';
import { SANDBOX_CHANGE_RULES } from './sandboxClaims';

/** @public */
export interface InfrastructureChangeReportsOptions {
  permissions: PermissionsService;
  /** The `data-product` rules, to apply a conditional decision to a product the catalog does not have yet. */
  permissionsRegistry: Pick<PermissionsRegistryService, 'getPermissionRuleset'>;
  /** Whether the product is in the catalog yet, and its owner. */
  catalog: Pick<CatalogService, 'getEntitiesByRefs'>;
  auth: AuthService;
  audit: Pick<LifecycleStore, 'addAudit'>;
  /** Tells the owners of a product a pipeline failed to apply; without it, no one is told. */
  notifications?: Pick<NotificationService, 'send'>;
  /** The backend's own secrets out of a reported error. */
  redactMessage(message: string): string;
  logger: LoggerService;
  clock: { now(): number };
}

type Action = InfrastructureChangeReport['action'];

/** The topic of "a pipeline failed to apply" notifications. @public */
export const CHANGE_REPORT_TOPIC = 'data-mesh-infrastructure';

/** What the portal asks for the same change, and what a refusal says. */
const RULES: Record<
  Action,
  {
    permission: ResourcePermission<'data-product'>;
    refusal: (actor: string, entityRef: string) => string;
  }
> = {
  'infrastructure-apply': {
    permission: dataMeshInfrastructureApplyPermission,
    refusal: applyRefusal,
  },
  'sandbox-create': SANDBOX_CHANGE_RULES.create,
  'sandbox-delete': SANDBOX_CHANGE_RULES.delete,
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
    const { owner, declared } = await this.authorize(
      entityRef,
      ref.namespace,
      report,
      credentials,
      actor,
    );
    const declaredOwner = declared ? owner : undefined;
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
    if (error && report.action === 'infrastructure-apply' && owner) {
      await this.tellOwners(ref, entityRef, owner, report, error);
    }
    return {
      entityRef,
      action: report.action,
      at: new Date(at).toISOString(),
      actor,
    };
  }

  /**
   * A pipeline's apply that failed leaves the product's warehouse objects
   * part way: its owners hear of it (the person who ran the template sees
   * the task fail, so only the CLI's failures are told).
   */
  private async tellOwners(
    ref: { namespace: string; name: string },
    entityRef: string,
    owner: string,
    report: InfrastructureChangeReport,
    error: string,
  ): Promise<void> {
    const { notifications, logger } = this.options;
    if (!notifications || report.source !== 'cli') return;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `A pipeline failed to apply ${entityRef}${
            report.stage ? ` (stage ${report.stage})` : ''
          }`,
          description: `datamesh apply stopped: ${error}. The warehouse holds what was applied before; the next apply starts from there.`,
          // the CI run where it failed, else the product's audit trail
          link:
            referenceLink(report.reference) ??
            `/catalog/${ref.namespace}/dataproduct/${ref.name}/changes`,
          severity: 'high',
          topic: CHANGE_REPORT_TOPIC,
        },
      });
    } catch (e) {
      logger.warn(
        `Owners of ${entityRef} not told of the failed apply: ${stringifyError(
          e,
        )}`,
      );
    }
  }

  /**
   * The permission of the change on the product; while the catalog does not
   * have it yet, on the product as its spec declares it (its owner), so the
   * template's first apply is recorded for the owners who made it and no
   * one else can write into a future product's trail. Returns the owner
   * (the catalog's, or the declared one), and whether it was declared.
   */
  private async authorize(
    entityRef: string,
    namespace: string,
    report: InfrastructureChangeReport,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<{ owner?: string; declared: boolean }> {
    const { permissions, permissionsRegistry, catalog, auth } = this.options;
    const { permission } = RULES[report.action];
    const refusal = RULES[report.action].refusal(actor, entityRef);
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
      return { owner: known.owner, declared: false };
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
    return { owner, declared: true };
  }
}
