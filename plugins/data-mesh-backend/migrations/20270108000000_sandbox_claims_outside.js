/*
 * Sandbox claims for every hand that changes a branch's sandbox: the
 * portal's creations and deletions, and pipelines' and templates' (which
 * claim through the API, so the portal refuses them and they the portal).
 * A claim taken through the API is refreshed and ended by its id; it says
 * what it is for and where it runs, for whom it stops.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('data_mesh_sandbox_claims', table => {
    table.string('claim_id', 64).nullable();
    table
      .string('change', 16)
      .notNullable()
      .defaultTo('create')
      .comment('create | delete');
    table
      .string('source', 16)
      .nullable()
      .comment('template | cli; null: the portal itself');
    table.string('reference', 500).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('data_mesh_sandbox_claims', table => {
    table.dropColumn('claim_id');
    table.dropColumn('change');
    table.dropColumn('source');
    table.dropColumn('reference');
  });
};
