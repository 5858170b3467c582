import type { Entity } from '@backstage/catalog-model';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import zlib from 'node:zlib';
import { handOver, takeOver } from './handOver';

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
});
