/*
 * What products left behind, on a real warehouse: every adapter module runs
 * this suite against its own warehouse (PGlite, PostgreSQL, the Snowflake
 * fake). Schemas and roles marked by a product gone from the catalog, or no
 * longer declared by its product at any stage, are found by their markers
 * with one query per database and one for the roles, and dropped; what the
 * catalog's products declare, a look-alike and a kept archive are left
 * alone.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import type { WarehouseTestHarness } from '../testUtils/behaviourSuite';
import { testDataProduct } from '../testUtils/products';
import { provisionWithRows } from '../testUtils/provision';
import { type Leftovers, dropLeftovers, findLeftovers } from './leftovers';
import { createSandbox, findSandboxes, sandboxSchemaName } from './sandbox';

/**
 * Register the leftovers suite for one adapter. Call at the top level of a test file.
 * @public
 */
export function runLeftoversBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 300_000;

  describe(`Left behind: ${name}`, () => {
    let h: WarehouseTestHarness;

    beforeAll(async () => {
      h = await makeHarness();
    }, timeout);
    afterAll(async () => {
      await h?.cleanup();
    }, timeout);

    /** The product applied, with three rows in `events` of its output layer. */
    const provisionWithData = (product: DataProductEntityV1alpha1) =>
      provisionWithRows(h, product);

    it(
      'finds the schemas and roles that no product of the catalog declares, one query per database, and drops them',
      async () => {
        // a domain of its own: the other tests' products are not in this catalog
        const own = `${h.domainPrefix}_lft`;
        const kept = await provisionWithData(testDataProduct('docks', own));
        const gone = await provisionWithData(testDataProduct('piers', own));
        // a domain none of whose products is left in the catalog
        const far = await provisionWithData(
          testDataProduct('wharfs', `${h.domainPrefix}_lfy`),
        );
        // where the adapter lists the databases the platform made
        const listsDatabases = h.adapter.platformDatabases !== undefined;
        // this test's databases (the warehouse also holds the other tests')
        const ours = (found: Pick<Leftovers, 'schemas'>) =>
          found.schemas.filter(l =>
            [kept.database, far.database].includes(l.database),
          );
        // and roles, where the adapter lists them: the products' and a
        // request's role of the product gone
        const listsRoles = h.adapter.rolesMarked !== undefined;
        const requestRole = `${h.domainPrefix}_lft_access_r1`;
        await h.adapter.execute(
          h.adapter.dialect.statements({
            action: 'create-role',
            role: {
              name: requestRole,
              comment: `datamesh:${gone.entityRef}:access:r1`,
            },
          }),
        );
        const roleNames = new Set([
          ...[kept, gone, far].flatMap(p => Object.values(p.roles)),
          requestRole,
        ]);
        const ourRoles = (found: Pick<Leftovers, 'roles'>) =>
          found.roles
            .filter(r => roleNames.has(r.name))
            .map(r => [r.name, r.product, r.kind, r.productInCatalog]);
        await createSandbox(h.adapter, gone, {
          suffix: 'feat_x',
          layers: ['output'],
          now: new Date('2026-11-02T10:00:00Z'),
        });
        await createSandbox(h.adapter, kept, {
          suffix: 'feat_y',
          layers: ['output'],
        });
        // someone's schema in the same database, and another product's
        // archive that retirement keeps
        const scratch = { database: kept.database, schema: 'scratch_space' };
        const archive = { database: kept.database, schema: 'quays_archive' };
        await h.adapter.execute([
          ...h.adapter.dialect.statements({
            action: 'create-schema',
            schema: { ...scratch, comment: 'analytics team scratch space' },
          }),
          ...h.adapter.dialect.statements({
            action: 'create-schema',
            schema: {
              ...archive,
              comment: 'datamesh:dataproduct:default/quays:archive',
            },
          }),
        ]);
        const catalog = { refs: [kept.entityRef], products: [kept] };
        const sorted = (names: string[]) => [...names].sort();

        // piers left the catalog: its layers and its sandbox are left over
        const made = (await h.adapter.platformDatabases?.()) ?? [];
        const both = [kept.database, far.database].sort();
        expect(made.filter(d => both.includes(d)).sort()).toEqual(
          listsDatabases ? both : [],
        );
        const before = h.queryCount();
        const found = await findLeftovers(h.adapter, catalog, {
          archived: new Set(['dataproduct:default/quays']),
        });
        // one per database, and one for the list of databases
        expect(h.queryCount() - before).toBe(found.queries);
        expect(found.queries).toBe(
          new Set([kept.database, ...made]).size +
            (listsDatabases ? 1 : 0) +
            (listsRoles ? 1 : 0),
        );
        const roleOf = (p: typeof gone, kind = 'product') =>
          Object.values(p.roles).map(role => [role, p.entityRef, kind, false]);
        const byName = (a: unknown[], b: unknown[]) =>
          String(a[1]).localeCompare(String(b[1])) ||
          String(a[0]).localeCompare(String(b[0]));
        expect(ourRoles(found)).toEqual(
          listsRoles
            ? [
                ...roleOf(gone),
                [requestRole, gone.entityRef, 'access', false],
                ...roleOf(far),
              ].sort(byName)
            : [],
        );
        expect(
          ours(found).map(l => [
            l.product,
            l.schema,
            l.kind,
            l.productInCatalog,
            l.branch,
            l.createdAt,
          ]),
        ).toEqual(
          [
            ...sorted(Object.values(gone.schemas)).map(schema => [
              gone.entityRef,
              schema,
              'product',
              false,
              undefined,
              undefined,
            ]),
            [
              gone.entityRef,
              sandboxSchemaName(gone.outputSchema, 'feat_x'),
              'sandbox',
              false,
              'feat_x',
              '2026-11-02T10:00:00Z',
            ],
            ...(listsDatabases
              ? sorted(Object.values(far.schemas)).map(schema => [
                  far.entityRef,
                  schema,
                  'product',
                  false,
                  undefined,
                  undefined,
                ])
              : []),
          ].sort(
            (a, b) =>
              (a[0] === far.entityRef ? 1 : 0) -
                (b[0] === far.entityRef ? 1 : 0) ||
              String(a[1]).localeCompare(String(b[1])),
          ),
        );
        // the archive too, once retirement no longer keeps it
        expect(
          (await findLeftovers(h.adapter, catalog)).schemas.map(l => [
            l.product,
            l.schema,
            l.kind,
          ]),
        ).toContainEqual([
          'dataproduct:default/quays',
          'quays_archive',
          'archive',
        ]);

        // docks is in the catalog but no longer declares its raw layer
        const moved = {
          ...kept,
          schemas: { ...kept.schemas, raw: `${kept.schemas.raw}_v2` },
          roles: { ...kept.roles, consumer: `${kept.roles.consumer}_v2` },
        };
        const renamed = await findLeftovers(
          h.adapter,
          {
            refs: [kept.entityRef, gone.entityRef],
            products: [moved, gone],
          },
          { archived: new Set(['dataproduct:default/quays']) },
        );
        expect(
          ours(renamed)
            .filter(l => l.database === kept.database)
            .map(l => [l.product, l.schema, l.productInCatalog]),
        ).toEqual([[kept.entityRef, kept.schemas.raw, true]]);
        expect(
          ourRoles(renamed).filter(([, product]) => product === kept.entityRef),
        ).toEqual(
          listsRoles
            ? [[kept.roles.consumer, kept.entityRef, 'product', true]]
            : [],
        );
        // a product being retired is retirement's
        const retired = await findLeftovers(h.adapter, catalog, {
          retiring: new Set([gone.entityRef, far.entityRef]),
          archived: new Set(['dataproduct:default/quays']),
        });
        expect(ours(retired)).toEqual([]);
        expect(ourRoles(retired)).toEqual([]);

        // a role dropped on its own: the schemas it owns stay
        const farRoles = Object.values(far.roles);
        await dropLeftovers(
          h.adapter,
          { roles: found.roles.filter(r => farRoles.includes(r.name)) },
          found.databases,
        );
        const farSchemas = Object.values(far.schemas).map(schema => ({
          database: far.database,
          schema,
        }));
        expect(
          (
            await h.adapter.introspect({
              computes: [],
              databases: [far.database],
              schemas: farSchemas,
              roles: farRoles,
            })
          ).schemas,
        ).toHaveLength(farSchemas.length);
        await dropLeftovers(
          h.adapter,
          {
            schemas: ours(found),
            roles: found.roles.filter(
              r => roleNames.has(r.name) && !farRoles.includes(r.name),
            ),
          },
          found.databases,
        );
        expect(
          ours(
            await findLeftovers(h.adapter, catalog, {
              archived: new Set(['dataproduct:default/quays']),
            }),
          ),
        ).toEqual([]);
        // docks, its sandbox and the scratch schema are still there
        const left = await h.adapter.introspect({
          computes: [],
          databases: [kept.database],
          schemas: [
            scratch,
            ...Object.values(kept.schemas).map(schema => ({
              database: kept.database,
              schema,
            })),
          ],
          roles: [],
        });
        expect(left.schemas).toHaveLength(1 + Object.keys(kept.schemas).length);
        // and its roles; the others' are gone
        const again = await findLeftovers(h.adapter, {
          refs: [],
          products: [],
        });
        expect(ourRoles(again).map(([role]) => role)).toEqual(
          listsRoles ? Object.values(kept.roles).sort() : [],
        );
        expect(
          (await findSandboxes(h.adapter, kept)).map(s => s.suffix),
        ).toEqual(['feat_y']);
      },
      timeout,
    );

    it(
      'leaves alone what a product of the catalog declares at its other stages',
      async () => {
        // one spec applied to dev and to prod (as pipelines do); the catalog
        // knows it at dev
        const staged = `${h.domainPrefix}_lfs`;
        const dev = await provisionWithData(testDataProduct('locks', staged));
        const prod = await provisionWithData(
          testDataProduct('locks', staged, { stage: 'prod' }),
        );
        expect(prod.database).not.toBe(dev.database);
        const atProd = (found: Pick<Leftovers, 'schemas'>) =>
          found.schemas
            .filter(l => l.database === prod.database)
            .map(l => l.schema);
        const catalog = { refs: [dev.entityRef], products: [dev] };
        // without its names at prod, its prod schemas look left behind
        // (where the adapter lists the prod database as the platform's)
        expect(atProd(await findLeftovers(h.adapter, catalog))).toEqual(
          h.adapter.platformDatabases ? Object.values(prod.schemas).sort() : [],
        );
        const found = await findLeftovers(h.adapter, {
          ...catalog,
          atOtherStages: [prod],
        });
        expect(atProd(found)).toEqual([]);
        expect(found.roles.filter(r => r.product === dev.entityRef)).toEqual(
          [],
        );
      },
      timeout,
    );
  });
}
