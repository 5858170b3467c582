import type {
  AccessRequest,
  AccessRequestConnection,
  AccessRequestHistoryEntry,
  AccessRequestState,
  DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import {
  accessRef,
  coveringRequest,
  portApproverLevels,
  portApprovers,
} from '@datamesh/plugin-data-mesh-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { AccessRequestOperation } from '../api';
import {
  errorResponse,
  type FakeRequest,
  type FakeRoutes,
  jsonResponse,
} from './fakeBackend';

/*
 * The access-request routes of the data mesh backend, in memory, following
 * the REST contract (issue 8) and the backend's rules: 400 naming the field,
 * 404 for an unknown product or port, 403 for a requester deciding their own
 * request or a non-owner deciding (a port's ODCS approvers decide too, and
 * find them with `inbox=true`), refs lower-cased, approved requests stay
 * `approved` (no warehouse executor is wired yet). Components under test talk
 * to it through the real DataMeshClient. A team's members see what was
 * asked for the team, as the backend shows them.
 */

const DAY = 86_400_000;
export const NOW = Date.parse('2026-03-02T10:00:00.000Z');

/** A request as the backend returns it; `overrides` set the parts a test cares about. */
export function accessRequest(
  overrides: Partial<AccessRequest> & { id: string },
): AccessRequest {
  const requestedAt = new Date(NOW - DAY).toISOString();
  const requester = overrides.requester ?? 'user:default/ann';
  return {
    product: 'dataproduct:default/patient-encounters',
    outputPort: 'encounters_sql',
    consumer: 'group:default/population-health',
    requester,
    purpose: 'Readmission model training',
    pii: false,
    state: 'pending',
    requestedAt,
    duration: '90d',
    decidedBy: null,
    decidedAt: null,
    expiresAt: null,
    grantee: 'team_population_health',
    role: `acme_access_${overrides.id}`,
    extension: null,
    firstApproval: null,
    error: null,
    history: [
      {
        at: requestedAt,
        by: requester,
        action: 'request',
        state: 'pending',
        comment: overrides.purpose ?? 'Readmission model training',
      },
    ],
    ...overrides,
  };
}

export interface FakeAccessOptions {
  /** The signed-in user's entity ref. */
  user: string;
  /** The user's groups (ownership refs). */
  groups: string[];
  /** The products the catalog has. */
  products: DataProductEntityV1alpha1[];
  requests?: AccessRequest[];
  /** Longest duration in days (the backend's config), default 365. */
  maxDays?: number;
}

const ref = (entity: DataProductEntityV1alpha1) =>
  stringifyEntityRef(entity).toLowerCase();

const fail = (status: number, name: string, message: string) =>
  errorResponse(status, name, message);

/**
 * How a request reads its port, as the backend answers on the embedded
 * warehouse (PGlite: schemas prefixed with their database; without PII,
 * the masked views).
 */
export function accessConnection(
  request: AccessRequest,
  port?: { url?: string; instructions?: string },
): AccessRequestConnection {
  const schema = request.pii ? 'output' : 'masked';
  const table = `"acme_clinical_care_dev__patient_encounters_${schema}"."patient_encounters"`;
  return {
    id: request.id,
    product: request.product,
    outputPort: request.outputPort,
    state: request.state,
    warehouse: { dialect: 'pglite', displayName: 'PGlite' },
    // the port's own connection details, as its spec gives them
    ...(port?.url ? { url: port.url } : {}),
    ...(port?.instructions ? { instructions: port.instructions } : {}),
    role: `"${request.grantee}"`,
    tables: [
      {
        dataset: 'patient_encounters',
        table,
        maskedColumns: request.pii ? [] : ['patient_mrn', 'diagnosis_code'],
      },
    ],
    statements: [
      `SET ROLE "${request.grantee}"`,
      `SELECT * FROM ${table} LIMIT 10`,
    ],
  };
}

/** The routes, and the requests as they are after each call. */
export function fakeAccessRoutes(options: FakeAccessOptions) {
  // copies: a test's fixtures stay as written for the next test
  const requests: AccessRequest[] = JSON.parse(
    JSON.stringify(options.requests ?? []),
  );
  const me = options.user.toLowerCase();
  const myGroups = new Set(options.groups.map(g => g.toLowerCase()));
  const productOf = (productRef: string) =>
    options.products.find(p => ref(p) === productRef);
  const owns = (productRef: string) => {
    const owner = productOf(productRef)?.spec.owner;
    return !!owner && myGroups.has(accessRef(owner, 'group'));
  };
  const portOf = (request: AccessRequest) =>
    productOf(request.product)?.spec.outputPorts?.find(
      p => p.name === request.outputPort,
    );
  const mine = (principals: string[]) =>
    principals.some(a => a === me || myGroups.has(a));
  // the port's ODCS roles name me or a group of mine as approver
  const approves = (request: AccessRequest) => {
    const port = portOf(request);
    return !!port && mine(portApprovers(port));
  };
  // the port's second-level approvers, when its roles name any
  const secondLevelOf = (request: AccessRequest) => {
    const port = portOf(request);
    return port ? portApproverLevels(port).second : [];
  };
  // made for one of my groups or for a product they own, whoever asked
  const ours = (request: AccessRequest) =>
    myGroups.has(request.consumer) || owns(request.consumer);
  let next = requests.length;

  const record = (
    request: AccessRequest,
    action: AccessRequestHistoryEntry['action'],
    state: AccessRequestState,
    comment?: string,
  ) => {
    request.state = state;
    request.history = [
      ...request.history,
      { at: new Date(NOW).toISOString(), by: me, action, state, comment },
    ];
  };

  /** A request, or (`recorded`) access agreed elsewhere recorded by an owner. */
  function create(body: any, recorded = false) {
    if (recorded && !owns(accessRef(body?.product ?? '', 'dataproduct'))) {
      return fail(
        403,
        'NotAllowedError',
        `you may not record access to ${body?.product}: only its owners or an admin may`,
      );
    }
    if (!body?.purpose?.trim()) {
      return fail(
        400,
        'InputError',
        'Invalid access request: purpose: a purpose is required',
      );
    }
    const productRef = accessRef(body.product, 'dataproduct');
    const product = productOf(productRef);
    if (!product) {
      return fail(
        404,
        'NotFoundError',
        `product: no data product ${productRef}`,
      );
    }
    const port = product.spec.outputPorts?.find(
      p => p.name === body.outputPort,
    );
    if (!port) {
      return fail(
        404,
        'NotFoundError',
        `outputPort: ${productRef} has no output port '${body.outputPort}'`,
      );
    }
    const days = Number(/^(\d+)d$/.exec(body.duration ?? '90d')?.[1]);
    const maxDays = options.maxDays ?? 365;
    if (!days) {
      return fail(
        400,
        'InputError',
        `duration: '${body.duration}' is not a duration`,
      );
    }
    if (days > maxDays) {
      return fail(
        400,
        'InputError',
        `duration: ${body.duration} is longer than the maximum of ${maxDays} days`,
      );
    }
    const consumer = accessRef(body.consumer, 'group');
    if (!recorded && consumer.startsWith('group:') && !myGroups.has(consumer)) {
      return fail(
        403,
        'NotAllowedError',
        `consumer: you are not a member of ${consumer}`,
      );
    }
    const covering = coveringRequest(
      requests.filter(
        r => r.product === productRef && r.outputPort === port.name,
      ),
      { consumer, pii: !!body.pii },
    );
    if (covering) {
      return fail(
        409,
        'ConflictError',
        `consumer: ${consumer} has already asked for port '${port.name}' (request ${covering.id})`,
      );
    }
    next += 1;
    const id = next.toString(16).padStart(16, '0');
    const created = accessRequest({
      id,
      product: productRef,
      outputPort: port.name,
      consumer,
      requester: me,
      purpose: body.purpose,
      pii: !!body.pii,
      duration: `${days}d`,
      requestedAt: new Date(NOW).toISOString(),
      grantee: `team_${parseEntityRef(consumer).name.replace(/-/g, '_')}`,
    });
    if (recorded) {
      created.requester = body.requestedBy
        ? accessRef(body.requestedBy, 'user')
        : me;
      created.decidedBy = me;
      created.decidedAt = new Date(NOW).toISOString();
      created.expiresAt = new Date(NOW + days * DAY).toISOString();
      record(
        created,
        'approve',
        'active',
        `recorded: agreed outside the portal${
          body.comment ? ` (${body.comment})` : ''
        }`,
      );
    }
    requests.push(created);
    return jsonResponse(created, 201);
  }

  function list(url: URL) {
    const q = url.searchParams;
    if (q.get('inbox') === 'true') {
      const inbox = requests.filter(
        r =>
          (r.state === 'pending' ||
            (['approved', 'active'].includes(r.state) && r.extension)) &&
          r.requester !== me &&
          (owns(r.product) || approves(r)),
      );
      return jsonResponse({ items: inbox });
    }
    const items = requests.filter(
      r =>
        // a port's approvers see its requests on the product's Access tab
        (r.requester === me ||
          ours(r) ||
          owns(r.product) ||
          (q.get('product') !== null && approves(r))) &&
        (!q.get('product') ||
          r.product === accessRef(q.get('product')!, 'dataproduct')) &&
        (!q.get('consumer') ||
          r.consumer === accessRef(q.get('consumer')!, 'group')) &&
        (!q.get('state') || r.state === q.get('state')) &&
        (q.get('mine') !== 'true' || r.requester === me) &&
        (q.get('ours') !== 'true' || r.requester === me || ours(r)),
    );
    return jsonResponse({ items });
  }

  function act(action: AccessRequestOperation, req: FakeRequest) {
    const request = requests.find(r => r.id === req.params.id);
    if (!request) {
      return fail(404, 'NotFoundError', `no access request ${req.params.id}`);
    }
    const comment: string | undefined = req.body?.comment;
    const granted = request.state === 'approved' || request.state === 'active';
    if (action === 'extend') {
      if (request.requester !== me && !ours(request)) {
        return fail(
          403,
          'NotAllowedError',
          `only the requester or a member of ${request.consumer} may ask to extend`,
        );
      }
      if (!granted || !request.expiresAt) {
        return fail(409, 'ConflictError', `access request is ${request.state}`);
      }
      const days = Number(/^(\d+)d$/.exec(req.body?.duration ?? '')?.[1]);
      if (!days) return fail(400, 'InputError', 'duration: required to extend');
      request.extension = {
        expiresAt: new Date(
          Date.parse(request.expiresAt) + days * DAY,
        ).toISOString(),
        requestedAt: new Date(NOW).toISOString(),
        requestedBy: me,
        comment,
      };
      record(request, 'extend-request', request.state, comment);
      return jsonResponse(request);
    }
    if (action === 'cancel') {
      if (request.requester !== me && !ours(request)) {
        return fail(
          403,
          'NotAllowedError',
          `only the requester or a member of ${request.consumer} may cancel`,
        );
      }
      if (!granted && request.state !== 'pending') {
        return fail(409, 'ConflictError', `access request is ${request.state}`);
      }
      request.extension = null;
      record(request, 'cancel', 'cancelled', comment);
      return jsonResponse(request);
    }
    if (
      (action === 'approve' || action === 'reject') &&
      (request.requester === me || request.extension?.requestedBy === me)
    ) {
      return fail(
        403,
        'NotAllowedError',
        `${me} may not ${action} what they asked for`,
      );
    }
    const second = secondLevelOf(request);
    const decidesPending =
      action === 'approve' &&
      second.length > 0 &&
      (request.state === 'pending' || request.extension);
    const firstOfTwo = decidesPending && !request.firstApproval;
    if (decidesPending && request.firstApproval) {
      // the second of two approvals: a second-level approver, not the first
      if (!mine(second) || request.firstApproval.by === me) {
        return fail(
          403,
          'NotAllowedError',
          `only the second-level approvers of port ${request.outputPort} may`,
        );
      }
      request.firstApproval = null;
    } else if (
      !owns(request.product) &&
      (action === 'revoke' || !approves(request))
    ) {
      return fail(
        403,
        'NotAllowedError',
        `you may not ${action} access to ${request.product}`,
      );
    }
    if (action === 'revoke') {
      if (!granted) return fail(409, 'ConflictError', 'nothing to revoke');
      request.extension = null;
      record(request, 'revoke', 'revoked', comment);
    } else if (firstOfTwo) {
      // the first of two approvals: it waits for the second level
      request.firstApproval = { by: me, at: new Date(NOW).toISOString() };
      record(
        request,
        request.state === 'pending' ? 'approve-first' : 'extend-approve-first',
        request.state,
        comment,
      );
    } else if (request.state === 'pending') {
      request.firstApproval = null;
      request.decidedBy = me;
      request.decidedAt = new Date(NOW).toISOString();
      if (action === 'approve') {
        const days = Number(request.duration.replace(/d$/, ''));
        request.expiresAt = new Date(NOW + days * DAY).toISOString();
      }
      record(
        request,
        action,
        action === 'approve' ? 'approved' : 'rejected',
        comment,
      );
    } else if (request.extension) {
      if (action === 'approve') request.expiresAt = request.extension.expiresAt;
      request.extension = null;
      request.firstApproval = null;
      record(request, `extend-${action}`, request.state, comment);
    } else {
      return fail(409, 'ConflictError', `access request is ${request.state}`);
    }
    return jsonResponse(request);
  }

  const routes: FakeRoutes = {
    '/access-requests': (url: URL, req: FakeRequest) =>
      req.method === 'POST' ? create(req.body) : list(url),
    '/access-requests/record': (_: URL, req: FakeRequest) =>
      create(req.body, true),
  };
  for (const action of [
    'approve',
    'reject',
    'revoke',
    'extend',
    'cancel',
  ] as const) {
    routes[`/access-requests/{id}/${action}`] = (_: URL, req: FakeRequest) =>
      act(action, req);
  }
  // the requester and the product's owners see it, like the request itself
  routes['/access-requests/{id}/connection'] = (_: URL, req: FakeRequest) => {
    const request = requests.find(r => r.id === req.params.id);
    if (
      !request ||
      (request.requester !== me && !ours(request) && !owns(request.product))
    ) {
      return fail(404, 'NotFoundError', `No access request ${req.params.id}`);
    }
    if (request.state !== 'approved' && request.state !== 'active') {
      return fail(
        409,
        'ConflictError',
        `access request ${request.id} is ${request.state}: it grants nothing to read`,
      );
    }
    return jsonResponse(
      accessConnection(
        request,
        productOf(request.product)?.spec.outputPorts?.find(
          p => p.name === request.outputPort,
        ),
      ),
    );
  };
  return { routes, requests };
}
