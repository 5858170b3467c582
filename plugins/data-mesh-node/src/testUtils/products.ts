import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';

/**
 * A minimal, valid DataProduct entity for tests of provisioning.
 * @public
 */
export function testDataProduct(
  name: string,
  domain: string,
  options: { stage?: string; namespace?: string; pii?: boolean } = {},
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: options.namespace ?? 'default' },
    spec: {
      type: 'source-aligned',
      lifecycle: 'experimental',
      owner: 'group:default/data-team',
      domain: `domain:default/${domain}`,
      certified: false,
      datasets: [
        {
          name: 'events',
          columns: [
            { name: 'id', type: 'integer' },
            // personal data: masked for consumers without a PII grant
            ...(options.pii
              ? [{ name: 'email', type: 'string', pii: true }]
              : []),
          ],
        },
      ],
      ...(options.stage ? { infrastructure: { stage: options.stage } } : {}),
    },
  };
}
