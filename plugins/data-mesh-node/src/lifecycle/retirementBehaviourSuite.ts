/*
 * Retirement on a real warehouse: every adapter module runs this suite
 * against its own warehouse (PGlite, PostgreSQL, the Snowflake fake). The
 * interruption test stops the retirement at each warehouse call in turn
 * (as a crash would), resumes it with a working connection and checks that
 * it converges to the same end: nothing of the product but its archive,
 * with the output layer's rows.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  createSandbox,
  findSandboxes,
  sandboxSchemaName,
} from '../warehouse/sandbox';
import { unionScope, scopeOf } from '../warehouse/scope';
import { type WarehouseAdapter, WarehouseError } from '../warehouse/types';
import type { WarehouseTestHarness } from '../testUtils/behaviourSuite';
import { testDataProduct } from '../testUtils/products';
import { provisionWithRows } from '../testUtils/provision';
import {
  RETIREMENT_PHASES,
  applyRetirementPhase,
  planRetirement,
  retirementNames,
} from './retirement';

/** An adapter that fails at its n-th warehouse call (1-based), like a crash. */
function interruptedAt(adapter: WarehouseAdapter, n: number) {
  let calls = 0;
  const tick = () => {
    calls += 1;
    if (calls === n) throw new WarehouseError(`interrupted at call ${n}`);
  };
  const wrapped: WarehouseAdapter = {
    dialect: adapter.dialect,
    capabilities: adapter.capabilities,
    defaultParentRole: adapter.defaultParentRole,
    introspect: scope => adapter.introspect(scope),
    async execute(statements) {
      tick();
      return adapter.execute(statements);
    },
    tableStats: (...args) => adapter.tableStats(...args),
    async sandboxClone(requests) {
      tick();
      return adapter.sandboxClone(requests);
    },
    schemasMarked: (...args) => adapter.schemasMarked(...args),
    close: async () => {},
  };
  return { adapter: wrapped, calls: () => calls };
}

/**
 * Register the retirement suite for one adapter. Call at the top level of a test file.
 * @public
 */
export function runRetirementBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number; interruptions?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 300_000;

  describe(`Retirement: ${name}`, () => {
    let h: WarehouseTestHarness;
    let domain: string;

    beforeAll(async () => {
      h = await makeHarness();
      domain = `${h.domainPrefix}_ret`;
    }, timeout);
    afterAll(async () => {
      await h?.cleanup();
    }, timeout);

    const provisionWithData = (product: DataProductEntityV1alpha1) =>
      provisionWithRows(h, product);

    /** Everything of the product that is still in the warehouse. */
    async function remains(product: DataProductEntityV1alpha1) {
      const { desired, archive } = retirementNames(product, h.platform);
      const actual = await h.adapter.introspect(
        unionScope([
          scopeOf(desired),
          { computes: [], databases: [], schemas: [archive], roles: [] },
        ]),
      );
      return {
        schemas: actual.schemas.map(s => s.schema),
        roles: actual.roles.map(r => r.name),
        archive,
      };
    }

    async function retireAll(
      adapter: WarehouseAdapter,
      product: DataProductEntityV1alpha1,
      phases = RETIREMENT_PHASES.filter(p => p !== 'drop-archive'),
    ) {
      for (const phase of phases) {
        const result = await applyRetirementPhase(
          adapter,
          product,
          h.platform,
          phase,
        );
        if (result.error) return result;
      }
      return undefined;
    }

    it(
      'plans every phase, refuses to drop before archiving, then leaves only the archive with the rows',
      async () => {
        const product = testDataProduct('visits', domain);
        const names = await provisionWithData(product);
        const plan = await planRetirement(h.adapter, product, h.platform);
        expect(plan.conflicts).toEqual([]);
        expect(plan.steps.map(s => [s.phase, s.done])).toEqual([
          ['revoke', false],
          ['archive', false],
          ['drop', false],
          ['drop-archive', true],
        ]);
        const q = (n: string) => h.adapter.dialect.quoteIdentifier(n);
        expect(plan.steps[0].lines).toContain(
          `- revoke role ${q(names.roles.consumer)} from ${q(
            names.roles.service,
          )}`,
        );
        expect(plan.steps[2].lines).toContain(
          `- drop role ${q(names.roles.owner)}`,
        );

        const early = await applyRetirementPhase(
          h.adapter,
          product,
          h.platform,
          'drop',
        );
        expect(early.error?.message).toMatch(
          /drop must wait for revoke, archive/,
        );
        expect((await remains(product)).schemas).toHaveLength(3);

        expect(await retireAll(h.adapter, product)).toBeUndefined();
        const left = await remains(product);
        expect(left.roles).toEqual([]);
        expect(left.schemas).toEqual([left.archive.schema]);
        const [stats] = await h.adapter.tableStats(names.database, [
          { schema: left.archive.schema, table: 'events' },
        ]);
        expect(stats).toMatchObject({ exists: true, rowCount: 3 });

        const after = await planRetirement(h.adapter, product, h.platform);
        expect(after.archived).toBe(true);
        expect(after.steps.map(s => s.done)).toEqual([true, true, true, false]);
        const again = await applyRetirementPhase(
          h.adapter,
          product,
          h.platform,
          'drop',
        );
        expect(again).toMatchObject({ alreadyDone: true, applied: [] });

        expect(
          (
            await applyRetirementPhase(
              h.adapter,
              product,
              h.platform,
              'drop-archive',
            )
          ).error,
        ).toBeUndefined();
        expect(await remains(product)).toMatchObject({
          schemas: [],
          roles: [],
        });
      },
      timeout,
    );

    it(
      "drops the product's sandboxes with it, and leaves another product's alone",
      async () => {
        const product = testDataProduct('rides', domain);
        const names = await provisionWithData(product);
        const other = await provisionWithData(testDataProduct('fleet', domain));
        await createSandbox(h.adapter, names, { suffix: 'feature_x' });
        await createSandbox(h.adapter, other, {
          suffix: 'feature_x',
          layers: ['output'],
        });

        const plan = await planRetirement(h.adapter, product, h.platform);
        expect(plan.conflicts).toEqual([]);
        const sandboxOutput = h.adapter.dialect.qualifiedSchema({
          database: names.database,
          schema: sandboxSchemaName(names.outputSchema, 'feature_x'),
        });
        expect(plan.steps[2].lines.join('\n')).toContain(sandboxOutput);

        expect(await retireAll(h.adapter, product)).toBeUndefined();
        expect(await findSandboxes(h.adapter, names)).toEqual([]);
        expect((await remains(product)).schemas).toEqual([
          retirementNames(product, h.platform).archive.schema,
        ]);
        expect(
          (await findSandboxes(h.adapter, other)).map(s => s.schema),
        ).toEqual([sandboxSchemaName(other.outputSchema, 'feature_x')]);
      },
      timeout,
    );

    it(
      'interrupted at any warehouse call and resumed, converges to the archive alone',
      async () => {
        // how many calls an uninterrupted retirement makes
        const probe = testDataProduct('probe', domain);
        await provisionWithData(probe);
        const counting = interruptedAt(h.adapter, 0);
        expect(await retireAll(counting.adapter, probe)).toBeUndefined();
        const total = counting.calls();
        expect(total).toBeGreaterThan(3);

        const limit = Math.min(total, options.interruptions ?? total);
        for (let n = 1; n <= limit; n++) {
          const product = testDataProduct(`cut${n}`, domain);
          const names = await provisionWithData(product);
          const cut = interruptedAt(h.adapter, n);
          const failed = await retireAll(cut.adapter, product);
          expect(failed?.error?.message).toMatch(`interrupted at call ${n}`);
          // resumed by a new run of every phase, on a healthy connection
          expect(await retireAll(h.adapter, product)).toBeUndefined();
          const left = await remains(product);
          expect({ n, roles: left.roles, schemas: left.schemas }).toEqual({
            n,
            roles: [],
            schemas: [left.archive.schema],
          });
          const [stats] = await h.adapter.tableStats(names.database, [
            { schema: left.archive.schema, table: 'events' },
          ]);
          expect({ n, rows: stats.rowCount }).toEqual({ n, rows: 3 });
          await applyRetirementPhase(
            h.adapter,
            product,
            h.platform,
            'drop-archive',
          );
        }
      },
      timeout,
    );
  });
}
