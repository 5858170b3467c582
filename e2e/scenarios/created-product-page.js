'use strict';

/*
 * The product created through the Create flow, opened from its task page: it
 * shows its output port, its input from the example product picked, that
 * product upstream in its lineage, an Infrastructure card in sync with
 * the warehouse, and the template's apply on its audit trail.
 */

const fs = require('node:fs');
const path = require('node:path');
const {
  check,
  skip,
  log,
  waitFor,
  pgIdent,
  graphNodeRefs,
} = require('../harness/scenario');
const { BACKEND_DIR } = require('../harness/backend');
const createDataProduct = require('./create-data-product');

const INFRASTRUCTURE_CHECK =
  'Infrastructure: the API and the product page say in sync';

/** The Infrastructure API and card agree that the warehouse matches the spec. */
async function checkInSync({ api, cardTitled }, created) {
  const newRef = `dataproduct:default/${created.product}`;
  await waitFor(
    `${newRef} in sync on the Infrastructure API`,
    async () => {
      const body = await api(
        `/api/data-mesh/products/default/${created.product}/infrastructure`,
      );
      if (body.status !== 'in-sync') {
        throw new Error(
          `status ${body.status}: ${JSON.stringify(
            body.drift?.lines ?? body.issues,
          )}`,
        );
      }
      const names = body.declared?.names;
      const want = [
        ['schemas.raw', names?.schemas?.raw, created.schemas.raw],
        ['schemas.output', names?.schemas?.output, created.schemas.output],
        ['roles.consumer', names?.roles?.consumer, created.roles.consumer],
      ];
      for (const [what, got, name] of want) {
        // `name` is logical for schemas (PGlite prefixes the database
        // to it); `qualified` is the object as it is in the warehouse.
        if (got?.qualified !== pgIdent(name) || got?.exists !== true) {
          throw new Error(
            `${what}: ${JSON.stringify(got)}, expected ${name} existing`,
          );
        }
      }
      return true;
    },
    30000,
  );
  // the product page (still open) shows the same
  const card = cardTitled('Infrastructure');
  await card.getByText('In sync', { exact: true }).waitFor();
  await card.getByText('The warehouse matches the declared state.').waitFor();
}

/**
 * The template's apply step reported what it sent: the product's audit
 * trail has it, from the task that made it, with the statements.
 */
async function checkFirstApplyAudited({ page, baseUrl }, created) {
  await page.goto(
    `${baseUrl}/catalog/default/dataproduct/${created.product}/changes`,
  );
  const entry = page
    .getByTestId('audit-entry')
    .filter({ hasText: `by a template (task ${created.task.id})` });
  await entry.waitFor({ timeout: 60000 });
  const text = await entry.textContent();
  if (!/Applied the warehouse plan \(stage \w+\): \d+ statements/.test(text)) {
    throw new Error(`the entry reads: ${text}`);
  }
  // the task is linked to its page, the scaffolder's route bound by default
  const taskLink = entry.getByRole('link', { name: `task ${created.task.id}` });
  const href = await taskLink.getAttribute('href');
  if (href !== `/create/tasks/${created.task.id}`) {
    throw new Error(`the task links to ${href}`);
  }
  await entry.getByRole('button', { name: /^Show \d+ lines$/ }).click();
  const lines = await entry.getByTestId('audit-entry-lines').textContent();
  if (!lines.includes(`CREATE ROLE "${created.roles.consumer}"`)) {
    throw new Error(`its statements: ${lines.slice(0, 300)}`);
  }
  log(`audit trail: ${text.slice(0, 160)}`);
}

module.exports = {
  name: 'created-product-page',
  description:
    'the created product page: output port, input, lineage, infrastructure',
  needs: [createDataProduct],
  async run(ctx) {
    const { page, baseUrl, api, cardTitled, outputOf } = ctx;
    const created = outputOf(createDataProduct);
    const upstreamRef = `dataproduct:default/${created.upstream}`;
    const newRef = `dataproduct:default/${created.product}`;

    await check(
      `the product page of ${created.product} opens from the task`,
      async () => {
        const taskPath = `/create/tasks/${created.task.id}`;
        if (new URL(page.url()).pathname !== taskPath) {
          await page.goto(`${baseUrl}${taskPath}`);
        }
        await page.getByRole('link', { name: 'Open the data product' }).click();
        await page.waitForURL(
          `**/catalog/default/dataproduct/${created.product}`,
        );
        // The register step registered the location; the catalog reads the
        // repository and stitches the entity shortly after. Until then the
        // page says "Entity not found" (under a heading with the name).
        const notFound = page.getByText('Entity not found', { exact: true });
        const about = cardTitled('About this data product');
        await waitFor(
          `the catalog to serve ${newRef}`,
          async () => {
            await notFound.or(about).first().waitFor({ timeout: 10000 });
            if (await about.isVisible()) return true;
            await page.reload();
            return false;
          },
          90000,
          2000,
        );
        await page
          .getByRole('heading', { name: created.product, exact: true })
          .first()
          .waitFor();
        log(
          `product page shown ${(
            (Date.now() - created.task.started) /
            1000
          ).toFixed(1)} s after Create`,
        );
      },
    );

    await check(
      `the new product shows its output port and input from ${created.upstream}`,
      async () => {
        const ports = cardTitled('Output ports');
        await ports.waitFor();
        await ports.getByText('sql', { exact: true }).first().waitFor();
        await cardTitled('Input ports')
          .getByRole('link', { name: created.picks.upstream, exact: true })
          .first()
          .waitFor();
      },
    );

    await check(
      `the template asked for access to ${created.upstream} on the new product's behalf (its own team's product: granted at once), and for ${created.personalDataUpstream}'s personal data in clear with the form's reason (waiting for a teammate); its Input ports card shows both`,
      async () => {
        const { items } = await api(
          `/api/data-mesh/access-requests?consumer=${encodeURIComponent(
            newRef,
          )}`,
        );
        const asked = items
          .map(r => `${r.product} ${r.consumer} ${r.state} pii=${r.pii}`)
          .sort();
        const personalDataRef = `dataproduct:default/${created.personalDataUpstream}`;
        const expected = [
          `${upstreamRef} ${newRef} active pii=false`,
          `${personalDataRef} ${newRef} pending pii=true`,
        ].sort();
        if (JSON.stringify(asked) !== JSON.stringify(expected)) {
          throw new Error(
            `requests of ${newRef}: ${asked.join('; ') || 'none'}`,
          );
        }
        const inClear = items.find(r => r.product === personalDataRef);
        if (
          inClear.purpose !==
          `Input of ${created.product}: ${created.personalDataPurpose}`
        ) {
          throw new Error(`purpose: ${inClear.purpose}`);
        }
        for (const r of items) {
          log(
            `${newRef} asked for ${r.product} port ${r.outputPort} (${r.id}, ${r.state}, pii ${r.pii}), grantee ${r.grantee}`,
          );
        }
        // the guest is of the owning team: the card says where each stands
        const card = cardTitled('Input ports');
        await card.getByTestId('access-state-active').waitFor();
        const registryRow = card.getByTestId(
          `input-port-input-from-dp-${created.personalDataUpstream}`,
        );
        await registryRow.getByText('Personal data in clear').waitFor();
        await registryRow.getByText(created.personalDataPurpose).waitFor();
        await registryRow.getByTestId('access-state-pending').waitFor();
      },
    );

    await check(
      `the new product's lineage shows ${created.upstream} upstream`,
      async () => {
        let attempt = 0;
        await waitFor(
          `lineage nodes ${newRef} and ${upstreamRef}`,
          async () => {
            // relations are stitched after the entity first appears
            if (attempt++ > 0 && attempt % 5 === 0) await page.reload();
            const shown = await graphNodeRefs(
              cardTitled('Lineage', page.locator('svg')),
            );
            if (!shown.includes(newRef) || !shown.includes(upstreamRef)) {
              throw new Error(`shown: ${shown.join(', ') || 'nothing'}`);
            }
            return true;
          },
          90000,
          1000,
        );
        // and the catalog agrees on the direction
        await waitFor(
          `${newRef} dependsOn ${upstreamRef} in the catalog`,
          async () => {
            const entity = await api(
              `/api/catalog/entities/by-name/dataproduct/default/${created.product}`,
            );
            const dependsOn = (entity.relations ?? [])
              .filter(r => r.type === 'dependsOn')
              .map(r => r.targetRef);
            if (!dependsOn.includes(upstreamRef)) {
              throw new Error(`dependsOn ${dependsOn.join(', ') || 'nothing'}`);
            }
            return true;
          },
          30000,
        );
      },
    );

    // The Infrastructure API belongs to the data-mesh backend plugin; it is
    // checked once the portal's backend adds the plugin.
    const backendIndex = fs.readFileSync(
      path.join(BACKEND_DIR, 'src', 'index.ts'),
      'utf8',
    );
    if (
      /import\(\s*['"]@datamesh\/plugin-data-mesh-backend['"]\s*\)/.test(
        backendIndex,
      )
    ) {
      await check(INFRASTRUCTURE_CHECK, () => checkInSync(ctx, created));
      await check(
        `the template's apply is on the audit trail of ${created.product} (Changes tab), with its task and statements`,
        () => checkFirstApplyAudited(ctx, created),
      );
    } else {
      skip(
        INFRASTRUCTURE_CHECK,
        '@datamesh/plugin-data-mesh-backend is not added in packages/backend/src/index.ts',
      );
    }
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
