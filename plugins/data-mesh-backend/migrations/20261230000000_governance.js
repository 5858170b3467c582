/*
 * The latest governance results of each data product (issue 9 §2): one row
 * per product, the report as JSON text, and its domain for the fleet page.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_governance', table => {
    table.string('entity_ref').primary();
    table.string('domain').nullable();
    table.text('report').notNullable().comment('GovernanceReport as JSON');
    table.bigInteger('evaluated_at').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_governance');
};
