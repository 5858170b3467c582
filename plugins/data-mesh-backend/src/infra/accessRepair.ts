/*
 * Repairing a product's access drift (POST
 * /products/:namespace/:name/access-drift/repair): owners (the repair
 * permission) have the drift assessed afresh and its plan applied by the
 * provisioning engine — the same `applyPlan` the grants themselves go
 * through. Missing grants are re-granted; what no request explains is
 * revoked only when asked. Every access request a step concerns records a
 * `repair` history entry with the statements sent. Grants no request
 * explains (a role given a product role by hand) have no request to keep
 * that history, so every repair that sent something, or failed, is kept in
 * the product's audit trail (the lifecycle audit, which outlives the
 * product; `GET /lifecycle/:namespace/:name`): who, when, which
 * unexplained grants were revoked, the statements sent.
 */
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, stringifyError } from '@backstage/errors';
import {
  ACCESS_REPAIR_AUDIT_ACTION,
  type AccessDriftRepairBody,
  type AccessDriftRepairResponse,
  type AccessRepairAuditDetail,
  dataMeshAccessRepairPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlanStep,
  type ProductAccessDrift,
  appliedStatements,
  applyPlan,
} from '@datamesh/plugin-data-mesh-node';
import type { AccessRequestStore } from '../access/AccessRequestStore';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import { authorizeOwnersAction } from './ownersAction';
import { toAccessDrift, toStep } from './accessDrift';
import type { InfrastructureService } from './InfrastructureService';

/** @public */
export interface AccessDriftRepairOptions {
  infrastructure: Pick<
    InfrastructureService,
    'productAccessDrift' | 'redactMessage'
  >;
  permissions: PermissionsService;
  store: Pick<AccessRequestStore, 'addHistory'>;
  /** The product's audit trail, where each repair is kept. */
  audit: Pick<LifecycleStore, 'addAudit'>;
  logger: LoggerService;
  clock: { now(): number };
}

/** Every text in a plan step's change: the role and member names it touches. */
function namesIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) value.forEach(v => namesIn(v, out));
  else if (value && typeof value === 'object')
    Object.values(value).forEach(v => namesIn(v, out));
  return out;
}

/**
 * The requests the applied steps concern, with their statements: a step
 * concerns a request when it touches the request's own role (unique per
 * request), as a finding names it.
 */
function statementsByRequest(
  drift: ProductAccessDrift,
  applied: PlanStep[],
): Map<string, string[]> {
  const requestOf = new Map<string, string>();
  for (const f of [...drift.missing, ...drift.unmanaged]) {
    if (f.requestId) requestOf.set(f.role, f.requestId);
  }
  const byRequest = new Map<string, string[]>();
  for (const step of applied) {
    const ids = new Set(
      [...namesIn(step.change)].flatMap(n => requestOf.get(n) ?? []),
    );
    for (const id of ids) {
      byRequest.set(id, [
        ...(byRequest.get(id) ?? []),
        ...step.statements.map(s => s.sql),
      ]);
    }
  }
  return byRequest;
}

/**
 * The unexplained grants the applied revokes and drops took away: the
 * unmanaged findings whose role (and membership) a destructive step
 * touches, each with the statements sent for it.
 */
function revokedGrants(
  drift: ProductAccessDrift,
  applied: PlanStep[],
): AccessRepairAuditDetail['revoked'] {
  return drift.unmanaged.flatMap(f => {
    const statements = applied
      .filter(step => {
        if (!step.destructive) return false;
        const names = namesIn(step.change);
        return (
          names.has(f.role) &&
          (!f.membership ||
            (names.has(f.membership.role) && names.has(f.membership.member)))
        );
      })
      .flatMap(step => step.statements.map(st => st.sql));
    if (statements.length === 0) return [];
    return [
      {
        role: f.role,
        ...(f.membership ? { membership: { ...f.membership } } : {}),
        ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
        message: f.message,
        statements,
      },
    ];
  });
}

/** The access drift repair behind the REST API. @public */
export class AccessDriftRepair {
  constructor(private readonly options: AccessDriftRepairOptions) {}

  async repair(
    ref: { namespace: string; name: string },
    body: AccessDriftRepairBody,
    credentials: BackstageCredentials,
  ): Promise<AccessDriftRepairResponse> {
    const { infrastructure, store, audit, logger, clock } = this.options;
    const { entityRef, actor } = await authorizeOwnersAction(
      this.options.permissions,
      dataMeshAccessRepairPermission,
      ref,
      credentials,
      (who, product) =>
        `${who} may not repair access to ${product}: only its owners or an admin may`,
    );
    const before = await infrastructure.productAccessDrift(ref, credentials);
    if (!before) {
      throw new ConflictError(
        `${entityRef}: no access drift to repair (the product has no valid desired state, or access requests are not checked)`,
      );
    }
    const result = await applyPlan(before.drift.plan, before.adapter, {
      allowDestructive: body.revokeUnmanaged === true,
    });
    const error = result.error
      ? infrastructure.redactMessage(result.error.message)
      : undefined;
    const at = clock.now();
    const requests: string[] = [];
    for (const [id, statements] of statementsByRequest(
      before.drift,
      result.applied,
    )) {
      // a marker may name an id no request has (a role made by hand)
      if (
        await store.addHistory(id, {
          at,
          actor,
          action: 'repair',
          statements,
          ...(error ? { error } : {}),
        })
      ) {
        requests.push(id);
      }
    }
    if (result.applied.length > 0 || error) {
      const statements = appliedStatements(result);
      logger.info(
        `Access drift of ${entityRef} repaired by ${actor}: ${statements.join(
          '; ',
        )}${error ? ` (stopped: ${error})` : ''}`,
      );
      // after the warehouse: what it did is recorded even when it stopped
      // part way (the error says where)
      try {
        await audit.addAudit({
          product: entityRef,
          at,
          actor,
          action: ACCESS_REPAIR_AUDIT_ACTION,
          detail: {
            revokeUnmanaged: body.revokeUnmanaged === true,
            revoked: revokedGrants(before.drift, result.applied),
            requests,
            statements,
            ...(error ? { error } : {}),
          } satisfies AccessRepairAuditDetail,
        });
      } catch (e) {
        // The warehouse has changed already: a 500 would hide what was sent
        // from the caller. The line above keeps the statements in the log.
        logger.error(
          `Access repair of ${entityRef} by ${actor} is missing from its audit trail: ${stringifyError(
            e,
          )}`,
        );
      }
    }
    const after = await infrastructure.productAccessDrift(ref, credentials);
    return {
      entityRef,
      applied: result.applied.map(toStep),
      skipped: result.skipped.map(toStep),
      ...(error ? { error } : {}),
      requests,
      access: toAccessDrift(after!),
    };
  }
}
