'use strict';

/*
 * The embedded PGlite warehouse itself, opened once the backend has stopped
 * and released it: the created product's schemas belong to its owner role,
 * and with tables loaded by its service role the consumer role reads the
 * output layer and is refused the private layers and writes.
 */

const { check, log, pgIdent, withWarehouse } = require('../harness/scenario');
const createDataProduct = require('./create-data-product');

/** Runs statements in one transaction as `role`; the last one's rows. */
function runAs(db, role, ...statements) {
  return db.transaction(async tx => {
    await tx.query(`SET LOCAL ROLE ${pgIdent(role)}`);
    let rows = [];
    for (const sql of statements) rows = (await tx.query(sql)).rows;
    return rows;
  });
}

async function checkOwnership(db, { schemas, roles }) {
  const owners = await db.query(
    `select n.nspname as schema, r.rolname as owner
       from pg_namespace n join pg_roles r on r.oid = n.nspowner
      where n.nspname = any($1) order by 1`,
    [Object.values(schemas)],
  );
  const wrong = owners.rows.filter(r => r.owner !== roles.owner);
  if (owners.rows.length !== 3 || wrong.length) {
    throw new Error(`schemas and owners: ${JSON.stringify(owners.rows)}`);
  }
  const roleRows = await db.query(
    'select rolname from pg_roles where rolname = any($1)',
    [Object.values(roles)],
  );
  if (roleRows.rows.length !== 3) {
    throw new Error(`roles: ${JSON.stringify(roleRows.rows)}`);
  }
}

async function checkConsumerAccess(db, { schemas, roles }) {
  const table = layer => `${pgIdent(schemas[layer])}.readmissions`;
  // The pipeline (service role) loads every layer; the tables are new,
  // so the consumer's access comes from the future grants alone.
  for (const layer of ['raw', 'intermediate', 'output']) {
    await runAs(
      db,
      roles.service,
      `CREATE TABLE ${table(layer)} (readmission_id varchar PRIMARY KEY)`,
      `INSERT INTO ${table(layer)} VALUES ('r-1')`,
    );
  }
  // The product has a PII column (patient_key): its full output tables are
  // the PII consumer role's; plain consumers read the masked views (made by
  // the engine's next plan once the tables exist) and are refused these.
  const piiConsumer = `${roles.consumer}_pii`;
  const read = await runAs(
    db,
    piiConsumer,
    `SELECT count(*)::int AS n FROM ${table('output')}`,
  );
  if (read[0]?.n !== 1) {
    throw new Error(
      `${piiConsumer} read of the output layer: ${JSON.stringify(read)}`,
    );
  }
  const refused = async (what, sql) => {
    try {
      await runAs(db, roles.consumer, sql);
    } catch (error) {
      if (error.code === '42501' && /permission denied/.test(error.message)) {
        log(`${what}: refused (${error.message})`);
        return;
      }
      throw error;
    }
    throw new Error(`${what} was allowed`);
  };
  await refused(
    `${roles.consumer} reading the full ${schemas.output} (PII)`,
    `SELECT * FROM ${table('output')}`,
  );
  await refused(
    `${roles.consumer} reading ${schemas.raw}`,
    `SELECT * FROM ${table('raw')}`,
  );
  await refused(
    `${roles.consumer} reading ${schemas.intermediate}`,
    `SELECT * FROM ${table('intermediate')}`,
  );
  await refused(
    `${roles.consumer} writing ${schemas.output}`,
    `INSERT INTO ${table('output')} VALUES ('r-2')`,
  );
}

module.exports = {
  name: 'warehouse-refusals',
  description:
    'the created product in the warehouse: consumer reads output, refused private layers',
  needs: [createDataProduct],
  // PGlite allows one process per data directory: the backend's goes first.
  backend: 'stopped',
  async run({ dirs, outputOf }) {
    const created = outputOf(createDataProduct);
    await check(
      'warehouse: the PII consumer role reads the output layer, the consumer role is refused it (PII) and the private layers',
      async () => {
        await withWarehouse(dirs.warehouse, async db => {
          await checkOwnership(db, created);
          await checkConsumerAccess(db, created);
        });
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
