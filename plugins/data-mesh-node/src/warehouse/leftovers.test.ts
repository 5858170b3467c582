/*
 * Reading a schema's or a role's marker: which product's it is, and what. (Finding and
 * dropping leftovers runs on every warehouse in the sandbox behaviour suite.)
 */
import { accessRoleMarker } from '../access/grants';
import { archiveMarker } from '../lifecycle/retirement';
import { managedByMarker } from './desiredState';
import { readRoleMarker, readSchemaMarker } from './leftovers';
import { sandboxMarker } from './sandbox';

const ref = 'dataproduct:default/visits';

describe('readSchemaMarker', () => {
  it('reads the markers the platform writes', () => {
    expect(readSchemaMarker(managedByMarker(ref))).toEqual({
      product: ref,
      kind: 'product',
    });
    expect(readSchemaMarker(archiveMarker(ref))).toEqual({
      product: ref,
      kind: 'archive',
    });
    expect(readSchemaMarker(sandboxMarker(ref, 'feat_a'))).toEqual({
      product: ref,
      kind: 'sandbox',
      branch: 'feat_a',
    });
    expect(
      readSchemaMarker(
        sandboxMarker(
          ref,
          'feat_a',
          new Date('2026-01-01T00:00:00Z'),
          new Date('2026-02-01T00:00:00Z'),
        ),
      ),
    ).toEqual({ product: ref, kind: 'sandbox', branch: 'feat_a' });
  });

  it('takes a product named like a kind for a product', () => {
    for (const name of ['archive', 'sandbox']) {
      expect(
        readSchemaMarker(managedByMarker(`dataproduct:default/${name}`)),
      ).toEqual({ product: `dataproduct:default/${name}`, kind: 'product' });
    }
    expect(
      readSchemaMarker(archiveMarker('dataproduct:default/archive')),
    ).toEqual({ product: 'dataproduct:default/archive', kind: 'archive' });
  });

  it('judges no schema whose comment is not a marker it knows', () => {
    for (const comment of [
      undefined,
      '',
      'analytics team scratch space',
      'datamesh database of domain care, stage dev',
      'datamesh:',
      'datamesh:visits',
      `${managedByMarker(ref)}:access:42`,
      `${managedByMarker(ref)}:sandbox:`,
      `${managedByMarker(ref)} `,
    ]) {
      expect(readSchemaMarker(comment)).toBeUndefined();
    }
  });
});

describe('readRoleMarker', () => {
  it("reads a product's roles and a request's", () => {
    expect(readRoleMarker(managedByMarker(ref))).toEqual({
      product: ref,
      kind: 'product',
    });
    expect(
      readRoleMarker(accessRoleMarker({ product: ref, id: '1f2e-77' })),
    ).toEqual({ product: ref, kind: 'access' });
  });

  it('judges no role whose comment is not a marker it knows', () => {
    for (const comment of [
      undefined,
      'a DBA made it',
      `${managedByMarker(ref)}:access:`,
      `${managedByMarker(ref)}:access:1 2`,
      sandboxMarker(ref, 'feat_a'),
    ]) {
      expect(readRoleMarker(comment)).toBeUndefined();
    }
  });
});
