'use strict';

/*
 * The portal's search bar finds a data product by one of its column names
 * (issue 10 §4: the DataProduct collator), as a data product result with its
 * type, domain and health, and without the documents that only hold a short
 * word a couple of letters from a part of the name (the portal's Lunr engine,
 * packages/backend/src/modules/searchEngine.ts). After the backend restarts,
 * search answers within seconds: the in-memory index is rebuilt by each
 * process as it starts, where the scheduler's global scope left it missing
 * until the previous run was ten minutes old.
 */

const { check, log, waitFor } = require('../harness/scenario');
const exampleProduct = require('./example-product');

/** How long after a restart search may take to answer (initial delay 3 s). */
const REINDEX_DEADLINE_MS = 60000;
// A column of the example mesh (ehr-encounters and the products built on
// it). Its part "at" is two edits from "v2", "lab", "nhs" or "data": the
// stock engine answered 29 of the example portal's 43 documents.
const SHORT_PART_COLUMN = 'admitted_at';

module.exports = {
  name: 'search',
  description:
    'the search bar finds the example product by a column name, also right after a restart',
  needs: [exampleProduct],
  backend: 'pausable',
  async run({ page, baseUrl, api, outputOf, pauseBackend }) {
    const expected = outputOf(exampleProduct);
    // a column of the product's first dataset, as the catalog serves it
    // (the catalog form: each dataset's name, the rest as JSON text)
    const dataset = (expected.entity.spec?.datasets ?? []).map(d =>
      d.json ? { ...JSON.parse(d.json), name: d.name } : d,
    )[0];
    const column = dataset?.columns?.find(c => c.name.includes('_'))?.name;
    if (!column) throw new Error(`${expected.name} has no column to search`);
    const search = term =>
      api(`/api/search/query?term=${encodeURIComponent(term)}`);

    const result = () =>
      page
        .getByTestId('data-product-result')
        .filter({
          has: page.getByRole('link', { name: expected.title, exact: true }),
        })
        .first();

    await check(
      `the search page finds ${expected.name} by its column ${column}, as a data product with type, domain and health, and shows the column's line`,
      async () => {
        await page.goto(`${baseUrl}/search`);
        await page.getByPlaceholder(/^Search in/).fill(column);
        await result().waitFor({ timeout: 60000 });
        // the health chip, once the SLO fleet has answered
        await result()
          .locator('[data-testid^="slo-status-"]')
          .waitFor({ timeout: 30000 });
        const text = await result().textContent();
        const domain = String(expected.entity.spec?.domain ?? '').replace(
          /^(domain:)?(default\/)?/i,
          '',
        );
        const type = String(expected.entity.spec?.type ?? '');
        // and says where it matched: the column's line, the word marked
        const match = result()
          .getByTestId('data-product-result-match')
          .filter({ hasText: `Column ${column}` });
        await match.first().waitFor({ timeout: 10000 });
        if ((await match.first().locator('mark').count()) === 0) {
          throw new Error(
            `the matched line "${await match
              .first()
              .textContent()}" marks nothing`,
          );
        }
        if (
          !text.includes('Data product') ||
          !text.includes(`domain ${domain}`) ||
          !type ||
          !text.toLowerCase().includes(type.toLowerCase())
        ) {
          throw new Error(`the result reads "${text}"`);
        }
      },
    );

    await check(
      `every result for the column ${SHORT_PART_COLUMN} holds it: no document matched only by a short word near its part "at"`,
      async () => {
        const { results } = await search(SHORT_PART_COLUMN);
        const unrelated = results.filter(
          r =>
            !JSON.stringify(r.document)
              .toLowerCase()
              .includes(SHORT_PART_COLUMN),
        );
        if (!results.length || unrelated.length) {
          throw new Error(
            `${results.length} results, unrelated: ${unrelated
              .map(r => r.document.title)
              .join(', ')}`,
          );
        }
        log(
          `${results.length} results for ${SHORT_PART_COLUMN}: ${results
            .map(r => r.document.title)
            .join(', ')}`,
        );
      },
    );

    await check(
      'after a restart the search answers within seconds, not once the last index is ten minutes old',
      async () => {
        await pauseBackend(async () => {});
        const began = Date.now();
        await waitFor(
          `search to answer for ${column} after the restart`,
          async () => {
            try {
              return (await search(column)).results.length > 0;
            } catch {
              // "Missing index" (500) until this process has built it
              return false;
            }
          },
          REINDEX_DEADLINE_MS,
          1000,
        );
        log(
          `search answered ${Math.round(
            (Date.now() - began) / 1000,
          )} s after the backend was ready`,
        );
        await page.goto(
          `${baseUrl}/search?query=${encodeURIComponent(column)}`,
        );
        await result().waitFor({ timeout: 30000 });
      },
    );
  },
};
