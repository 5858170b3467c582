/*
 * Making a feature branch's sandbox from the portal (POST
 * /products/:namespace/:name/sandboxes): a developer of the owning team
 * gets copies of the product's schemas for their branch (zero-copy on
 * Snowflake) without the CLI or a pipeline. The sandbox engine in
 * data-mesh-node does the work, as for `datamesh sandbox create` and the
 * `datamesh:sandbox:create` action: marked as the branch's sandbox, owned
 * by the owner role. Sandboxes hold the product's data, PII included, so
 * only its owners (the sandbox create permission) may; each creation that
 * made something, or failed, is kept in the product's audit trail.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, stringifyError } from '@backstage/errors';
import {
  type SandboxCreateAuditDetail,
  type SandboxCreateBody,
  type SandboxCreateResponse,
  SANDBOX_CREATE_AUDIT_ACTION,
  dataMeshSandboxCreatePermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type NamedSandboxSchema,
  PRODUCT_LAYERS,
  SandboxError,
  createSandbox,
  findSandboxes,
  nameSandbox,
  sandboxSuffix,
} from '@datamesh/plugin-data-mesh-node';
import { authorizeOwnersAction } from './ownersAction';
import {
  type SandboxDeletionOptions,
  toInfrastructureSandboxes,
} from './sandboxes';

/**
 * What making a sandbox needs: the same as deleting one (the named product,
 * the warehouse, the policy, the audit trail).
 * @public
 */
export type SandboxCreationOptions = SandboxDeletionOptions;

/** Making a feature branch's sandbox, behind the REST API. @public */
export class SandboxCreation {
  constructor(private readonly options: SandboxCreationOptions) {}

  async create(
    ref: { namespace: string; name: string },
    body: SandboxCreateBody,
    credentials: BackstageCredentials,
  ): Promise<SandboxCreateResponse> {
    const { infrastructure, audit, logger, clock } = this.options;
    let suffix: string;
    try {
      suffix = sandboxSuffix(body.branch);
    } catch (e) {
      throw new InputError(`branch: ${(e as Error).message}`);
    }
    const { entityRef, actor } = await authorizeOwnersAction(
      this.options.permissions,
      dataMeshSandboxCreatePermission,
      ref,
      credentials,
      (who, product) =>
        `${who} may not make sandboxes of ${product}: only its owners or an admin may`,
    );
    const { product, adapter } = await infrastructure.namedProduct(
      ref,
      credentials,
    );
    const layers = body.layers ?? [...PRODUCT_LAYERS];
    let pairs: NamedSandboxSchema[];
    try {
      // named before anything is sent: the audit entry names them even when the warehouse fails
      pairs = nameSandbox(adapter.dialect, product, suffix, layers);
    } catch (e) {
      throw new InputError(`branch: ${(e as Error).message}`);
    }
    let failure: unknown;
    let refusal: SandboxError | undefined;
    let made: Awaited<ReturnType<typeof createSandbox>> | undefined;
    try {
      made = await infrastructure.ask(adapter, () =>
        createSandbox(adapter, product, {
          suffix,
          layers,
          replace: body.replace === true,
          now: new Date(clock.now()),
        }).catch(e => {
          // the engine's refusal, before anything is sent: not the warehouse's
          if (e instanceof SandboxError) refusal = e;
          else throw e;
          return undefined;
        }),
      );
    } catch (e) {
      failure = e;
    }
    // not provisioned, the branch's sandbox exists, a schema of another's
    if (refusal) throw new ConflictError(refusal.message);
    const error = failure
      ? infrastructure.redactMessage((failure as Error).message)
      : undefined;
    const names = pairs.map(p => p.qualified);
    const replaced = (made?.replaced ?? []).map(s =>
      adapter.dialect.qualifiedSchema(s),
    );
    logger.info(
      `Sandbox ${suffix} of ${entityRef} made by ${actor}: ${names.join(', ')}${
        error ? ` (failed: ${error})` : ''
      }`,
    );
    try {
      await audit.addAudit({
        product: entityRef,
        at: clock.now(),
        actor,
        action: SANDBOX_CREATE_AUDIT_ACTION,
        detail: {
          branch: suffix,
          schemas: names,
          ...(made ? { method: made.method } : {}),
          ...(replaced.length ? { replaced } : {}),
          ...(error ? { error } : {}),
        } satisfies SandboxCreateAuditDetail,
      });
    } catch (e) {
      // the warehouse has changed already: the line above keeps it in the log
      logger.error(
        `Sandbox ${suffix} of ${entityRef} by ${actor} is missing from its audit trail: ${stringifyError(
          e,
        )}`,
      );
    }
    if (failure || !made) throw failure;
    const found = await infrastructure.ask(adapter, () =>
      findSandboxes(adapter, product),
    );
    return {
      entityRef,
      branch: suffix,
      method: made.method,
      schemas: made.layers.map(l => ({
        layer: l.layer,
        name: l.target.schema,
        qualified: l.qualified,
        source: l.sourceQualified,
        tables: l.tables,
      })),
      notes: made.notes,
      sandboxes: toInfrastructureSandboxes(found, adapter),
    };
  }
}
