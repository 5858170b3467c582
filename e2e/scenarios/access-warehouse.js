'use strict';

/*
 * The warehouse side of access-request, read in the embedded PGlite warehouse
 * once the backend has stopped and released it: the requester's team role
 * now selects from the product's output tables (through the request's role,
 * which holds the product's consumer role), a team without a grant is still
 * refused, and the statements the portal showed under "How to read it" run
 * as given.
 */

const {
  check,
  countAs,
  log,
  readableTables,
  selectAs,
  withWarehouse,
} = require('../harness/scenario');
const accessRequest = require('./access-request');

// A team role of the example mesh that asked for nothing on the product.
const OTHER_TEAM_ROLE = 'team_finance_claims_data';

module.exports = {
  name: 'access-warehouse',
  description:
    'the warehouse after access-request: the team role reads the output tables, others are refused',
  needs: [accessRequest],
  // PGlite allows one process per data directory: the backend's goes first.
  backend: 'stopped',
  async run({ dirs, outputOf }) {
    const request = outputOf(accessRequest);
    // The first GRANT gives the product's consumer role to the request's role.
    const consumerRole = request.history
      .flatMap(h => h.statements ?? [])
      .map(s => /^GRANT\s+"([^"]+)"\s+TO\s+"([^"]+)"/i.exec(s.trim()))
      .find(m => m && m[2] === request.role)?.[1];
    await check(
      `warehouse: ${request.grantee} selects from the ${request.product} output tables, ${OTHER_TEAM_ROLE} is refused`,
      async () => {
        if (!consumerRole) {
          throw new Error(`no GRANT … TO "${request.role}" in the history`);
        }
        await withWarehouse(dirs.warehouse, async db => {
          // the consumer role's tables: the product's output layer
          const tables = await readableTables(db, consumerRole);
          if (!tables.length) {
            throw new Error(`${consumerRole} may read no table`);
          }
          for (const table of tables) {
            const rows = await countAs(db, request.grantee, table);
            log(`${request.grantee} reads ${table}: ${rows} rows`);
          }
          const other = await selectAs(
            db,
            OTHER_TEAM_ROLE,
            `SELECT 1 FROM ${tables[0]}`,
          );
          if (!other.refused) {
            throw new Error(`${OTHER_TEAM_ROLE} read ${tables[0]}`);
          }
          log(
            `${OTHER_TEAM_ROLE} reading ${tables[0]}: ${other.refused.message}`,
          );
        });
      },
    );
    await check(
      'warehouse: the statements "How to read it" showed, run as given, read the port',
      async () => {
        const statements = request.readingSql
          .split(/;\s*\n/)
          .map(s => s.replace(/;\s*$/, '').trim())
          .filter(Boolean);
        await withWarehouse(dirs.warehouse, async db => {
          // one session, as a SQL client: SET ROLE ends with the rollback
          await db.transaction(async tx => {
            let rows = [];
            for (const sql of statements) rows = (await tx.query(sql)).rows;
            log(`${statements.at(-1)}: ${rows.length} rows`);
            await tx.rollback();
          });
        });
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
