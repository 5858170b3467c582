/*
 * Retiring a data product with the provisioning engine.
 *
 * Retirement is not a second engine: each phase is a desired state diffed
 * against one introspection of the product's scope (plus its archive
 * schema and its sandboxes), so a phase that was interrupted plans exactly
 * what is left and a phase that is over plans nothing. The phases, in order:
 *   revoke        every grant and membership of the product's objects and roles
 *   archive       copy of the output layer into `<archive schema>` (zero-copy
 *                 clone where the warehouse has one), marked complete last
 *   drop          the product's layers, its sandboxes (copies of its data,
 *                 found by their marker) and roles; only the archive remains
 *   drop-archive  the archive, once the retention period is over
 * The domain's database and compute are shared with other products and
 * are never dropped here.
 */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { type ApplyResult, applyPlan } from '../warehouse/apply';
import {
  computeDesiredState,
  managedByMarker,
  parseManagedByMarker,
} from '../warehouse/desiredState';
import type { PlatformConfig } from '../warehouse/platform';
import { diff, isPlanEmpty } from '../warehouse/plan';
import { findSandboxes, sandboxSuffixOf } from '../warehouse/sandbox';
import { actualForScope, scopeOf, unionScope } from '../warehouse/scope';
import {
  type ActualState,
  type DesiredState,
  type IntrospectionScope,
  type Plan,
  type PlanConflict,
  type ProvisionedProduct,
  type SchemaRef,
  type WarehouseAdapter,
  WarehouseError,
} from '../warehouse/types';

/** The phases of a retirement, in the order they run. @public */
export const RETIREMENT_PHASES = [
  'revoke',
  'archive',
  'drop',
  'drop-archive',
] as const;
/** @public */
export type RetirementPhase = (typeof RETIREMENT_PHASES)[number];

/** The `{layer}` token of the archive schema, composed by the schema naming template. @public */
export const ARCHIVE_LAYER = 'archive';

/** Marker of a complete archive; a copy without it was interrupted and is made again. @public */
export function archiveMarker(entityRef: string): string {
  return `${managedByMarker(entityRef)}:${ARCHIVE_LAYER}`;
}

/** One phase: what it would do now (nothing when `done`). @public */
export interface RetirementStep {
  phase: RetirementPhase;
  done: boolean;
  /** Readable lines of what the phase does now. */
  lines: string[];
  /** Every phase destroys something: it runs only when confirmed. */
  destructive: true;
  /** The engine's plan of the phase (revoke, drop, drop-archive). */
  plan?: Plan;
}

/** @public */
export interface RetirementPlan {
  entityRef: string;
  product: ProvisionedProduct;
  archive: SchemaRef;
  /** Whether the archive is there and complete. */
  archived: boolean;
  steps: RetirementStep[];
  /** Objects in the product's scope that belong to someone else: nothing runs while there are any. */
  conflicts: PlanConflict[];
  notes: string[];
}

/** The names of a product and of its archive, from the platform's naming templates. @public */
export function retirementNames(
  entity: DataProductEntityV1alpha1,
  platform: PlatformConfig,
): { product: ProvisionedProduct; desired: DesiredState; archive: SchemaRef } {
  const { desired, issues } = computeDesiredState([entity], platform);
  // the archive's name is the output layer's, with the archive layer token
  const archived = computeDesiredState([entity], {
    ...platform,
    layers: { ...platform.layers, output: ARCHIVE_LAYER },
  });
  if (!desired || !archived.desired) {
    const all = [...issues, ...archived.issues];
    throw new Error(
      `cannot name the warehouse objects of ${entity.metadata.name}: ${all
        .map(i => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const product = desired.products[0];
  return {
    product,
    desired,
    archive: {
      database: product.database,
      schema: archived.desired.products[0].outputSchema,
    },
  };
}

const schemaKey = (s: SchemaRef) => `${s.database}|${s.schema}`;

/** Only the product's own objects, and only ones that exist, are kept or dropped. */
function conflictsOf(
  actual: ActualState,
  entityRef: string,
  archive: SchemaRef,
): PlanConflict[] {
  const conflicts: PlanConflict[] = [];
  const mine = (comment?: string, also?: string) => {
    const owner = parseManagedByMarker(comment);
    return (
      owner === undefined ||
      comment === managedByMarker(entityRef) ||
      comment === also ||
      sandboxSuffixOf(comment, entityRef) !== undefined
    );
  };
  for (const s of actual.schemas) {
    const isArchive = schemaKey(s) === schemaKey(archive);
    if (!mine(s.comment, isArchive ? archiveMarker(entityRef) : undefined)) {
      conflicts.push({
        object: { kind: 'schema', database: s.database, schema: s.schema },
        message: `schema ${s.database}.${
          s.schema
        } belongs to ${parseManagedByMarker(
          s.comment,
        )}, not ${entityRef}: retirement leaves it alone and stops`,
      });
    }
  }
  for (const r of actual.roles) {
    if (!mine(r.comment)) {
      conflicts.push({
        object: { kind: 'role', name: r.name },
        message: `role ${r.name} belongs to ${parseManagedByMarker(
          r.comment,
        )}, not ${entityRef}: retirement leaves it alone and stops`,
      });
    }
  }
  return conflicts;
}

/** Keep the shared objects (database, compute) that exist; nothing of the product. */
function sharedOnly(actual: ActualState): DesiredState {
  return {
    computes: actual.computes,
    databases: actual.databases,
    schemas: [],
    roles: [],
    memberships: [],
    grants: [],
    products: [],
  };
}

/**
 * Plan the retirement of one product from one introspection. The steps say
 * what each phase would still do; `done` phases are over (or had nothing
 * to do). `drop-archive` is always listed; when to run it is the caller's
 * decision (the retention period).
 * @public
 */
export async function planRetirement(
  adapter: WarehouseAdapter,
  entity: DataProductEntityV1alpha1,
  platform: PlatformConfig,
): Promise<RetirementPlan> {
  const { product, desired, archive } = retirementNames(entity, platform);
  const productScope = scopeOf(desired);
  const archiveScope: IntrospectionScope = {
    computes: [],
    databases: [],
    schemas: [archive],
    roles: [],
  };
  // sandboxes hold copies of the product's data: they go with it
  const sandboxScope: IntrospectionScope = {
    computes: [],
    databases: [],
    schemas: (await findSandboxes(adapter, product)).map(s => ({
      database: s.database,
      schema: s.schema,
    })),
    roles: [],
  };
  const actual = await adapter.introspect(
    unionScope([productScope, archiveScope, sandboxScope]),
  );
  const mineActual = actualForScope(actual, productScope);
  const archiveFound = actual.schemas.find(
    s => schemaKey(s) === schemaKey(archive),
  );
  const archived = archiveFound?.comment === archiveMarker(product.entityRef);
  const conflicts = conflictsOf(actual, product.entityRef, archive);
  const notes: string[] = [];

  // revoke: the product's objects as they are, without any grant or membership
  const keepObjects: DesiredState = {
    ...sharedOnly(mineActual),
    schemas: mineActual.schemas,
    roles: mineActual.roles,
  };
  const revoke = diff(keepObjects, mineActual, adapter);
  revoke.steps = [];

  const output = mineActual.schemas.find(
    s =>
      schemaKey(s) ===
      schemaKey({ database: product.database, schema: product.outputSchema }),
  );
  const archiveLines: string[] = [];
  if (!archived) {
    if (output) {
      if (archiveFound) {
        archiveLines.push(
          `- drop schema ${adapter.dialect.qualifiedSchema(
            archive,
          )} cascade (an interrupted copy, made again)`,
        );
      }
      archiveLines.push(
        `+ archive schema ${adapter.dialect.qualifiedSchema(
          output,
        )} into ${adapter.dialect.qualifiedSchema(archive)} (${
          adapter.capabilities.zeroCopyClone
            ? 'zero-copy clone'
            : 'copy of every table'
        })`,
      );
    } else {
      notes.push(
        `the output layer ${product.database}.${product.outputSchema} does not exist: there is nothing to archive`,
      );
    }
  }

  // drop: only the shared objects and the archive (when there is one) remain
  const afterDrop: DesiredState = {
    ...sharedOnly(mineActual),
    schemas: archiveFound && archived ? [archiveFound] : [],
  };
  const dropScope = unionScope([
    productScope,
    sandboxScope,
    archived ? archiveScope : { ...archiveScope, schemas: [] },
  ]);
  const drop = diff(afterDrop, actualForScope(actual, dropScope), adapter);
  drop.steps = [];

  const archiveActual = actualForScope(actual, {
    ...archiveScope,
    databases: productScope.databases,
    computes: productScope.computes,
  });
  const dropArchive = diff(sharedOnly(archiveActual), archiveActual, adapter);
  dropArchive.steps = [];

  const lines = (plan: Plan) => plan.destructive.map(s => s.line);
  const steps: RetirementStep[] = [
    {
      phase: 'revoke',
      plan: revoke,
      lines: lines(revoke),
      done: isPlanEmpty(revoke),
      destructive: true,
    },
    {
      phase: 'archive',
      lines: archiveLines,
      done: archiveLines.length === 0,
      destructive: true,
    },
    {
      phase: 'drop',
      plan: drop,
      lines: lines(drop),
      done: isPlanEmpty(drop),
      destructive: true,
    },
    {
      phase: 'drop-archive',
      plan: dropArchive,
      lines: lines(dropArchive),
      done: isPlanEmpty(dropArchive),
      destructive: true,
    },
  ];
  return {
    entityRef: product.entityRef,
    product,
    archive,
    archived,
    steps,
    conflicts,
    notes: [...notes, ...revoke.notes.filter(n => !notes.includes(n))],
  };
}

/** @public */
export interface RetirementStepResult {
  phase: RetirementPhase;
  /** The phase had nothing left to do. */
  alreadyDone: boolean;
  applied: string[];
  error?: ApplyResult['error'];
}

/**
 * Run one phase, planned afresh from the warehouse, so a phase run twice
 * or resumed after a failure converges. A phase whose earlier phases are
 * not done is refused (an archive must exist before the output layer is
 * dropped), except `drop-archive`, which needs only `drop` to be done.
 * @public
 */
export async function applyRetirementPhase(
  adapter: WarehouseAdapter,
  entity: DataProductEntityV1alpha1,
  platform: PlatformConfig,
  phase: RetirementPhase,
): Promise<RetirementStepResult> {
  const plan = await planRetirement(adapter, entity, platform);
  if (plan.conflicts.length > 0) {
    return {
      phase,
      alreadyDone: false,
      applied: [],
      error: { message: plan.conflicts.map(c => c.message).join('; ') },
    };
  }
  const index = RETIREMENT_PHASES.indexOf(phase);
  const pending = plan.steps
    .slice(0, phase === 'drop-archive' ? index - 1 : index)
    .filter(s => !s.done && s.phase !== 'drop-archive');
  if (pending.length > 0) {
    return {
      phase,
      alreadyDone: false,
      applied: [],
      error: {
        message: `${phase} must wait for ${pending
          .map(s => s.phase)
          .join(', ')}`,
      },
    };
  }
  const step = plan.steps[index];
  if (step.done) return { phase, alreadyDone: true, applied: [] };
  if (phase === 'archive') return archiveOutput(adapter, plan);
  const result = await applyPlan(step.plan!, adapter, {
    allowDestructive: true,
  });
  return {
    phase,
    alreadyDone: false,
    applied: result.applied.map(s => s.line),
    error: result.error,
  };
}

/** Copy the output layer, then mark the copy complete: an unmarked copy is dropped and made again. */
async function archiveOutput(
  adapter: WarehouseAdapter,
  plan: RetirementPlan,
): Promise<RetirementStepResult> {
  const applied: string[] = [];
  const { product, archive } = plan;
  const source = { database: product.database, schema: product.outputSchema };
  try {
    await adapter.execute(
      adapter.dialect.statements({ action: 'drop-schema', schema: archive }),
    );
    const clone = await adapter.sandboxClone([{ source, target: archive }]);
    applied.push(
      `archived ${clone.schemas[0]?.tables ?? 0} table(s) of ${
        source.database
      }.${source.schema} into ${archive.database}.${archive.schema} (${
        clone.method
      })`,
    );
    await adapter.execute(
      adapter.dialect.statements({
        action: 'set-comment',
        object: { kind: 'schema', ...archive },
        comment: archiveMarker(product.entityRef),
      }),
    );
    return { phase: 'archive', alreadyDone: false, applied };
  } catch (e) {
    const err = e as Error;
    return {
      phase: 'archive',
      alreadyDone: false,
      applied,
      error: {
        message: err?.message ?? String(e),
        code: e instanceof WarehouseError ? e.code : undefined,
      },
    };
  }
}
