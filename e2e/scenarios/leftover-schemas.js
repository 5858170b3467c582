'use strict';

/*
 * What products left behind. A data product removed from the catalog
 * without retiring it leaves its schemas and roles in the warehouse, marked
 * as its own, with its data and grants: with the backend paused, the
 * warehouse is given what such a product leaves (two marked schemas of a
 * product no catalog entity declares, one holding rows, and its consumer
 * role with a grant on them) in the database of the clinical care domain.
 * The scheduled leftovers watch tells Priya Raman of the platform team on
 * her notifications page, and her home page's "What needs you" counts the
 * product. On Infrastructure drift, a consumer sees them under "Left
 * behind" with no way to drop or keep them; Priya, following her home
 * page's line, keeps them on purpose with a reason (her home page stops
 * counting them), then stops keeping them and drops them after typing the
 * product's name; the keep and the drop are in the product's audit trail,
 * which outlives it; after the next look her home page no longer counts it. The warehouse, looked at afresh, has them no
 * more.
 */

const {
  asExampleUsers,
  check,
  log,
  sidebarLink,
  waitFor,
  withWarehouse,
} = require('../harness/scenario');

// unique per run: a kept state directory may hold an earlier run's
const GONE = `bed-census-${Date.now().toString(36).slice(-4)}`;
const CONSUMER = 'Sofia Alvarez';
const ADMIN = 'Priya Raman';

/** The Left behind section of the drift page, with `GONE`'s schemas. */
async function leftBehind(page, baseUrl) {
  await page.goto(baseUrl);
  await sidebarLink(page, 'Drift').click();
  await page.waitForURL(/\/data-products\/drift$/);
  const section = page.getByTestId('leftover-schemas');
  await section.waitFor({ timeout: 60000 });
  const product = section.getByTestId(`leftovers-dataproduct:default/${GONE}`);
  await product.waitFor();
  return { section, product };
}

/** Until the home page's "What needs you" no longer counts what was left (the watch looks every 10 s). */
function homeLineGoes(page, baseUrl, when) {
  return waitFor(
    `the left-behind line to go ${when}`,
    async () => {
      await page.goto(baseUrl);
      await page.getByTestId('data-mesh-needs-you').waitFor();
      return (await page.getByTestId('needs-you-left-behind').count()) === 0;
    },
    60000,
    3000,
  );
}

module.exports = {
  name: 'leftover-schemas',
  description: `the schemas of a product removed from the catalog without retirement show under Left behind on Infrastructure drift; the platform team drops them`,
  backend: 'pausable',
  async run({ page: guestPage, baseUrl, api, dirs, pauseBackend }) {
    // the clinical care domain's database, as an example product's names give it
    const infra = await api(
      '/api/data-mesh/products/default/ehr-encounters/infrastructure',
    );
    // PGlite hosts one database: a database is the prefix of its schemas' names
    const raw = infra.declared.names.schemas.raw.qualified.replace(/"/g, '');
    if (!raw.includes('__')) throw new Error(`no database prefix in ${raw}`);
    const prefix = raw.slice(0, raw.indexOf('__') + 2);
    const schemas = ['raw', 'output'].map(
      layer => `${prefix}${GONE.replace(/-/g, '_')}_${layer}`,
    );
    const marker = `datamesh:dataproduct:default/${GONE}`;
    // and its consumer role, still granted to a reader
    const role = `${prefix.slice(0, -2)}_${GONE.replace(/-/g, '_')}_consumer`;
    await check(
      `warehouse: ${GONE}, removed from the catalog without retirement, left ${schemas.join(
        ' and ',
      )} (3 rows) and the role ${role}`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            for (const schema of schemas) {
              await db.exec(
                `CREATE SCHEMA "${schema}"; COMMENT ON SCHEMA "${schema}" IS '${marker}'`,
              );
            }
            await db.exec(
              `CREATE TABLE "${schemas[1]}".census (ward text, beds int);
               INSERT INTO "${schemas[1]}".census VALUES ('a', 12), ('b', 9), ('c', 20);
               CREATE ROLE "${role}" NOLOGIN;
               COMMENT ON ROLE "${role}" IS '${marker}';
               GRANT USAGE ON SCHEMA "${schemas[1]}" TO "${role}";
               GRANT SELECT ON ALL TABLES IN SCHEMA "${schemas[1]}" TO "${role}"`,
            );
          }),
        ),
    );

    const browser = guestPage.context().browser();
    await asExampleUsers(browser, baseUrl, 'leftover-user', async as => {
      const notice = `dataproduct:default/${GONE}, gone from the catalog, left 2 schemas and 1 role behind`;
      await check(
        `${ADMIN} (platform team) is told on her notifications page: "${notice}"`,
        async () => {
          const page = await as(ADMIN);
          await waitFor(
            `"${notice}" on ${ADMIN}'s notifications`,
            async () => {
              await page.goto(`${baseUrl}/notifications`);
              await page
                .getByText(notice, { exact: true })
                .first()
                .waitFor({ timeout: 5000 });
              return true;
            },
            // the watch looks every 10 s and tells what it has seen for
            // 5 s; after the pause, its claim from the stopped backend may
            // hold it for up to 30 s more (a minute here, on a busy machine)
            150000,
            2000,
          );
        },
      );

      await check(
        `${ADMIN}'s home page counts it under "What needs you"`,
        async () => {
          const page = await as(ADMIN);
          await page.goto(baseUrl);
          const line = page.getByTestId('needs-you-left-behind');
          await line.waitFor({ timeout: 30000 });
          const text = await line.innerText();
          if (!/^1 product left schemas or roles behind/.test(text)) {
            throw new Error(`the line says: ${text}`);
          }
        },
      );

      await check(
        `${CONSUMER} sees them under Left behind, not in the catalog, with no Drop or Keep button`,
        async () => {
          const { product } = await leftBehind(await as(CONSUMER), baseUrl);
          await product
            .getByText('not in the catalog: removed without retiring it', {
              exact: false,
            })
            .waitFor();
          for (const schema of schemas) {
            await product.getByText(`"${schema}"`).waitFor();
          }
          await product.getByText(`"${role}"`).waitFor();
          await product
            .getByText('The platform team drops them from here.')
            .waitFor();
          const buttons = await product.getByRole('button').count();
          if (buttons !== 0) {
            throw new Error(`${CONSUMER} sees ${buttons} buttons`);
          }
        },
      );

      const REASON = 'legal hold until the audit ends';
      await check(
        `${ADMIN}, from her home page's line, keeps them on purpose ("${REASON}"); after the next look her home page no longer counts them`,
        async () => {
          const page = await as(ADMIN);
          await page.goto(baseUrl);
          await page
            .getByTestId('needs-you-left-behind')
            .getByRole('link')
            .click();
          await page.waitForURL(/\/data-products\/drift$/);
          const { product } = await leftBehind(page, baseUrl);
          await product.getByRole('button', { name: 'Keep…' }).click();
          const dialog = page.getByRole('dialog', {
            name: `Keep what ${GONE} left behind?`,
          });
          await dialog.getByLabel('Why they are kept').fill(REASON);
          await dialog.getByRole('button', { name: 'Keep them' }).click();
          await product
            .getByTestId('leftovers-kept')
            .getByText(`“${REASON}”`, { exact: false })
            .waitFor({ timeout: 30000 });
          await homeLineGoes(page, baseUrl, 'while they are kept');
        },
      );

      await check(
        `${ADMIN} (platform team) stops keeping them and drops them after typing ${GONE}`,
        async () => {
          const page = await as(ADMIN);
          const { section, product } = await leftBehind(page, baseUrl);
          await product.getByRole('button', { name: 'Stop keeping' }).click();
          await section
            .getByText(`What ${GONE} left behind is no longer kept.`)
            .waitFor({ timeout: 30000 });
          await product
            .getByTestId('leftovers-kept')
            .waitFor({ state: 'detached', timeout: 30000 });
          await product.getByRole('button', { name: 'Drop…' }).click();
          const dialog = page.getByRole('dialog');
          await dialog
            .getByRole('heading', {
              name: `Drop what ${GONE} left behind?`,
            })
            .waitFor();
          const drop = dialog.getByRole('button', { name: 'Drop them' });
          if (!(await drop.isDisabled())) {
            throw new Error('Drop schemas is enabled before the name is typed');
          }
          await dialog.getByLabel(`Type ${GONE} to confirm`).fill(GONE);
          await drop.click();
          await section
            // by name, as the backend lists them
            .getByText(
              `Dropped ${[...[...schemas].sort(), role]
                .map(x => `"${x}"`)
                .join(', ')}.`,
            )
            .waitFor({ timeout: 30000 });
          await product.waitFor({ state: 'detached', timeout: 30000 });
          await section.getByText('Nothing is left behind now.').waitFor();
        },
      );

      await check(
        `after the next look, ${ADMIN}'s home page no longer counts it`,
        async () => {
          const page = await as(ADMIN);
          await homeLineGoes(page, baseUrl, 'once they are dropped');
        },
      );
    });

    await check(
      `the keep and the drop are in ${GONE}'s audit trail, by ${ADMIN}`,
      async () => {
        const trail = await api(`/api/data-mesh/lifecycle/default/${GONE}`);
        const drops = trail.audit.filter(a => a.action === 'leftover-drop');
        const keeps = trail.audit.filter(a => a.action === 'leftover-keep');
        if (
          keeps.map(k => k.detail.kept).join() !== 'true,false' &&
          keeps.map(k => k.detail.kept).join() !== 'false,true'
        ) {
          throw new Error(`keeps: ${JSON.stringify(keeps)}`);
        }
        if (
          drops.length !== 1 ||
          drops[0].actor !== 'user:default/priya.raman' ||
          drops[0].detail.productInCatalog !== false ||
          drops[0].detail.dropped.length !== 2 ||
          drops[0].detail.roles?.length !== 1
        ) {
          throw new Error(`audit: ${JSON.stringify(trail.audit)}`);
        }
      },
    );

    await check(
      `the warehouse, looked at afresh, has them and the role no more`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            const { rows } = await db.query(
              'select nspname from pg_namespace where nspname = any($1)',
              [schemas],
            );
            if (rows.length) {
              throw new Error(`still there: ${rows.map(r => r.nspname)}`);
            }
            const roles = await db.query(
              'select rolname from pg_roles where rolname = $1',
              [role],
            );
            if (roles.rows.length) throw new Error(`${role} is still there`);
            log(`${schemas.join(', ')} dropped`);
          }),
        ),
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
