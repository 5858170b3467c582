/*
 * Sandboxes on a real warehouse: every adapter module runs this suite
 * against its own warehouse (PGlite, PostgreSQL, the Snowflake fake). A
 * sandbox is a marked copy of the product's schemas that only the
 * product's team reaches; it is found by its marker, replaced or deleted
 * only when it is the product's, and a look-alike schema is left alone.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import type { SandboxCloneRequest } from './types';
import type { WarehouseTestHarness } from '../testUtils/behaviourSuite';
import { testDataProduct } from '../testUtils/products';
import { provisionWithRows } from '../testUtils/provision';
import {
  SandboxNameError,
  createSandbox,
  deleteSandboxes,
  findSandboxes,
  findSandboxesOf,
  keepSandbox,
  sandboxMarker,
  sandboxSchemaName,
} from './sandbox';

/**
 * Register the sandbox suite for one adapter. Call at the top level of a test file.
 * @public
 */
export function runSandboxBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 300_000;

  describe(`Sandboxes: ${name}`, () => {
    let h: WarehouseTestHarness;
    let domain: string;

    beforeAll(async () => {
      h = await makeHarness();
      domain = `${h.domainPrefix}_sbx`;
    }, timeout);
    afterAll(async () => {
      await h?.cleanup();
    }, timeout);

    /** The product applied, with three rows in `events` of its output layer. */
    const provisionWithData = (product: DataProductEntityV1alpha1) =>
      provisionWithRows(h, product);

    it(
      "clones a branch's sandbox that only the product's team reaches, marked so it is found",
      async () => {
        const names = await provisionWithData(testDataProduct('trips', domain));
        const result = await createSandbox(h.adapter, names, {
          suffix: 'feature_x',
          layers: ['raw', 'output'],
          now: new Date('2026-12-01T09:30:00.250Z'),
        });
        // each layer asked, in order, named as the warehouse writes it
        expect(
          result.layers.map(l => [l.layer, l.qualified, l.tables]),
        ).toEqual(
          (['raw', 'output'] as const).map((layer, i) => [
            layer,
            h.adapter.dialect.qualifiedSchema({
              database: names.database,
              schema: sandboxSchemaName(names.schemas[layer], 'feature_x'),
            }),
            i,
          ]),
        );
        const found = await findSandboxes(h.adapter, names);
        // the marker says when it was made (schemas keep no creation time)
        const made = '2026-12-01T09:30:00Z';
        expect(
          found.map(s => [s.schema, s.suffix, s.createdAt]).sort(),
        ).toEqual(
          [
            [
              sandboxSchemaName(names.schemas.output, 'feature_x'),
              'feature_x',
              made,
            ],
            [
              sandboxSchemaName(names.schemas.raw, 'feature_x'),
              'feature_x',
              made,
            ],
          ].sort(),
        );

        const sandbox = h.adapter.dialect.qualifiedTable(
          {
            database: names.database,
            schema: sandboxSchemaName(names.outputSchema, 'feature_x'),
          },
          'events',
        );
        const source = h.adapter.dialect.qualifiedTable(
          { database: names.database, schema: names.outputSchema },
          'events',
        );
        const count = async (role: string, table: string) =>
          (
            (await h.queryAs(
              role,
              names.database,
              `SELECT count(*) AS n FROM ${table}`,
            )) as Record<string, unknown>[]
          ).map(r => Number(Object.values(r)[0]))[0];
        // the pipeline's role works in the sandbox; the source is untouched
        await h.queryAs(
          names.roles.service,
          names.database,
          `INSERT INTO ${sandbox} (id) VALUES (4)`,
        );
        expect(await count(names.roles.service, sandbox)).toBe(4);
        expect(await count(names.roles.service, source)).toBe(3);
        // and rebuilds its tables there, as a pipeline run does
        await h.queryAs(
          names.roles.service,
          names.database,
          `DROP TABLE ${sandbox}`,
        );
        await h.queryAs(
          names.roles.service,
          names.database,
          `CREATE TABLE ${sandbox} (id INT)`,
        );
        expect(await count(names.roles.service, sandbox)).toBe(0);
        // a consumer of the product reads the product, not the sandbox
        expect(await count(names.roles.consumer, source)).toBe(3);
        await expect(
          h.queryAs(
            names.roles.consumer,
            names.database,
            `SELECT count(*) FROM ${sandbox}`,
          ),
        ).rejects.toThrow();
      },
      timeout,
    );

    it(
      'keeps a sandbox past its expiry: marked again, made when it was',
      async () => {
        const names = await provisionWithData(testDataProduct('laps', domain));
        await createSandbox(h.adapter, names, {
          suffix: 'feature_long',
          layers: ['raw', 'output'],
          now: new Date('2026-12-01T09:30:00Z'),
        });
        const kept = await keepSandbox(
          h.adapter,
          names,
          await findSandboxes(h.adapter, names),
          new Date('2026-12-29T08:00:00Z'),
        );
        expect(kept.map(s => s.keptAt)).toEqual([
          '2026-12-29T08:00:00Z',
          '2026-12-29T08:00:00Z',
        ]);
        expect(
          (await findSandboxes(h.adapter, names)).map(s => [
            s.suffix,
            s.createdAt,
            s.keptAt,
          ]),
        ).toEqual([
          ['feature_long', '2026-12-01T09:30:00Z', '2026-12-29T08:00:00Z'],
          ['feature_long', '2026-12-01T09:30:00Z', '2026-12-29T08:00:00Z'],
        ]);
        // one without a making time never expires: nothing to keep
        await expect(
          keepSandbox(
            h.adapter,
            names,
            kept.map(({ createdAt: _, ...s }) => s),
            new Date(),
          ),
        ).rejects.toThrow('records no time it was made');
      },
      timeout,
    );

    it(
      'leaves nothing behind of a copy the warehouse failed midway',
      async () => {
        const names = await provisionWithData(testDataProduct('hops', domain));
        // the warehouse clones the first schema, then fails
        const failing = new Proxy(h.adapter, {
          get(target, prop, receiver) {
            if (prop !== 'sandboxClone') {
              return Reflect.get(target, prop, receiver);
            }
            return async (requests: SandboxCloneRequest[]) => {
              await target.sandboxClone(requests.slice(0, 1));
              throw new Error('the connection was lost');
            };
          },
        });
        const lines: string[] = [];
        await expect(
          createSandbox(failing, names, {
            suffix: 'feature_half',
            layers: ['raw', 'output'],
            log: line => lines.push(line),
          }),
        ).rejects.toThrow('the connection was lost');
        const targets = [names.schemas.raw, names.outputSchema].map(schema => ({
          database: names.database,
          schema: sandboxSchemaName(schema, 'feature_half'),
        }));
        const left = await h.adapter.introspect({
          computes: [],
          databases: [names.database],
          schemas: targets,
          roles: [],
        });
        expect(
          left.schemas.filter(s => targets.some(t => t.schema === s.schema)),
        ).toEqual([]);
        expect(lines).toContain(
          `- drop schema ${h.adapter.dialect.qualifiedSchema(
            targets[0],
          )} (the copy failed)`,
        );
        // the branch can be made again, without replace
        await createSandbox(h.adapter, names, {
          suffix: 'feature_half',
          layers: ['raw'],
        });
      },
      timeout,
    );

    it(
      'refuses a branch whose sandbox the warehouse cannot name, before asking it anything',
      async () => {
        const names = await provisionWithData(testDataProduct('legs', domain));
        // longer than PostgreSQL's 63 and Snowflake's 255 characters
        const suffix = 'x'.repeat(300);
        const attempt = createSandbox(h.adapter, names, { suffix });
        await expect(attempt).rejects.toBeInstanceOf(SandboxNameError);
        await expect(attempt).rejects.toThrow(
          `cannot be named on ${h.adapter.dialect.displayName}`,
        );
        expect(await findSandboxes(h.adapter, names)).toEqual([]);
      },
      timeout,
    );

    it(
      "replaces and deletes only the product's own sandboxes, by branch or all, and leaves a look-alike alone",
      async () => {
        const names = await provisionWithData(testDataProduct('fares', domain));
        const other = await provisionWithData(testDataProduct('tolls', domain));
        const output = ['output'] as const;
        for (const suffix of ['a', 'b']) {
          await createSandbox(h.adapter, names, { suffix, layers: output });
        }
        await createSandbox(h.adapter, other, { suffix: 'a', layers: output });

        await expect(
          createSandbox(h.adapter, names, { suffix: 'a', layers: output }),
        ).rejects.toThrow(
          /sandbox of this branch exists already .*ask to replace it/,
        );
        const again = await createSandbox(h.adapter, names, {
          suffix: 'a',
          layers: output,
          replace: true,
        });
        expect(again.replaced.map(s => s.schema)).toEqual([
          sandboxSchemaName(names.outputSchema, 'a'),
        ]);

        // a schema with a sandbox's name that is not one (someone else's)
        const lookAlike = {
          database: names.database,
          schema: sandboxSchemaName(names.outputSchema, 'c'),
        };
        await h.adapter.execute([
          ...h.adapter.dialect.statements({
            action: 'create-schema',
            schema: { ...lookAlike, comment: 'analytics team scratch space' },
          }),
        ]);
        await expect(
          createSandbox(h.adapter, names, {
            suffix: 'c',
            layers: output,
            replace: true,
          }),
        ).rejects.toThrow(/not the sandbox of this branch: left alone/);
        // nor does another product's marker make it this product's
        await h.adapter.execute(
          h.adapter.dialect.statements({
            action: 'set-comment',
            object: { kind: 'schema', ...lookAlike },
            comment: sandboxMarker(other.entityRef, 'c'),
          }),
        );
        await expect(
          createSandbox(h.adapter, names, {
            suffix: 'c',
            layers: output,
            replace: true,
          }),
        ).rejects.toThrow(/not the sandbox of this branch/);

        const suffixes = async () =>
          (await findSandboxes(h.adapter, names)).map(s => s.suffix).sort();
        expect(await suffixes()).toEqual(['a', 'b']);
        // the fleet's question: every product's, one query per database
        const fleet = await findSandboxesOf(h.adapter, [names, other]);
        expect(fleet.queries).toBe(
          new Set([names.database, other.database]).size,
        );
        expect(fleet.byProduct.get(names.entityRef)).toEqual(
          await findSandboxes(h.adapter, names),
        );
        expect(
          fleet.byProduct.get(other.entityRef)?.map(s => s.suffix),
        ).toEqual(['a', 'c']);
        const planned = await deleteSandboxes(h.adapter, names, {
          suffix: 'a',
          dryRun: true,
        });
        expect(planned.map(s => s.suffix)).toEqual(['a']);
        expect(await suffixes()).toEqual(['a', 'b']);
        await deleteSandboxes(h.adapter, names, { suffix: 'a' });
        expect(await suffixes()).toEqual(['b']);
        await deleteSandboxes(h.adapter, names, { all: true });
        expect(await suffixes()).toEqual([]);

        // the other product's sandbox and the look-alike are still there
        expect(
          (await findSandboxes(h.adapter, other)).map(s => s.suffix).sort(),
        ).toEqual(['a', 'c']);
        const left = await h.adapter.introspect({
          computes: [],
          databases: [names.database],
          schemas: [lookAlike],
          roles: [],
        });
        expect(left.schemas.map(s => s.schema)).toEqual([lookAlike.schema]);
      },
      timeout,
    );
  });
}
