import type { Entity } from '@backstage/catalog-model';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import zlib from 'node:zlib';
import { handOver, isSealedHandOver, takeOver } from './handOver';

const product: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name: 'cohorts',
    annotations: { 'datamesh.dev/spec-format': 'oam' },
  },
  spec: {
    type: 'aggregate',
    lifecycle: 'production',
    owner: 'group:default/analytics',
    domain: 'domain:default/research',
    certified: true,
    datasets: [
      {
        name: 'cohorts',
        columns: [{ name: 'cohort_id', type: 'varchar(36)', pii: false }],
      },
    ],
    outputPorts: [{ name: 'sql', type: 'sql', dataset: 'cohorts' }],
    slos: [
      {
        name: 'fresh',
        dimension: 'freshness',
        objective: 'Daily',
        maxAge: '24h',
      },
    ],
  },
};

describe('the spec readers hand-over', () => {
  it('keeps the scalars readable, deflates the rest and takes it back unchanged', () => {
    const handed = handOver(product);
    expect(handed.metadata).toEqual(product.metadata);
    expect(Object.keys(handed.spec!)).toEqual([
      'type',
      'lifecycle',
      'owner',
      'domain',
      'certified',
      'deflated',
      'sealed',
    ]);
    // a copy through JSON, as the catalog stores and loads it
    expect(takeOver(JSON.parse(JSON.stringify(handed)))).toEqual(product);
  });

  it('leaves an entity alone that the readers did not hand over', () => {
    const native = { ...product, metadata: { name: 'cohorts' } };
    expect(takeOver(native)).toBe(native);
    const { annotations: _, ...metadata } = handOver(product).metadata;
    const unannotated = { ...handOver(product), metadata };
    expect(takeOver(unannotated)).toBe(unannotated);
  });

  it('refuses a claimed hand-over that is not deflated JSON or inflates too far', () => {
    const claim = (deflated: string): Entity => ({
      ...product,
      spec: { type: 'aggregate', deflated },
    });
    expect(() => takeOver(claim('not base64 deflate'))).toThrow();
    expect(() =>
      takeOver(claim(zlib.deflateRawSync('[1,2]').toString('base64'))),
    ).toThrow(/JSON object/);
    // 64 MiB of spaces deflate to ~64 KB; the hand-over inflates at most 8 MiB
    const bomb = zlib
      .deflateRawSync(Buffer.alloc(64 * 1024 * 1024, ' '))
      .toString('base64');
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => takeOver(claim(bomb))).toThrow(/buffer|length|large/i);
  });

  describe('the seal', () => {
    /** As the catalog stores it and hands it to the processors. */
    const asProcessed = (entity: Entity): Entity => {
      const copy = JSON.parse(JSON.stringify(entity)) as Entity;
      const { namespace, ...metadata } = copy.metadata;
      return {
        ...copy,
        metadata: {
          ...metadata,
          // the catalog's location annotations, and its namespace policy's
          // default added after the other keys
          annotations: {
            ...metadata.annotations,
            'backstage.io/managed-by-location': 'file:/specs/cohorts.yml',
            'backstage.io/view-url': 'file:/specs/cohorts.yml',
          },
          namespace: namespace ?? 'default',
        },
      };
    };

    it('vouches for a hand-over as the catalog stores and processes it', () => {
      expect(isSealedHandOver(asProcessed(handOver(product)))).toBe(true);
      expect(
        isSealedHandOver(
          asProcessed(
            handOver({
              ...product,
              metadata: { ...product.metadata, namespace: 'research' },
            }),
          ),
        ),
      ).toBe(true);
      // a reader may leave a field undefined, which the catalog does not store
      expect(
        isSealedHandOver(
          asProcessed(
            handOver({
              ...product,
              metadata: { ...product.metadata, title: undefined },
            }),
          ),
        ),
      ).toBe(true);
    });

    it('does not vouch for a changed, copied or unsealed hand-over', () => {
      const handed = asProcessed(handOver(product));
      const other = handOver({
        ...product,
        spec: { ...product.spec, datasets: [] },
      });
      const changed: Entity[] = [
        { ...handed, metadata: { ...handed.metadata, name: 'select' } },
        { ...handed, metadata: { ...handed.metadata, namespace: 'other' } },
        { ...handed, metadata: { ...handed.metadata, title: 'Cohorts' } },
        { ...handed, spec: { ...handed.spec, owner: 'group:default/x' } },
        { ...handed, spec: { ...handed.spec, deflated: other.spec!.deflated } },
        { ...handed, spec: { ...handed.spec, extra: 'field' } },
        { ...handed, kind: 'Component' },
        // the seal copied into a native entity without the reader's annotation
        { ...handed, metadata: { name: 'cohorts', namespace: 'default' } },
        { ...handed, spec: { ...handed.spec, sealed: 'AAAA' } },
      ];
      for (const entity of changed) {
        expect(isSealedHandOver(entity)).toBe(false);
      }
      const { sealed: _, ...unsealed } = handed.spec!;
      expect(isSealedHandOver({ ...handed, spec: unsealed })).toBe(false);
      expect(takeOver({ ...handed, spec: unsealed })).toEqual(takeOver(handed));
    });

    it("is this process's own: another process does not vouch for it", () => {
      let another: typeof import('./handOver') | undefined;
      jest.isolateModules(() => {
        another = require('./handOver');
      });
      const handed = asProcessed(handOver(product));
      expect(another!.isSealedHandOver(handed)).toBe(false);
      expect(
        another!.isSealedHandOver(asProcessed(another!.handOver(product))),
      ).toBe(true);
      // and it still takes the product back, to be checked as written
      expect(another!.takeOver(handed)).toEqual(takeOver(handed));
    });
  });
});
