/*
 * Schemas left behind. Every schema the platform makes carries its
 * product's marker: `datamesh:<ref>` (the product's layers and masked
 * views), `datamesh:<ref>:sandbox:<branch> …` (a branch's copy) and
 * `datamesh:<ref>:archive` (what retirement keeps). A product removed from
 * the catalog without retirement, renamed, or moved to another domain or
 * stage leaves its schemas — and the data in them, personal data included —
 * where no plan, drift check, expiry or retirement looks again: each of
 * those starts from the catalog's products. These are found by marker, one
 * query per database, and compared with what the catalog's products
 * declare now.
 */
import { parseManagedByMarker } from './desiredState';
import { dropSandboxes, sandboxCreatedAt, sandboxSuffixOf } from './sandbox';
import type {
  MarkedSchema,
  ProvisionedProduct,
  WarehouseAdapter,
} from './types';

/** What a schema's marker says it is. @public */
export type MarkedSchemaKind = 'product' | 'sandbox' | 'archive';

/** A schema marked as a data product's that no product in the catalog declares now. @public */
export interface LeftoverSchema extends MarkedSchema {
  /** The product its marker names, e.g. `dataproduct:default/visits`. */
  product: string;
  kind: MarkedSchemaKind;
  /**
   * Its product is in the catalog but no longer declares the schema (a
   * rename of its layers, a move to another domain or stage), rather than
   * gone from the catalog.
   */
  productInCatalog: boolean;
  /** A sandbox's branch suffix. */
  branch?: string;
  /** When a sandbox was made, as its marker says (ISO). */
  createdAt?: string;
}

/** A product ref as the platform writes it: `<kind>:<namespace>/<name>`. */
const REF = /^[^:\s/]+:[^:\s/]+\/[^:\s/]+$/;

/**
 * The product and kind a schema's marker names, or undefined for a comment
 * that is not a platform marker (a schema the platform does not judge).
 * @public
 */
export function readSchemaMarker(
  comment: string | undefined,
): { product: string; kind: MarkedSchemaKind; branch?: string } | undefined {
  const body = parseManagedByMarker(comment);
  if (body === undefined) return undefined;
  if (REF.test(body)) return { product: body, kind: 'product' };
  const archive = /^(.+):archive$/.exec(body);
  if (archive && REF.test(archive[1])) {
    return { product: archive[1], kind: 'archive' };
  }
  const sandbox = /^(.+?):sandbox:/.exec(body);
  if (sandbox && REF.test(sandbox[1])) {
    const branch = sandboxSuffixOf(comment, sandbox[1]);
    return branch
      ? { product: sandbox[1], kind: 'sandbox', branch }
      : undefined;
  }
  return undefined;
}

const key = (database: string, schema: string) =>
  `${database.toLowerCase()}\u0000${schema.toLowerCase()}`;

/** Every schema a product declares: its layers, and its masked views' schema. */
function declaredSchemas(product: ProvisionedProduct): string[] {
  return [
    ...Object.values(product.schemas),
    ...(product.maskedSchema ? [product.maskedSchema] : []),
  ].map(schema => key(product.database, schema));
}

/**
 * The schemas of the warehouse marked as data products' that the catalog's
 * products do not declare: one query per database (the products', and
 * those the platform made that the adapter lists), whatever the number of
 * products. A schema is left over when its product is not in the catalog
 * (`catalogRefs`), or is and no longer declares it (a product schema that
 * is none of its `products`' layers). Sandboxes and archives of products in
 * the catalog are theirs (sandbox expiry and retirement see to them); a
 * product of the catalog without names (its spec does not plan) is not
 * judged.
 * @public
 */
export async function findLeftoverSchemas(
  adapter: WarehouseAdapter,
  catalog: {
    /** Every data product of the catalog, by ref (lower case). */
    refs: Iterable<string>;
    /** The names of those that have them. */
    products: ProvisionedProduct[];
  },
  options: {
    /** Databases to look in besides the products' (e.g. of retired products). */
    databases?: string[];
    /** Products being retired: retirement sees to all their schemas. */
    retiring?: ReadonlySet<string>;
    /** Retired products whose archive retirement keeps until its retention. */
    archived?: ReadonlySet<string>;
  } = {},
): Promise<{ leftovers: LeftoverSchema[]; queries: number }> {
  const inCatalog = new Set([...catalog.refs].map(r => r.toLowerCase()));
  const declared = new Map<string, Set<string>>();
  for (const p of catalog.products) {
    declared.set(p.entityRef.toLowerCase(), new Set(declaredSchemas(p)));
  }
  // and those no product of the catalog is in any more, where the
  // warehouse can tell: one more query
  const made = adapter.platformDatabases
    ? await adapter.platformDatabases()
    : [];
  const databases = [
    ...new Set([
      ...catalog.products.map(p => p.database),
      ...made,
      ...(options.databases ?? []),
    ]),
  ].sort();
  const leftovers: LeftoverSchema[] = [];
  for (const database of databases) {
    for (const schema of await adapter.schemasMarked(database, 'datamesh:')) {
      const marker = readSchemaMarker(schema.comment);
      if (!marker) continue;
      const product = marker.product.toLowerCase();
      if (options.retiring?.has(product)) continue;
      const known = inCatalog.has(product);
      if (known) {
        if (marker.kind !== 'product') continue;
        const names = declared.get(product);
        if (!names || names.has(key(schema.database, schema.schema))) continue;
      } else if (marker.kind === 'archive' && options.archived?.has(product)) {
        continue;
      }
      const createdAt =
        marker.kind === 'sandbox'
          ? sandboxCreatedAt(schema.comment)
          : undefined;
      leftovers.push({
        ...schema,
        product: marker.product,
        kind: marker.kind,
        productInCatalog: known,
        ...(marker.branch ? { branch: marker.branch } : {}),
        ...(createdAt ? { createdAt } : {}),
      });
    }
  }
  leftovers.sort(
    (a, b) =>
      a.product.localeCompare(b.product) ||
      a.database.localeCompare(b.database) ||
      a.schema.localeCompare(b.schema),
  );
  return {
    leftovers,
    queries: databases.length + (adapter.platformDatabases ? 1 : 0),
  };
}

/**
 * Drops schemas found by {@link findLeftoverSchemas}, with what they hold
 * (the same statement as a sandbox's deletion).
 * @public
 */
export async function dropLeftoverSchemas(
  adapter: WarehouseAdapter,
  leftovers: LeftoverSchema[],
): Promise<void> {
  await dropSandboxes(adapter, leftovers);
}
