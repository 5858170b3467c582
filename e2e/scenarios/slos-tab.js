'use strict';

/*
 * SLOs: the example activity job and the 20-day replay through the real
 * collector make one example product miss its weekend refreshes. The API has
 * a breaching objective with its history, the owning team is notified once,
 * and the product's SLOs tab shows the objectives and a chart whose bars
 * match the API's slices.
 */

const { check, log, waitFor } = require('../harness/scenario');

const SLO_PRODUCT = 'ehr-encounters';

module.exports = {
  name: 'slos-tab',
  description: `${SLO_PRODUCT}: replayed SLO history, breach notification, SLOs tab`,
  async run({ page, baseUrl, api }) {
    const slos = await check(
      `${SLO_PRODUCT} has a breaching objective from 20 days of observed history`,
      () =>
        waitFor(
          'the replayed SLO history',
          async () => {
            const answer = await api(
              `/api/data-mesh/products/default/${SLO_PRODUCT}/slos`,
            );
            const breaching = answer.objectives.filter(
              o => o.status === 'breaching',
            );
            const full = breaching.filter(o => o.history.length >= 20);
            return full.length ? answer : undefined;
          },
          180000,
          2000,
        ),
    );
    const breach = slos.objectives.find(o => o.status === 'breaching');
    const badSlices = breach.history.filter(h => h.status === 'bad').length;
    const goodSlices = breach.history.filter(h => h.status === 'good').length;
    log(
      `${breach.name}: ${breach.dimension}, SLI ${breach.sli}, ${badSlices} bad / ${goodSlices} good slices`,
    );

    await check('the breach notified the owning team once', async () => {
      const answer = await waitFor(
        'the breach notification',
        async () => {
          const list = await api('/api/notifications/notifications');
          // the owners' notice (readers' carry a scope of their own)
          const mine = list.notifications.filter(
            n =>
              n.payload?.scope ===
              `data-mesh:slo:dataproduct:default/${SLO_PRODUCT}:${breach.name}`,
          );
          return mine.length ? mine : undefined;
        },
        60000,
        2000,
      );
      if (answer.length !== 1) {
        throw new Error(`expected one notification, got ${answer.length}`);
      }
    });

    await check(
      'the SLOs tab shows the objectives and the history chart',
      async () => {
        await page.goto(
          `${baseUrl}/catalog/default/dataproduct/${SLO_PRODUCT}`,
        );
        await page
          .getByRole('link', { name: 'SLOs', exact: true })
          .first()
          .click();
        await page
          .getByRole('table', { name: 'Service level objectives' })
          .waitFor();
        const labels = {
          ok: 'OK',
          breaching: 'Breaching',
          'no-data': 'No data',
        };
        for (const o of slos.objectives) {
          await page
            .getByTestId(`slo-row-${o.name}`)
            .getByText(labels[o.status], { exact: true })
            .first()
            .waitFor();
        }
        const chart = page.getByTestId(`slo-history-${breach.name}`);
        await chart.waitFor();
        const countBars = cls =>
          chart.locator(`.${cls} .recharts-bar-rectangle path`).count();
        await waitFor(
          'bars for every good and bad slice',
          async () => {
            const [bad, good] = [
              await countBars('slo-slices-bad'),
              await countBars('slo-slices-good'),
            ];
            if (bad !== badSlices || good !== goodSlices) {
              throw new Error(
                `chart shows ${bad} bad / ${good} good, the API ${badSlices} / ${goodSlices}`,
              );
            }
            return true;
          },
          20000,
          500,
        );
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
