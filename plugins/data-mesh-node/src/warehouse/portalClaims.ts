/*
 * A pipeline's or a template step's claim of branches' sandboxes in the
 * portal (POST /products/{namespace}/{name}/sandbox-claims), held while it
 * makes or drops them: the portal then refuses a person's New sandbox… or
 * deletion of those branches, and the pipeline leaves alone a branch the
 * portal (or another pipeline) is changing. The portal cannot stop the
 * pipeline, which has its own warehouse credentials; the claim is how the
 * two agree. The CLI and the scaffolder actions claim here, the same way.
 */
import {
  type InfrastructureChangeSource,
  type SandboxChange,
  type SandboxClaim,
  dataMeshApiUrl,
} from '@datamesh/plugin-data-mesh-common';
import { type PortalTarget, sendToPortal as send } from './changeReport';

/** The claims a pipeline holds for its change, and what it may not touch. @public */
export interface PortalSandboxClaims {
  /** Branches another is changing, in the portal's words: leave them alone. */
  busy: Array<{ branch: string; message: string }>;
  /**
   * Why the change goes on without a claim (the portal could not be asked,
   * or refused the caller): one line, for a warning.
   */
  unclaimed?: string;
  /** Ends the claims taken. Never throws: an end not heard goes stale in minutes. */
  end(): Promise<void>;
}

/**
 * Claims each of `branches` (suffixes or branch names) of the product for
 * `change`, in the portal at `target`, and keeps the claims fresh until
 * `end()`. A branch another holds is `busy` (the portal's 409, naming who
 * and since when). When the portal cannot answer, or does not let the
 * caller claim (its token, a product it does not know), the change goes on
 * unclaimed, as before the portal knew of pipelines: `unclaimed` says why.
 * With `waitMs`, a branch another holds is asked for again every
 * `retryMs` until then (a pull request closed while its sandbox is being
 * made is still cleaned up). `warn` hears of that wait, and of a claim lost
 * while held (the pipeline stalled for minutes and another took the
 * branch).
 * @public
 */
export async function claimSandboxesInPortal(
  target: PortalTarget,
  product: { namespace: string; name: string },
  claim: {
    branches: string[];
    change: SandboxChange;
    source: InfrastructureChangeSource;
    reference?: string;
  },
  warn: (line: string) => void = () => {},
  options: {
    /** How long to wait for a branch another holds (default: not at all). */
    waitMs?: number;
    /** How often to ask again meanwhile (default 10 s). */
    retryMs?: number;
  } = {},
): Promise<PortalSandboxClaims> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  const retryMs = options.retryMs ?? 10_000;
  const base = dataMeshApiUrl(
    '/products/{namespace}/{name}/sandbox-claims',
    product,
  );
  const held: SandboxClaim[] = [];
  const busy: PortalSandboxClaims['busy'] = [];
  let unclaimed: string | undefined;
  for (const branch of claim.branches) {
    let answer;
    try {
      for (let waited = false; ; waited = true) {
        answer = await send(target, base, 'POST', {
          branch,
          change: claim.change,
          source: claim.source,
          ...(claim.reference
            ? { reference: claim.reference.slice(0, 500) }
            : {}),
        });
        if (answer.status !== 409 || Date.now() + retryMs > deadline) break;
        // another is changing it, a short change: wait for its end
        if (!waited) warn(`waiting: ${answer.message}`);
        await new Promise(resolve => setTimeout(resolve, retryMs));
      }
    } catch (e) {
      unclaimed = `the portal could not be asked to claim the sandbox: ${
        (e as Error).message
      }`;
      break;
    }
    if (answer.status === 201) held.push(answer.payload as SandboxClaim);
    else if (answer.status === 409)
      busy.push({ branch, message: answer.message });
    else {
      unclaimed = `the portal did not claim the sandbox (${answer.status}): ${answer.message}`;
      break;
    }
  }
  const at = (c: SandboxClaim) => `${base}/${encodeURIComponent(c.id)}`;
  const lost = new Set<string>();
  const keepFresh =
    held.length > 0
      ? setInterval(() => {
          for (const c of held) {
            if (lost.has(c.id)) continue;
            send(target, at(c), 'PUT').then(
              answer => {
                if (answer.status === 404) {
                  lost.add(c.id);
                  warn(
                    `the portal no longer holds the sandbox of ${c.branch} for this run: ${answer.message}`,
                  );
                }
              },
              // not heard this time: the next refresh may be
              () => undefined,
            );
          }
        }, Math.min(...held.map(c => c.refreshWithinSeconds)) * 1000)
      : undefined;
  keepFresh?.unref?.();
  return {
    busy,
    ...(unclaimed ? { unclaimed } : {}),
    async end() {
      if (keepFresh) clearInterval(keepFresh);
      await Promise.all(
        held.map(c => send(target, at(c), 'DELETE').catch(() => undefined)),
      );
    },
  };
}
