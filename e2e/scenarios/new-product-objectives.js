'use strict';

/*
 * Monitors live in seconds (issue 10): the product created through the
 * template has its SLO objectives evaluated, each with a first observation,
 * within 10 s of the product appearing in the catalog — not at the next
 * periodic collection (minutes later).
 */

const { check, log, waitFor } = require('../harness/scenario');
const createDataProduct = require('./create-data-product');

const DEADLINE_MS = 10_000;

module.exports = {
  name: 'new-product-objectives',
  description: `a new product's SLO objectives, observed, within ${
    DEADLINE_MS / 1000
  } s of it appearing in the catalog`,
  needs: [createDataProduct],
  async run(ctx) {
    const { api, outputOf } = ctx;
    const created = outputOf(createDataProduct);
    await check(
      `${
        created.product
      }'s objectives are evaluated with a first observation within ${
        DEADLINE_MS / 1000
      } s of it appearing in the catalog`,
      async () => {
        const appeared = created.task.entityAppearedAt;
        if (!appeared)
          throw new Error('the product never appeared in the catalog');
        const body = await waitFor(
          `objectives of ${created.product}`,
          async () => {
            const slos = await api(
              `/api/data-mesh/products/default/${created.product}/slos`,
            );
            const objectives = slos?.objectives ?? [];
            return objectives.length > 0 &&
              objectives.every(o => (o.latestObservations ?? []).length > 0)
              ? slos
              : undefined;
          },
          // waited for longer than the deadline, so a miss reports its time
          60_000,
          250,
        );
        const firstObservation = Math.min(
          ...body.objectives.map(o =>
            Date.parse(
              o.latestObservations[o.latestObservations.length - 1].observedAt,
            ),
          ),
        );
        const seconds = (Date.now() - appeared) / 1000;
        log(
          `${
            body.objectives.length
          } objectives observed; seen ${seconds.toFixed(
            1,
          )} s after the product appeared (first observation at +${(
            (firstObservation - appeared) /
            1000
          ).toFixed(1)} s)`,
        );
        if (firstObservation - appeared > DEADLINE_MS) {
          throw new Error(
            `first observation ${
              (firstObservation - appeared) / 1000
            } s after the product appeared`,
          );
        }
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
