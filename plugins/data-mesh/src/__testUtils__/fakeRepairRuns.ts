/*
 * The repair-run routes of the backend, faked for the drift page's tests:
 * POST /infrastructure/repairs queues the products (those `refuses` names
 * refused, as the permission policy would), and each GET of the run
 * applies the next `perPoll` of them as `outcome` says — the backend's work
 * between two polls. Times are the real clock's (the page shows a finished
 * run for a day). Every answer is checked against the OpenAPI document.
 */
import {
  type InfrastructureRepairRun,
  type InfrastructureRepairRunItem,
  INFRASTRUCTURE_REPAIR_ITEM_STATES,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import { type FakeRequest, errorResponse, jsonResponse } from './fakeBackend';

type Outcome = Pick<
  InfrastructureRepairRunItem,
  'state' | 'applied' | 'skipped' | 'error'
>;

export function fakeRepairRuns(options: {
  user?: string;
  /** Products the policy refuses the user. */
  refuses?: string[];
  /** What applying a product comes to; by default 2 changes applied. */
  outcome?: (entityRef: string, allowDestructive: boolean) => Outcome;
  /** Products applied between two polls (0: none, a backend busy elsewhere); all at once by default. */
  perPoll?: number;
  /** Runs there before the page opens, newest first. */
  runs?: InfrastructureRepairRun[];
  /** Why the policy refuses the user to stop a run, if it does. */
  stopRefusal?: string;
  /** Nothing is applied until `resume()`. */
  paused?: boolean;
}) {
  let paused = options.paused ?? false;
  const validator = createDataMeshApiValidator();
  const runs: InfrastructureRepairRun[] = [...(options.runs ?? [])];
  const started: FakeRequest[] = [];
  const user = options.user ?? 'user:default/platform-admin';
  const checked = (
    path:
      | '/infrastructure/repairs'
      | '/infrastructure/repairs/{id}'
      | '/infrastructure/repairs/{id}/stop',
    status: number,
    body: unknown,
    method: 'get' | 'post' = 'get',
  ) => {
    expect(validator.response({ method, path }, status, body)).toEqual([]);
    return jsonResponse(body, status);
  };
  const recount = (run: InfrastructureRepairRun) => {
    for (const s of INFRASTRUCTURE_REPAIR_ITEM_STATES) run.counts[s] = 0;
    for (const i of run.items) run.counts[i.state] += 1;
    run.done = run.counts.queued + run.counts.running === 0;
    if (run.done) run.finishedAt ??= new Date().toISOString();
  };
  const advance = (run: InfrastructureRepairRun) => {
    if (paused) return;
    const queued = run.items.filter(i => i.state === 'queued');
    for (const item of queued.slice(0, options.perPoll ?? queued.length)) {
      Object.assign(
        item,
        options.outcome?.(item.entityRef, run.allowDestructive) ?? {
          state: 'applied',
          applied: 2,
          skipped: 0,
        },
        { finishedAt: new Date().toISOString() },
      );
    }
    recount(run);
  };
  const unknownRun = (req: FakeRequest) =>
    errorResponse(404, 'NotFoundError', `no repair run ${req.params.id}`);
  const routes = {
    '/infrastructure/repairs': (_: URL, req: FakeRequest) => {
      if (req.method === 'GET') {
        const limit = Number(req.url.searchParams.get('limit') ?? 10);
        return checked('/infrastructure/repairs', 200, {
          items: runs.slice(0, limit),
        });
      }
      started.push(req);
      const run: InfrastructureRepairRun = {
        id: (runs.length + 1).toString(16).padStart(16, '0'),
        requestedBy: user,
        requestedAt: new Date().toISOString(),
        allowDestructive: req.body.allowDestructive === true,
        done: false,
        counts: {} as InfrastructureRepairRun['counts'],
        items: (req.body.products as string[]).map(entityRef =>
          options.refuses?.includes(entityRef)
            ? {
                entityRef,
                state: 'refused',
                applied: 0,
                skipped: 0,
                error: `${user} may not apply the infrastructure of ${entityRef}: only its owners or an admin may`,
              }
            : { entityRef, state: 'queued', applied: 0, skipped: 0 },
        ),
      };
      recount(run);
      runs.unshift(run);
      return checked('/infrastructure/repairs', 202, run, 'post');
    },
    '/infrastructure/repairs/{id}': (_: URL, req: FakeRequest) => {
      const run = runs.find(r => r.id === req.params.id);
      if (!run) return unknownRun(req);
      advance(run);
      return checked('/infrastructure/repairs/{id}', 200, run);
    },
    '/infrastructure/repairs/{id}/stop': (_: URL, req: FakeRequest) => {
      const run = runs.find(r => r.id === req.params.id);
      if (!run) return unknownRun(req);
      if (options.stopRefusal) {
        return errorResponse(403, 'NotAllowedError', options.stopRefusal);
      }
      const queued = run.items.filter(i => i.state === 'queued');
      if (queued.length === 0) {
        return errorResponse(409, 'ConflictError', 'nothing left to stop');
      }
      for (const item of queued) {
        Object.assign(item, {
          state: 'stopped',
          finishedAt: new Date().toISOString(),
        });
      }
      run.stopped = { by: user, at: new Date().toISOString() };
      recount(run);
      return checked('/infrastructure/repairs/{id}/stop', 200, run, 'post');
    },
  };
  return {
    routes,
    started,
    runs,
    resume: () => {
      paused = false;
    },
  };
}
