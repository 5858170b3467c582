/*
 * Applies that ran outside the portal, reported to it (POST
 * /products/:namespace/:name/infrastructure/applies): the template's
 * `datamesh:infra:apply` step and `datamesh apply` in a product's pipeline
 * change the warehouse without this backend, so without a report the
 * product's audit trail would hold the portal's applies only, and not the
 * first one, which made its roles and schemas. The report is kept as the
 * portal's own applies are (action `infrastructure-apply`), with where it
 * ran (`source`, `reference`) and who reported it as the actor.
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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  type InfrastructureApplyAuditDetail,
  type InfrastructureApplyReport,
  type InfrastructureApplyReportResponse,
  INFRASTRUCTURE_APPLY_AUDIT_ACTION,
  dataMeshInfrastructureApplyPermission,
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

/** @public */
export interface InfrastructureApplyReportsOptions {
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

/** Recording applies made outside the portal, behind the REST API. @public */
export class InfrastructureApplyReports {
  constructor(private readonly options: InfrastructureApplyReportsOptions) {}

  async report(
    ref: { namespace: string; name: string },
    report: InfrastructureApplyReport,
    credentials: BackstageCredentials,
  ): Promise<InfrastructureApplyReportResponse> {
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
    await audit.addAudit({
      product: entityRef,
      at,
      actor,
      action: INFRASTRUCTURE_APPLY_AUDIT_ACTION,
      detail: {
        allowDestructive: report.allowDestructive,
        statements: report.statements,
        ...(error ? { error } : {}),
        ...(report.stage ? { stage: report.stage } : {}),
        source: report.source,
        ...(report.reference ? { reference: report.reference } : {}),
        ...(declaredOwner ? { declaredOwner } : {}),
      } satisfies InfrastructureApplyAuditDetail,
    });
    logger.info(
      `Apply of ${entityRef} by ${actor} (${report.source}${
        report.reference ? ` ${report.reference}` : ''
      }) recorded: ${report.statements.length} statement(s)${
        error ? `, stopped: ${error}` : ''
      }`,
    );
    return { entityRef, at: new Date(at).toISOString(), actor };
  }

  /**
   * The apply permission on the product; while the catalog does not have
   * it yet, on the product as its spec declares it (its owner), so the
   * template's first apply is recorded for the owners who made it and no
   * one else can write into a future product's trail. Returns the owner
   * it went by in that case.
   */
  private async authorize(
    entityRef: string,
    namespace: string,
    report: InfrastructureApplyReport,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<string | undefined> {
    const { permissions, permissionsRegistry, catalog, auth } = this.options;
    const [known] = await loadDataProductResources({ catalog, auth }, [
      entityRef,
    ]);
    if (known) {
      await authorizeOnDataProduct(
        permissions,
        dataMeshInfrastructureApplyPermission,
        entityRef,
        credentials,
        () => applyRefusal(actor, entityRef),
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
      [{ permission: dataMeshInfrastructureApplyPermission }],
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
        `${applyRefusal(
          actor,
          entityRef,
        )} (not in the catalog yet: its spec declares ${owner})`,
      );
    }
    return owner;
  }
}
