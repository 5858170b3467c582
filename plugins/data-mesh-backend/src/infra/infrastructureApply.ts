/*
 * Applying a product's plan from the portal (POST
 * /products/:namespace/:name/infrastructure/apply): its owners (the
 * infrastructure apply permission) provision a product registered without
 * the template, or repair its drift, without a pipeline or a ticket. The
 * product is assessed afresh and its plan applied by the provisioning
 * engine (`applyPlan`), as the template's apply step and `datamesh apply`
 * do; revokes and drops run only when asked. Each apply that sent
 * something, or failed, is kept in the product's audit trail.
 */
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, stringifyError } from '@backstage/errors';
import {
  type InfrastructureApplyAuditDetail,
  type InfrastructureApplyBody,
  type InfrastructureApplyResponse,
  INFRASTRUCTURE_APPLY_AUDIT_ACTION,
  dataMeshInfrastructureApplyPermission,
} from '@datamesh/plugin-data-mesh-common';
import { appliedStatements, applyPlan } from '@datamesh/plugin-data-mesh-node';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import { toStep } from './accessDrift';
import {
  type InfrastructureService,
  noWarehouseNames,
} from './InfrastructureService';
import { authorizeOwnersAction } from './ownersAction';

/** @public */
export interface InfrastructureApplyOptions {
  infrastructure: Pick<
    InfrastructureService,
    'assessProduct' | 'getProductInfrastructure' | 'redactMessage'
  >;
  permissions: PermissionsService;
  /** The product's audit trail, where each apply is kept. */
  audit: Pick<LifecycleStore, 'addAudit'>;
  logger: LoggerService;
  clock: { now(): number };
}

/** Why `actor` may not apply a product's plan (403). */
export const applyRefusal = (actor: string, entityRef: string) =>
  `${actor} may not apply the infrastructure of ${entityRef}: only its owners or an admin may`;

/** Applying a product's plan, behind the REST API. @public */
export class InfrastructureApply {
  constructor(private readonly options: InfrastructureApplyOptions) {}

  async apply(
    ref: { namespace: string; name: string },
    body: InfrastructureApplyBody,
    credentials: BackstageCredentials,
  ): Promise<InfrastructureApplyResponse> {
    const { actor } = await authorizeOwnersAction(
      this.options.permissions,
      dataMeshInfrastructureApplyPermission,
      ref,
      credentials,
      applyRefusal,
    );
    const result = await this.applyAuthorized(ref, body, {
      actor,
      credentials,
    });
    return {
      ...result,
      infrastructure:
        await this.options.infrastructure.getProductInfrastructure(
          ref,
          credentials,
        ),
    };
  }

  /**
   * Assess the product afresh and apply its plan, for `actor`, whom the
   * caller has authorised (the apply permission); `run` names the repair
   * run it belongs to in the audit trail.
   */
  async applyAuthorized(
    ref: { namespace: string; name: string },
    body: InfrastructureApplyBody,
    by: { actor: string; credentials: BackstageCredentials; run?: string },
  ): Promise<Omit<InfrastructureApplyResponse, 'infrastructure'>> {
    const { infrastructure, audit, logger, clock } = this.options;
    const { actor, credentials } = by;
    const entityRef = stringifyEntityRef({
      kind: 'dataproduct',
      ...ref,
    }).toLowerCase();
    const { assessment, adapter } = await infrastructure.assessProduct(
      ref,
      credentials,
    );
    const { plan } = assessment;
    if (!plan) throw noWarehouseNames(assessment);
    if (plan.conflicts.length > 0) {
      // nothing is sent while an object of its names belongs to another
      throw new ConflictError(
        `${entityRef} cannot be applied: ${plan.conflicts
          .map(c => c.message)
          .join('; ')}`,
      );
    }
    const allowDestructive = body.allowDestructive === true;
    const stage = plan.products[0]?.stage;
    const result = await applyPlan(plan, adapter, { allowDestructive });
    const error = result.error
      ? infrastructure.redactMessage(result.error.message)
      : undefined;
    const statements = appliedStatements(result);
    if (statements.length > 0 || error) {
      logger.info(
        `Infrastructure of ${entityRef} applied by ${actor}: ${statements.join(
          '; ',
        )}${error ? ` (stopped: ${error})` : ''}`,
      );
      // after the warehouse: what it did is recorded even when it stopped
      // part way (the error says where)
      try {
        await audit.addAudit({
          product: entityRef,
          at: clock.now(),
          actor,
          action: INFRASTRUCTURE_APPLY_AUDIT_ACTION,
          detail: {
            allowDestructive,
            statements,
            ...(error ? { error } : {}),
            ...(by.run ? { run: by.run } : {}),
            ...(stage ? { stage } : {}),
          } satisfies InfrastructureApplyAuditDetail,
        });
      } catch (e) {
        // the warehouse has changed already: the line above keeps it in the log
        logger.error(
          `Apply of ${entityRef} by ${actor} is missing from its audit trail: ${stringifyError(
            e,
          )}`,
        );
      }
    }
    return {
      entityRef,
      applied: result.applied.map(toStep),
      skipped: result.skipped.map(toStep),
      ...(error ? { error } : {}),
    };
  }
}
