'use strict';

/*
 * The catalog API serves the example product the page scenarios open, with
 * its output ports and lineage in both directions: what those pages must show.
 *
 *   E2E_PRODUCT  data product to open (default: claims-by-provider)
 */

const { check, log, waitFor } = require('../harness/scenario');

// An aggregate example product: it consumes upstream products and is consumed
// downstream, so its lineage graph has nodes on both sides.
const PRODUCT = process.env.E2E_PRODUCT || 'claims-by-provider';

module.exports = {
  name: 'example-product',
  description: `the catalog serves dataproduct ${PRODUCT} with ports and lineage`,
  async run({ api }) {
    // Asked once the product and both directions of its lineage relations
    // have been processed and stitched.
    const expected = await check(
      `catalog has dataproduct:default/${PRODUCT} with ports and lineage`,
      () =>
        waitFor(
          `dataproduct:default/${PRODUCT} to be stitched with lineage relations`,
          async () => {
            const entity = await api(
              `/api/catalog/entities/by-name/dataproduct/default/${PRODUCT}`,
            );
            const rel = type =>
              (entity.relations ?? [])
                .filter(r => r.type === type)
                .map(r => r.targetRef)
                .filter(ref => ref.startsWith('dataproduct:'));
            // served in the catalog form: a port's name, the rest as JSON
            // text (fromCatalogForm in data-mesh-common)
            const outputPorts = (entity.spec?.outputPorts ?? [])
              .map(p => (p.json ? { ...JSON.parse(p.json), name: p.name } : p))
              .map(p => p.title || p.name);
            const upstream = rel('dependsOn');
            const downstream = rel('dependencyOf');
            if (!outputPorts.length || !upstream.length || !downstream.length) {
              throw new Error(
                `${outputPorts.length} output ports, ${upstream.length} upstream, ${downstream.length} downstream products so far`,
              );
            }
            return { entity, outputPorts, upstream, downstream };
          },
          180000,
          2000,
        ),
    );
    log(
      `expecting output ports [${expected.outputPorts.join(
        ', ',
      )}], upstream [${expected.upstream.join(
        ', ',
      )}], downstream [${expected.downstream.join(', ')}]`,
    );
    return {
      ...expected,
      name: PRODUCT,
      title: expected.entity.metadata.title || PRODUCT,
    };
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
