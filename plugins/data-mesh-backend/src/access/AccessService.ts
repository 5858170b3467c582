/*
 * The access-request use cases behind the REST API, one file each:
 * request (create.ts), decide (decide.ts: approve/reject a request or its
 * extension), revoke (revoke.ts), extend (extend.ts), cancel (cancel.ts:
 * the consumer's side of revoke); the expiry sweep and
 * warehouse retries run on the scheduler (expirySweep.ts, warehouseSync.ts).
 * What every transition does — load, caller rule, authorise, check state,
 * conditional write with history, warehouse, notify — is transition.ts.
 * Who may decide is the permission framework's answer (the portal's policy:
 * owners of the product, or admins), and the approvers a port's ODCS roles
 * name (approvers.ts); this file adds the filtered list and, for a granted
 * request, how its consumer reads the port (connection.ts).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import {
  AuthorizeResult,
  type ConditionalPolicyDecision,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  type AccessRequest,
  type AccessRequestActionBody,
  type AccessRequestConnection,
  type AccessAgreementRecordBody,
  type AccessRequestCreateBody,
  type AccessRequestState,
  type ProductReaders,
  dataMeshAccessRequestDecidePermission,
  dataMeshAccessRequestReadPermission,
  mayApproveNow,
} from '@datamesh/plugin-data-mesh-common';
import { dataProductPermissionResourceRef } from '@datamesh/plugin-data-mesh-node';
import { whereDataProductCriteria } from '../permissions';
import { requestConnection } from './connection';
import { createRequest } from './create';
import { type AgreementRecorder, recordAgreement } from './record';
import { approve, reject } from './decide';
import { cancel } from './cancel';
import { extend } from './extend';
import { approverPlaces, portKey, portsApprovedBy } from './approvers';
import {
  type UserCredentials,
  claimsOf,
  consumersOf,
  fullRef,
  isUser,
  lower,
} from './parties';
import { revoke } from './revoke';
import { EXTENDABLE_STATES } from './stateMachine';
import type { AccessContext, AccessServiceOptions } from './transition';
import { accessRequestView } from './views';
import { WarehouseSync } from './warehouseSync';
import type { AccessRequestRecord } from './AccessRequestStore';

export type { AccessServiceOptions } from './transition';

/**
 * What a decider has to decide: a pending request, or the extension asked
 * for a granted one (decide.ts takes both through approve/reject). A
 * where on the requests table, so each part of the inbox stays one query.
 */
function awaitingDecision(query: Knex.QueryBuilder) {
  query.where(q =>
    q
      .where('state', 'pending')
      .orWhere(asked =>
        asked
          .whereIn('state', EXTENDABLE_STATES)
          .whereNotNull('extension_requested_at'),
      ),
  );
}

/** When the request started waiting: the extension's ask, or the request's. */
const waitingSince = (r: AccessRequestRecord) =>
  r.extension?.requestedAt ?? r.requestedAt;

/** Filters of `GET /access-requests`. @public */
export interface AccessRequestQuery {
  product?: string;
  consumer?: string;
  state?: AccessRequestState;
  /** With (true) or without (false) personal data in clear. */
  pii?: boolean;
  mine?: boolean;
  /**
   * The caller's own requests and those made on behalf of their groups or
   * of the data products their groups own, whoever asked: the access the
   * caller reads with.
   */
  ours?: boolean;
  /**
   * The caller's inbox: requests of others awaiting their decision — pending
   * ones, and approved or active ones whose requester asked for an
   * extension — on the products their groups own and on the ports they
   * approve; on a port with two levels of approvers, at the level the
   * request waits for (after a first-level approval, the second level's).
   */
  inbox?: boolean;
}

/**
 * What several policy answers let the caller see: everything when one
 * allows, else what any conditional answer allows (nothing without one).
 */
function seeing(decisions: PolicyDecision[]): {
  result: AuthorizeResult;
  conditions: ConditionalPolicyDecision['conditions'][];
} {
  if (decisions.some(d => d.result === AuthorizeResult.ALLOW)) {
    return { result: AuthorizeResult.ALLOW, conditions: [] };
  }
  const conditions = decisions.flatMap(d =>
    d.result === AuthorizeResult.CONDITIONAL ? [d.conditions] : [],
  );
  return {
    result:
      conditions.length > 0
        ? AuthorizeResult.CONDITIONAL
        : AuthorizeResult.DENY,
    conditions,
  };
}

/** The access-request use cases. @public */
export class AccessService {
  private readonly ctx: AccessContext;

  constructor(options: AccessServiceOptions) {
    this.ctx = { ...options, warehouse: new WarehouseSync(options) };
  }

  /** Ask for access to a product's output port; 201 with the request. */
  create(body: AccessRequestCreateBody, credentials: BackstageCredentials) {
    return createRequest(this.ctx, body, credentials);
  }

  /**
   * Record access agreed outside the portal, approved by the recorder (the
   * product's owners or an admin; `system` for the backend's own modules)
   * and granted; 201 with the request.
   */
  record(body: AccessAgreementRecordBody, recorder: AgreementRecorder) {
    return recordAgreement(this.ctx, body, recorder);
  }

  /** Approve a pending request, or the pending extension of a granted one. */
  approve(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return approve(this.ctx, id, body, credentials);
  }

  /** Reject a pending request, or the pending extension of a granted one. */
  reject(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return reject(this.ctx, id, body, credentials);
  }

  /** Take back an approved or active access now. */
  revoke(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return revoke(this.ctx, id, body, credentials);
  }

  /** The consumer withdraws a pending request or gives up granted access. */
  cancel(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return cancel(this.ctx, id, body, credentials);
  }

  /** The requester or a teammate asks for a later expiry; owners decide with approve/reject. */
  extend(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return extend(this.ctx, id, body, credentials);
  }

  /**
   * Requests the caller may see, filtered in the database: their own plus,
   * through the policy's decisions on deciding and on reading, those of
   * products they own (all of them for an admin or, with the read
   * permission, an auditor), and those of the ports they approve when
   * listing one product; with `inbox`, only what they have to decide.
   */
  async list(
    query: AccessRequestQuery,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest[]> {
    return (await this.visible(query, credentials)).map(accessRequestView);
  }

  /**
   * How many consumers read each product (or `product`) now, teams and
   * products apart:
   * counts only, for anyone (who reads is told to those who may see the
   * requests).
   */
  readers(product?: string): Promise<ProductReaders[]> {
    return this.ctx.store.readerCounts(
      product ? fullRef(product, 'dataproduct', 'product') : undefined,
    );
  }

  /**
   * How the consumer of an approved or active request reads its port, for
   * whoever may see the request (404 otherwise, as for one that does not
   * exist; 409 when it grants nothing).
   */
  async connection(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<AccessRequestConnection> {
    const [request] = await this.visible({}, credentials, q =>
      q.where('id', id),
    );
    if (!request) throw new NotFoundError(`No access request ${id}`);
    return requestConnection(this.ctx, request);
  }

  /** The stored requests of `list`. */
  private async visible(
    query: AccessRequestQuery,
    credentials: BackstageCredentials,
    extra?: (query: Knex.QueryBuilder) => void,
  ): Promise<AccessRequestRecord[]> {
    const { permissions, permissionsRegistry, store } = this.ctx;
    const me = isUser(credentials)
      ? lower(credentials.principal.userEntityRef)
      : undefined;
    if (query.mine && !me) throw new InputError('mine: needs user credentials');
    if (query.ours && !me) throw new InputError('ours: needs user credentials');
    if (query.inbox) {
      if (!me) throw new InputError('inbox: needs user credentials');
      return this.inbox(
        { ...query, inbox: false },
        credentials as UserCredentials,
      );
    }
    // who may decide on a product's requests sees them, and so does who
    // may read them (information governance): either answer widens the view
    const decision = seeing(
      await permissions.authorizeConditional(
        [
          { permission: dataMeshAccessRequestDecidePermission },
          { permission: dataMeshAccessRequestReadPermission },
        ],
        { credentials },
      ),
    );
    const product = query.product
      ? fullRef(query.product, 'dataproduct', 'product')
      : undefined;
    // the port's approvers see its requests on the product's Access tab
    const approved =
      product && me && decision.result !== AuthorizeResult.ALLOW
        ? await portsApprovedBy(
            this.ctx,
            product,
            credentials as UserCredentials,
          )
        : [];
    // a team's requests are its members' to see, whoever of them asked
    const consumers = me
      ? await consumersOf(this.ctx, credentials as UserCredentials)
      : [];
    const transform = createConditionTransformer(
      permissionsRegistry.getPermissionRuleset(
        dataProductPermissionResourceRef,
      ),
    );
    const records = await store.list({
      product,
      consumer: query.consumer
        ? fullRef(query.consumer, 'group', 'consumer')
        : undefined,
      state: query.state,
      pii: query.pii,
      requester: query.mine ? me : undefined,
      visible: q => {
        // the caller's own narrowing (the inbox's), whatever the policy says
        extra?.(q);
        if (query.ours) {
          q.where(ours => {
            ours.where('requester', me!);
            if (consumers.length > 0) ours.orWhereIn('consumer', consumers);
          });
        }
        if (decision.result === AuthorizeResult.ALLOW) return;
        q.where(inner => {
          if (me) inner.orWhere('requester', me);
          else inner.whereRaw('1 = 0');
          if (consumers.length > 0) inner.orWhereIn('consumer', consumers);
          if (approved.length > 0) {
            inner.orWhere(ports =>
              ports.where('product', product!).whereIn('output_port', approved),
            );
          }
          for (const conditions of decision.conditions) {
            inner.orWhere(owned =>
              whereDataProductCriteria(owned, transform(conditions), 'owner'),
            );
          }
        });
      },
    });
    return records;
  }

  /**
   * Requests of others awaiting the caller's decision (pending, or with an
   * extension asked): on products their groups own (within what the
   * policy's decide answer lets them see; the portal's policy answers the
   * extend permission, which decides extensions, with the same owners) and
   * on ports whose approvers name them or a group of theirs (approvers.ts,
   * the rule decide uses for requests and extensions alike), at the level
   * each waits for (common's `mayApproveNow`). One query per part, one
   * catalog read for the candidate products.
   */
  private async inbox(
    query: AccessRequestQuery,
    credentials: UserCredentials,
  ): Promise<AccessRequestRecord[]> {
    const me = lower(credentials.principal.userEntityRef);
    const claims = await claimsOf(this.ctx.userInfo, credentials);
    const owned = (
      await this.visible(query, credentials, awaitingDecision)
    ).filter(r => r.requester !== me && claims.has(lower(r.owner ?? '')));
    const others = await this.ctx.store.list(
      {
        product: query.product
          ? fullRef(query.product, 'dataproduct', 'product')
          : undefined,
        consumer: query.consumer
          ? fullRef(query.consumer, 'group', 'consumer')
          : undefined,
        state: query.state,
      },
      q => {
        awaitingDecision(q);
        q.whereNot('requester', me).where(w =>
          w.whereNull('owner').orWhereNotIn('owner', [...claims]),
        );
      },
    );
    const places = await approverPlaces(
      this.ctx,
      [...new Set([...owned, ...others].map(r => r.product))],
      claims,
    );
    // what waits for the caller: the owners decide their products' requests
    // and the approvers their ports', each at the level it waits for (a
    // request a first level approved waits for the port's second level)
    const waiting = (records: AccessRequestRecord[], owners: boolean) =>
      records.filter(r =>
        mayApproveNow(
          r,
          me,
          places.get(portKey(r.product, r.outputPort)),
          owners,
        ),
      );
    return [...waiting(owned, true), ...waiting(others, false)].sort(
      (a, b) => waitingSince(b) - waitingSince(a) || a.id.localeCompare(b.id),
    );
  }
}
