import { unprocessedEntityRef } from './SpecProblemsService';

describe('unprocessedEntityRef', () => {
  it("takes the row's entity_ref when the module returns it", () => {
    expect(
      unprocessedEntityRef({ entity_ref: 'location:default/generated-1' }),
    ).toBe('location:default/generated-1');
  });

  it('names a pending row from its unprocessed entity (the join nulls entity_ref)', () => {
    // the shape the unprocessed-entities module answers on SQLite for a
    // location registered with a broken spec (seen in e2e spec-problems)
    expect(
      unprocessedEntityRef({
        entity_ref: null,
        unprocessed_entity: {
          kind: 'Location',
          metadata: { name: 'generated-34aa', namespace: 'default' },
        },
        errors: [{ name: 'InputError', message: 'x' }],
      }),
    ).toBe('location:default/generated-34aa');
  });

  it('gives up on a row without either', () => {
    expect(unprocessedEntityRef({ entity_ref: null })).toBeUndefined();
  });
});
