/*
 * Sandboxes: a product's schemas cloned for a feature branch, next to the
 * originals: each schema owned by the product's owner role, its tables by
 * the service role (the pipeline rebuilds them), with nobody else's grants.
 * Each sandbox schema carries a marker in its comment naming the product
 * and the branch, so the platform finds a product's sandboxes whatever
 * their names (to delete one branch's, or all of them when the product is
 * retired) and never takes someone else's schema for one.
 */
import { managedByMarker } from './desiredState';
import {
  type MarkedSchema,
  PRODUCT_LAYERS,
  type ProductLayer,
  type ProvisionedProduct,
  type SandboxCloneResult,
  type SchemaRef,
  type Statement,
  type WarehouseAdapter,
  type WarehouseDialect,
} from './types';

/** A request the warehouse was not asked to carry out (an existing or foreign schema). @public */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}

/**
 * A branch whose sandbox the warehouse cannot name (its schema names would
 * be too long): the caller's input is at fault, not the warehouse's state,
 * so the API answers 400 and the CLI asks for a shorter branch.
 * @public
 */
export class SandboxNameError extends SandboxError {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxNameError';
  }
}

/** Characters git allows in branch names that are also harmless everywhere else. */
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/**
 * The schema-name suffix of a branch's sandbox: `feature/New-Visits` →
 * `feature_new_visits`. The branch is refused, not cleaned, when it holds
 * anything but letters, digits and `._/-`: such a name is not a branch a
 * developer would type, and it is what an injection attempt looks like.
 * @public
 */
export function sandboxSuffix(branch: string): string {
  if (!BRANCH.test(branch) || branch.includes('..')) {
    // JSON quoting shows control characters instead of printing them
    throw new SandboxError(
      `branch ${JSON.stringify(
        branch,
      )} must be 1-100 characters of letters, digits, '.', '_', '/' and '-', starting with a letter or digit`,
    );
  }
  const suffix = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!suffix) {
    throw new SandboxError(
      `branch ${JSON.stringify(branch)} has no letters or digits`,
    );
  }
  return /^[a-z]/.test(suffix) ? suffix : `b${suffix}`;
}

/** The schema of a layer in the sandbox of a branch: `<schema>_sbx_<suffix>`. @public */
export function sandboxSchemaName(schema: string, suffix: string): string {
  return `${schema}_sbx_${suffix}`;
}

/** Comment prefix shared by every sandbox schema of a product. @public */
export function sandboxMarkerPrefix(entityRef: string): string {
  return `${managedByMarker(entityRef)}:sandbox:`;
}

const CREATED = ' created ';
const KEPT = ' kept ';

/** A marker's time: whole seconds, as the markers have always written it. */
const markerTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Comment of a sandbox schema: the product, the branch's suffix and, since
 * December 2026, when it was made (PostgreSQL keeps no creation time of a
 * schema) and, once its owners kept it past its expiry, when they did:
 * `datamesh:<ref>:sandbox:<suffix> created <ISO time>[ kept <ISO time>]`.
 * @public
 */
export function sandboxMarker(
  entityRef: string,
  suffix: string,
  createdAt?: Date,
  keptAt?: Date,
): string {
  const created = createdAt ? `${CREATED}${markerTime(createdAt)}` : '';
  const kept = createdAt && keptAt ? `${KEPT}${markerTime(keptAt)}` : '';
  return `${sandboxMarkerPrefix(entityRef)}${suffix}${created}${kept}`;
}

/**
 * The branch suffix a schema comment marks as a sandbox of the product, or
 * undefined when it marks none (another product's, a product schema, none).
 * @public
 */
export function sandboxSuffixOf(
  comment: string | undefined,
  entityRef: string,
): string | undefined {
  const prefix = sandboxMarkerPrefix(entityRef);
  if (!comment?.startsWith(prefix)) return undefined;
  return comment.slice(prefix.length).split(CREATED)[0] || undefined;
}

/** The time after `word` in a sandbox marker (ISO), if it has a valid one. */
function markerTimeAfter(
  comment: string | undefined,
  word: string,
): string | undefined {
  const at = comment?.split(word)[1]?.split(' ')[0];
  return at && !Number.isNaN(Date.parse(at)) ? at : undefined;
}

/** When a sandbox marker says its schema was made (ISO), if it says. @public */
export function sandboxCreatedAt(
  comment: string | undefined,
): string | undefined {
  return markerTimeAfter(comment, CREATED);
}

/** When a sandbox's owners last kept it past its expiry (ISO), if they did. @public */
export function sandboxKeptAt(comment: string | undefined): string | undefined {
  return markerTimeAfter(comment, KEPT);
}

/** One layer of a sandbox: the product schema and its clone. @public */
export interface SandboxSchema {
  layer: ProductLayer;
  source: SchemaRef;
  target: SchemaRef;
}

/** The sandbox schemas of a branch, for the layers asked (all by default). @public */
export function sandboxSchemas(
  product: ProvisionedProduct,
  suffix: string,
  layers: readonly ProductLayer[] = PRODUCT_LAYERS,
): SandboxSchema[] {
  return layers.map(layer => ({
    layer,
    source: { database: product.database, schema: product.schemas[layer] },
    target: {
      database: product.database,
      schema: sandboxSchemaName(product.schemas[layer], suffix),
    },
  }));
}

/** A layer of a sandbox with its names as the warehouse writes them. @public */
export interface NamedSandboxSchema extends SandboxSchema {
  /** The product schema, qualified in the warehouse's dialect. */
  sourceQualified: string;
  /** The sandbox schema, qualified in the warehouse's dialect. */
  qualified: string;
}

/**
 * The sandbox schemas of a branch named by the warehouse's dialect, before
 * anything is asked of the warehouse: a branch whose names the dialect
 * refuses (too long) is a {@link SandboxNameError}.
 * @public
 */
export function nameSandbox(
  dialect: WarehouseDialect,
  product: ProvisionedProduct,
  suffix: string,
  layers?: readonly ProductLayer[],
): NamedSandboxSchema[] {
  return sandboxSchemas(product, suffix, layers).map(p => {
    try {
      return {
        ...p,
        sourceQualified: dialect.qualifiedSchema(p.source),
        qualified: dialect.qualifiedSchema(p.target),
      };
    } catch (e) {
      throw new SandboxNameError(
        `the sandbox of branch '${suffix}' cannot be named on ${
          dialect.displayName
        }: ${(e as Error).message}; use a shorter branch name`,
      );
    }
  });
}

/** A layer cloned into the sandbox, with the number of tables it got. @public */
export interface SandboxLayerResult extends NamedSandboxSchema {
  tables: number;
}

/** @public */
export interface CreateSandboxResult {
  method: SandboxCloneResult['method'];
  /** Each layer asked for, in the order asked. */
  layers: SandboxLayerResult[];
  /** What the warehouse wants the developer to know (e.g. what a copy skipped). */
  notes: string[];
  /** Existing sandbox schemas dropped first (`replace`). */
  replaced: SchemaRef[];
}

/**
 * Drops what a failed clone made of the sandbox's schemas. A schema the
 * warehouse will not drop either is said in the log, not thrown: the
 * clone's own error is the one to report.
 */
async function dropHalfMade(
  adapter: WarehouseAdapter,
  pairs: Array<{ target: SchemaRef; qualified: string }>,
  log: (line: string) => void,
): Promise<void> {
  for (const p of pairs) {
    log(`- drop schema ${p.qualified} (the copy failed)`);
    await adapter
      .execute(
        adapter.dialect.statements({ action: 'drop-schema', schema: p.target }),
      )
      .catch(e =>
        log(
          `- could not drop ${p.qualified}: ${
            (e as Error).message
          }; delete it by hand`,
        ),
      );
  }
}

/**
 * Clone the product's schemas into the sandbox of a branch: marked as the
 * branch's sandbox, owned by the owner role, the service role working in
 * them as in the product. An existing sandbox schema fails the request
 * unless `replace`, and even then only one that is this branch's sandbox
 * (or, made before sandboxes were marked, carries no marker of another
 * product) is dropped.
 * @public
 */
export async function createSandbox(
  adapter: WarehouseAdapter,
  product: ProvisionedProduct,
  options: {
    suffix: string;
    layers?: readonly ProductLayer[];
    replace?: boolean;
    /** Told each destructive or creating step before it runs. */
    log?: (line: string) => void;
    /** The time the marker records (now by default). */
    now?: Date;
  },
): Promise<CreateSandboxResult> {
  const { suffix } = options;
  const log = options.log ?? (() => {});
  // every name checked before the warehouse is asked anything
  const pairs = nameSandbox(adapter.dialect, product, suffix, options.layers);
  const found = await adapter.introspect({
    computes: [],
    databases: [product.database],
    schemas: pairs.flatMap(p => [p.source, p.target]),
    roles: [],
  });
  const holds = (ref: SchemaRef) =>
    found.schemas.find(
      s => s.database === ref.database && s.schema === ref.schema,
    );
  const missing = pairs.filter(p => !holds(p.source));
  if (missing.length > 0) {
    throw new SandboxError(
      `${product.entityRef} has no ${missing
        .map(p => p.source.schema)
        .join(', ')} in ${
        product.database
      } yet: apply the product (plan and apply) before creating sandboxes`,
    );
  }
  const existing = pairs.flatMap(p => holds(p.target) ?? []);
  const replaced: SchemaRef[] = [];
  if (existing.length > 0) {
    const names = existing.map(s => adapter.dialect.qualifiedSchema(s));
    if (!options.replace) {
      throw new SandboxError(
        `the sandbox of this branch exists already (${names.join(
          ', ',
        )}); ask to replace it (replace: true, --replace) to drop and clone it again`,
      );
    }
    const foreign = existing.filter(
      s =>
        s.comment !== undefined &&
        sandboxSuffixOf(s.comment, product.entityRef) !== suffix &&
        // a clone made before sandboxes were marked carries the product's own marker
        s.comment !== managedByMarker(product.entityRef),
    );
    if (foreign.length > 0) {
      throw new SandboxError(
        `${foreign
          .map(
            s =>
              `${adapter.dialect.qualifiedSchema(s)} (comment '${s.comment}')`,
          )
          .join(', ')} is not the sandbox of this branch: left alone`,
      );
    }
    for (const s of existing) {
      log(`- drop schema ${adapter.dialect.qualifiedSchema(s)} (replace)`);
      await adapter.execute(
        adapter.dialect.statements({ action: 'drop-schema', schema: s }),
      );
      replaced.push({ database: s.database, schema: s.schema });
    }
  }
  // once cloned, marked first: a sandbox interrupted after the marking is
  // still found and deleted
  const marking: Statement[] = pairs.flatMap(p => [
    ...adapter.dialect.statements({
      action: 'set-comment',
      object: { kind: 'schema', ...p.target },
      comment: sandboxMarker(
        product.entityRef,
        suffix,
        options.now ?? new Date(),
      ),
    }),
    // the pipeline's role works in the sandbox as it does in the product
    // (its tables are the service role's already: see tableOwner below)
    ...adapter.dialect.statements({
      action: 'grant',
      target: { type: 'schema', ...p.target },
      privileges: ['usage', 'create'],
      grantee: product.roles.service,
    }),
  ]);
  for (const p of pairs) log(`+ clone ${p.sourceQualified} → ${p.qualified}`);
  let cloned: SandboxCloneResult;
  try {
    cloned = await adapter.sandboxClone(
      pairs.map(p => ({
        source: p.source,
        target: p.target,
        owner: product.roles.owner,
        // the branch's pipeline rebuilds its tables; nobody else reads them
        tableOwner: product.roles.service,
      })),
    );
    await adapter.execute(marking);
  } catch (e) {
    // a copy made halfway is a copy of the product's data that no one
    // would find (it is not marked yet): dropped, so that a failed sandbox
    // leaves nothing behind. Every target is this run's: an existing one
    // was refused or dropped above.
    await dropHalfMade(adapter, pairs, log);
    throw e;
  }
  const tablesOf = (target: SchemaRef) =>
    cloned.schemas.find(
      s =>
        s.target.database === target.database &&
        s.target.schema === target.schema,
    )?.tables ?? 0;
  return {
    method: cloned.method,
    layers: pairs.map(p => ({ ...p, tables: tablesOf(p.target) })),
    notes: cloned.notes,
    replaced,
  };
}

/** A sandbox schema found: its branch's suffix and, when its marker says, when it was made. @public */
export type FoundSandbox = MarkedSchema & {
  suffix: string;
  createdAt?: string;
  /** When its owners last kept it past its expiry: its time runs from then. */
  keptAt?: string;
};

/** A marked schema as a sandbox of the product, or undefined when it is none. */
function asSandbox(
  schema: MarkedSchema,
  entityRef: string,
): FoundSandbox | undefined {
  const suffix = sandboxSuffixOf(schema.comment, entityRef);
  if (!suffix) return undefined;
  const createdAt = sandboxCreatedAt(schema.comment);
  const keptAt = createdAt ? sandboxKeptAt(schema.comment) : undefined;
  return {
    ...schema,
    suffix,
    ...(createdAt ? { createdAt } : {}),
    ...(keptAt ? { keptAt } : {}),
  };
}

const byBranchThenSchema = (a: FoundSandbox, b: FoundSandbox) =>
  a.suffix.localeCompare(b.suffix) || a.schema.localeCompare(b.schema);

/** Every sandbox schema of the product, found by its marker, in one query; by branch, then schema. @public */
export async function findSandboxes(
  adapter: WarehouseAdapter,
  product: ProvisionedProduct,
): Promise<FoundSandbox[]> {
  const marked = await adapter.schemasMarked(
    product.database,
    sandboxMarkerPrefix(product.entityRef),
  );
  return marked
    .flatMap(s => asSandbox(s, product.entityRef) ?? [])
    .sort(byBranchThenSchema);
}

/**
 * The sandboxes of many products (the fleet's drift summary), by product
 * ref: one query per database, whatever the number of products.
 * @public
 */
export async function findSandboxesOf(
  adapter: WarehouseAdapter,
  products: ProvisionedProduct[],
): Promise<{ byProduct: Map<string, FoundSandbox[]>; queries: number }> {
  const refsOf = new Map<string, Set<string>>();
  for (const p of products) {
    refsOf.set(
      p.database,
      (refsOf.get(p.database) ?? new Set()).add(p.entityRef),
    );
  }
  const byProduct = new Map<string, FoundSandbox[]>();
  for (const [database, refs] of refsOf) {
    // every schema a product marked, its own and its sandboxes
    for (const schema of await adapter.schemasMarked(
      database,
      managedByMarker(''), // 'datamesh:', how every product's marker begins
    )) {
      const ref = /^datamesh:(.+?):sandbox:/.exec(schema.comment ?? '')?.[1];
      const found = ref && refs.has(ref) ? asSandbox(schema, ref) : undefined;
      if (found) byProduct.set(ref!, [...(byProduct.get(ref!) ?? []), found]);
    }
  }
  for (const found of byProduct.values()) found.sort(byBranchThenSchema);
  return { byProduct, queries: refsOf.size };
}

/**
 * Drop the sandbox schemas of one branch (`suffix`), or of every branch
 * (`all`): only schemas marked as this product's sandboxes are dropped.
 * @public
 */
export async function deleteSandboxes(
  adapter: WarehouseAdapter,
  product: ProvisionedProduct,
  options: { suffix?: string; all?: boolean; dryRun?: boolean },
): Promise<FoundSandbox[]> {
  if (!options.all && !options.suffix) {
    throw new SandboxError('name a branch, or ask for all sandboxes');
  }
  const doomed = (await findSandboxes(adapter, product)).filter(
    s => options.all || s.suffix === options.suffix,
  );
  if (!options.dryRun) await dropSandboxes(adapter, doomed);
  return doomed;
}

/**
 * Drop sandbox schemas found by {@link findSandboxes}, with what they hold.
 * For callers that already looked (and keep what they found, e.g. for an
 * audit trail); {@link deleteSandboxes} looks and drops in one call.
 * @public
 */
export async function dropSandboxes(
  adapter: WarehouseAdapter,
  sandboxes: MarkedSchema[],
): Promise<void> {
  await adapter.execute(
    sandboxes.flatMap(s =>
      adapter.dialect.statements({ action: 'drop-schema', schema: s }),
    ),
  );
}

/**
 * Keeps a branch's sandbox past its expiry: its schemas, found by
 * {@link findSandboxes}, marked again with the same making time and
 * `keptAt`, from which its time runs anew. Only a sandbox whose marker has
 * a making time can be kept (one without never expires): a
 * {@link SandboxError} otherwise, nothing asked of the warehouse. Returns
 * the schemas as now marked.
 * @public
 */
export async function keepSandbox(
  adapter: WarehouseAdapter,
  product: ProvisionedProduct,
  sandbox: FoundSandbox[],
  keptAt: Date,
): Promise<FoundSandbox[]> {
  const suffixes = [...new Set(sandbox.map(s => s.suffix))];
  if (suffixes.length !== 1) {
    throw new SandboxError('keep the schemas of one branch at a time');
  }
  const createdAt = sandbox.flatMap(s => s.createdAt ?? []).sort()[0];
  if (!createdAt) {
    throw new SandboxError(
      `the sandbox of ${suffixes[0]} records no time it was made: it does not expire, so there is nothing to keep`,
    );
  }
  await adapter.execute(
    sandbox.flatMap(s =>
      adapter.dialect.statements({
        action: 'set-comment',
        object: { kind: 'schema', database: s.database, schema: s.schema },
        comment: sandboxMarker(
          product.entityRef,
          suffixes[0],
          new Date(createdAt),
          keptAt,
        ),
      }),
    ),
  );
  return sandbox.map(s => ({ ...s, keptAt: markerTime(keptAt) }));
}
