/*
 * What products left behind. Every schema and role the platform makes
 * carries its product's marker: `datamesh:<ref>` (the product's layers,
 * masked views and roles), `datamesh:<ref>:sandbox:<branch> …` (a branch's
 * copy), `datamesh:<ref>:archive` (what retirement keeps) and
 * `datamesh:<ref>:access:<id>` (a request's role). A product removed from
 * the catalog without retirement, renamed, or moved to another domain or
 * stage leaves them — the data in its schemas, personal data included, and
 * roles still granted to people, which a product made again under the
 * same name would adopt, members and all — where no plan, drift check,
 * expiry or retirement looks again: each of those starts from the
 * catalog's products. These are found by marker, one query per database
 * and one for the roles, and compared with what the catalog's products
 * declare now.
 */
import { parseManagedByMarker } from './desiredState';
import { sandboxCreatedAt, sandboxSuffixOf } from './sandbox';
import type {
  MarkedRole,
  MarkedSchema,
  ProvisionedProduct,
  Statement,
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

/** What a role's marker says it is: a product's role, or a request's. @public */
export type MarkedRoleKind = 'product' | 'access';

/** A role marked as a data product's that no product in the catalog declares now. @public */
export interface LeftoverRole extends MarkedRole {
  product: string;
  kind: MarkedRoleKind;
  /** Its product is in the catalog but no longer declares the role (renamed). */
  productInCatalog: boolean;
}

/**
 * The product and kind a role's marker names, or undefined for a comment
 * that is not a platform marker.
 * @public
 */
export function readRoleMarker(
  comment: string | undefined,
): { product: string; kind: MarkedRoleKind } | undefined {
  const body = parseManagedByMarker(comment);
  if (body === undefined) return undefined;
  if (REF.test(body)) return { product: body, kind: 'product' };
  const access = /^(.+):access:[^:\s]+$/.exec(body);
  return access && REF.test(access[1])
    ? { product: access[1], kind: 'access' }
    : undefined;
}

const key = (database: string, schema: string) =>
  `${database.toLowerCase()}\u0000${schema.toLowerCase()}`;

/** Every role a product declares (lower case). */
function declaredRoles(product: ProvisionedProduct): string[] {
  return [
    ...Object.values(product.roles),
    ...(product.piiRole ? [product.piiRole] : []),
  ].map(r => r.toLowerCase());
}

/** Every schema a product declares: its layers, and its masked views' schema. */
function declaredSchemas(product: ProvisionedProduct): string[] {
  return [
    ...Object.values(product.schemas),
    ...(product.maskedSchema ? [product.maskedSchema] : []),
  ].map(schema => key(product.database, schema));
}

/** What products left behind, and where it was looked for. @public */
export interface Leftovers {
  /** By product, then database and schema. */
  schemas: LeftoverSchema[];
  /** By product, then name; none when the adapter cannot list roles. */
  roles: LeftoverRole[];
  /**
   * The databases that hold what the platform made, as far as the
   * warehouse tells (those it lists, and those with schemas found; else
   * every one looked in): where a dropped role's privileges are.
   */
  databases: string[];
  /** Warehouse queries the look took. */
  queries: number;
}

/**
 * The schemas and roles of the warehouse marked as data products' that the
 * catalog's products do not declare: one query per database (the
 * products', and those the platform made that the adapter lists) and one
 * for the roles, whatever the number of products. One is left over when
 * its product is not in the catalog (`refs`), or is and no longer
 * declares it (a product schema or role that is none of its names, at any
 * stage). Sandboxes, archives and request roles of products in the catalog
 * are theirs (sandbox expiry, retirement, access requests see to them); a
 * product of the catalog without names (its spec does not plan) is not
 * judged.
 * @public
 */
export async function findLeftovers(
  adapter: WarehouseAdapter,
  catalog: {
    /** Every data product of the catalog, by ref (lower case). */
    refs: Iterable<string>;
    /** The names of those that have them, at the stage the catalog says. */
    products: ProvisionedProduct[];
    /**
     * Their names at the platform's other stages (a spec goes to dev, then
     * test, then prod): declared as well, looked in only where the adapter
     * lists the database as the platform's.
     */
    atOtherStages?: ProvisionedProduct[];
  },
  options: {
    /** Databases to look in besides the products' and the platform's. */
    databases?: string[];
    /** Products being retired: retirement sees to all they made. */
    retiring?: ReadonlySet<string>;
    /** Retired products whose archive retirement keeps until its retention. */
    archived?: ReadonlySet<string>;
  } = {},
): Promise<Leftovers> {
  const inCatalog = new Set([...catalog.refs].map(r => r.toLowerCase()));
  const named = new Map<string, ProvisionedProduct[]>();
  for (const p of [...catalog.products, ...(catalog.atOtherStages ?? [])]) {
    const ref = p.entityRef.toLowerCase();
    named.set(ref, [...(named.get(ref) ?? []), p]);
  }
  // where the warehouse can tell, also the databases no product of the
  // catalog is in any more: one more query
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
  /** Whether the marker's product leaves it over: `undefined` if not. */
  const judge = (
    product: string,
    kind: string,
    declared: (p: ProvisionedProduct) => boolean,
  ): { productInCatalog: boolean } | undefined => {
    const ref = product.toLowerCase();
    if (options.retiring?.has(ref)) return undefined;
    if (!inCatalog.has(ref)) {
      return kind === 'archive' && options.archived?.has(ref)
        ? undefined
        : { productInCatalog: false };
    }
    // its sandboxes, archive and request roles are its own business
    if (kind !== 'product') return undefined;
    const names = named.get(ref);
    return !names || names.some(declared)
      ? undefined
      : { productInCatalog: true };
  };

  const schemas: LeftoverSchema[] = [];
  for (const database of databases) {
    for (const schema of await adapter.schemasMarked(database, 'datamesh:')) {
      const marker = readSchemaMarker(schema.comment);
      if (!marker) continue;
      const verdict = judge(marker.product, marker.kind, p =>
        declaredSchemas(p).includes(key(schema.database, schema.schema)),
      );
      if (!verdict) continue;
      const createdAt =
        marker.kind === 'sandbox'
          ? sandboxCreatedAt(schema.comment)
          : undefined;
      schemas.push({
        ...schema,
        product: marker.product,
        kind: marker.kind,
        ...verdict,
        ...(marker.branch ? { branch: marker.branch } : {}),
        ...(createdAt ? { createdAt } : {}),
      });
    }
  }
  schemas.sort(
    (a, b) =>
      a.product.localeCompare(b.product) ||
      a.database.localeCompare(b.database) ||
      a.schema.localeCompare(b.schema),
  );

  const roles: LeftoverRole[] = [];
  for (const role of adapter.rolesMarked
    ? await adapter.rolesMarked('datamesh:')
    : []) {
    const marker = readRoleMarker(role.comment);
    if (!marker) continue;
    const verdict = judge(marker.product, marker.kind, p =>
      declaredRoles(p).includes(role.name.toLowerCase()),
    );
    if (verdict) {
      roles.push({
        ...role,
        product: marker.product,
        kind: marker.kind,
        ...verdict,
      });
    }
  }
  roles.sort(
    (a, b) =>
      a.product.localeCompare(b.product) || a.name.localeCompare(b.name),
  );

  return {
    schemas,
    roles,
    databases: adapter.platformDatabases
      ? [...new Set([...made, ...schemas.map(x => x.database)])].sort()
      : databases,
    queries:
      databases.length +
      (adapter.platformDatabases ? 1 : 0) +
      (adapter.rolesMarked ? 1 : 0),
  };
}

/**
 * Drops what {@link findLeftovers} found: the schemas with what they hold,
 * then the roles, their privileges in `databases` (those looked in) first
 * where the warehouse needs it. What a dropped role still owns (a schema
 * not asked for) passes to the platform's role: dropping a role never
 * drops data.
 * @public
 */
export async function dropLeftovers(
  adapter: WarehouseAdapter,
  leftovers: { schemas?: MarkedSchema[]; roles?: MarkedRole[] },
  databases: string[],
): Promise<void> {
  const statements: Statement[] = [
    ...(leftovers.schemas ?? []).flatMap(schema =>
      adapter.dialect.statements({ action: 'drop-schema', schema }),
    ),
    ...(leftovers.roles ?? []).flatMap(role =>
      adapter.dialect.statements({
        action: 'drop-role',
        role: role.name,
        databases,
        // a schema it owns that was not asked for stays
        keepOwned: true,
      }),
    ),
  ];
  await adapter.execute(statements);
}
