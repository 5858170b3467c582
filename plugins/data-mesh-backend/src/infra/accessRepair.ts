/*
 * Repairing a product's access drift (POST
 * /products/:namespace/:name/access-drift/repair): owners (the repair
 * permission) have the drift assessed afresh and its plan applied by the
 * provisioning engine — the same `applyPlan` the grants themselves go
 * through. Missing grants are re-granted; what no request explains is
 * revoked only when asked. Every access request a step concerns records a
 * `repair` history entry with the statements sent; steps that concern no
 * request (a role given a product role by hand) are logged with the actor.
 */
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import {
  type AccessDriftRepairBody,
  type AccessDriftRepairResponse,
  dataMeshAccessRepairPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlanStep,
  type ProductAccessDrift,
  applyPlan,
} from '@datamesh/plugin-data-mesh-node';
import type { AccessRequestStore } from '../access/AccessRequestStore';
import { actorOf } from '../lifecycle/LifecycleService';
import { authorizeOnDataProduct } from '../permissions';
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

/** The access drift repair behind the REST API. @public */
export class AccessDriftRepair {
  constructor(private readonly options: AccessDriftRepairOptions) {}

  async repair(
    ref: { namespace: string; name: string },
    body: AccessDriftRepairBody,
    credentials: BackstageCredentials,
  ): Promise<AccessDriftRepairResponse> {
    const { infrastructure, store, logger, clock } = this.options;
    const entityRef = stringifyEntityRef({
      kind: 'dataproduct',
      namespace: ref.namespace,
      name: ref.name,
    }).toLowerCase();
    const actor = actorOf(credentials);
    await authorizeOnDataProduct(
      this.options.permissions,
      dataMeshAccessRepairPermission,
      entityRef,
      credentials,
      () =>
        `${actor} may not repair access to ${entityRef}: only its owners or an admin may`,
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
      logger.info(
        `Access drift of ${entityRef} repaired by ${actor}: ${result.applied
          .flatMap(s => s.statements.map(st => st.sql))
          .join('; ')}${error ? ` (stopped: ${error})` : ''}`,
      );
    }
    const after = await infrastructure.productAccessDrift(ref, credentials);
    return {
      entityRef,
      applied: result.applied.map(toStep),
      skipped: result.skipped.map(toStep),
      ...(error ? { error } : {}),
      requests,
      access: toAccessDrift(after!.drift, after!.active, after!.queries),
    };
  }
}
