/*
 * The masking-policies part of a plan against hand-made actual states: a
 * policy per type family, set on each PII column of an existing table,
 * nothing once done, and notes — never changes — for what it must not
 * touch (a column under someone else's policy, a view, an unmaskable type).
 */
import { testDataProduct } from '../testUtils/products';
import { computeDesiredState } from './desiredState';
import type { ActualColumn } from './masking';
import { planMasking } from './maskingPlan';
import { platformConfig } from './platform';
import type { ActualState, WarehouseDialect } from './types';

const dialect: WarehouseDialect = {
  id: 'test',
  displayName: 'TestSQL',
  maxIdentifierLength: 63,
  quoteIdentifier: n => `"${n}"`,
  qualifiedSchema: r => `"${r.database}"."${r.schema}"`,
  qualifiedTable: (r, t) => `"${r.database}"."${r.schema}"."${t}"`,
  readerSession: ({ role }) => ({ statements: [`SET ROLE "${role}"`] }),
  statements: () => [],
  maskingPolicyType: type =>
    type === 'TEXT'
      ? { family: 'string', type: 'VARCHAR', mask: "'***'" }
      : undefined,
};

const desired = computeDesiredState(
  [testDataProduct('orders', 'sales', { pii: true })],
  platformConfig({ organization: 'acme' }),
  { masking: 'masking-policies' },
).desired!;
const p = desired.products[0];
const output = { database: p.database, schema: p.outputSchema };
const policyName = `${p.database}.${p.outputSchema}.pii_mask_string`;

const actual = (
  email: Partial<ActualColumn> | undefined,
  extra: Partial<ActualState> = {},
): ActualState => ({
  computes: [],
  databases: [],
  schemas: [],
  roles: [],
  memberships: [],
  grants: [],
  queries: 0,
  tables: email
    ? [
        {
          ...output,
          name: 'events',
          kind: 'table',
          columns: [
            { name: 'id', type: 'NUMBER' },
            { name: 'email', type: 'TEXT', ...email },
          ],
        },
      ]
    : [],
  maskingPolicies: [],
  ...extra,
});

describe('planMasking with masking policies', () => {
  it('waits for the table, then creates the policy once and sets it on the PII column', () => {
    expect(planMasking(desired, actual(undefined), dialect)).toEqual({
      changes: [],
      regrant: [],
      notes: [expect.stringMatching(/events\.email does not exist yet/)],
    });
    const plan = planMasking(desired, actual({}), dialect);
    expect(plan.notes).toEqual([]);
    expect(plan.changes).toEqual([
      {
        action: 'create-masking-policy',
        policy: {
          ...output,
          name: 'pii_mask_string',
          type: 'VARCHAR',
          mask: "'***'",
          clearRole: p.piiRole,
          comment: 'datamesh:dataproduct:default/orders:pii',
        },
      },
      {
        action: 'set-masking-policy',
        table: { ...output, table: 'events' },
        column: 'email',
        policy: { ...output, name: 'pii_mask_string' },
      },
    ]);
  });

  it('plans nothing once the policy exists and is set', () => {
    const done = actual(
      { maskingPolicy: policyName },
      { maskingPolicies: [{ ...output, name: 'pii_mask_string' }] },
    );
    expect(planMasking(desired, done, dialect)).toEqual({
      changes: [],
      regrant: [],
      notes: [],
    });
  });

  it("notes, and leaves alone, a column under someone else's policy, a view and a type it cannot mask", () => {
    const foreign = planMasking(
      desired,
      actual({ maskingPolicy: '"SEC"."P"."SSN_MASK"' }),
      dialect,
    );
    expect(foreign.changes.map(c => c.action)).toEqual([
      'create-masking-policy',
    ]);
    expect(foreign.notes).toEqual([
      expect.stringMatching(
        /is masked by "SEC"."P"."SSN_MASK", not by pii_mask_string; it is left as it is/,
      ),
    ]);
    const view = actual({});
    view.tables![0].kind = 'view';
    expect(planMasking(desired, view, dialect)).toEqual({
      changes: [],
      regrant: [],
      notes: [expect.stringMatching(/belongs to a view/)],
    });
    expect(
      planMasking(desired, actual({ type: 'GEOGRAPHY' }), dialect),
    ).toEqual({
      changes: [],
      regrant: [],
      notes: [
        expect.stringMatching(/has type GEOGRAPHY, which TestSQL cannot mask/),
      ],
    });
  });

  it('says PII stays readable when the adapter reports no columns', () => {
    const { tables, ...noColumns } = actual({});
    expect(tables).toBeDefined();
    const plan = planMasking(desired, { ...noColumns }, dialect);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      expect.stringMatching(/cannot be planned .* readable by every consumer/),
    ]);
  });
});
