/*
 * What products left behind, as the leftovers watch last found it: one row
 * per schema or role (by the name the warehouse writes), with when it was
 * first seen and when who decides was told, so that each is told once
 * across runs and replicas, and the home page counts them without asking
 * the warehouse. And the products whose leftovers are kept on purpose,
 * with who decided, when and why.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_leftovers_seen', table => {
    table.string('product', 255).notNullable();
    table.string('kind', 16).notNullable().comment('schema or role');
    table
      .string('name', 512)
      .notNullable()
      .comment('as the warehouse writes it (qualified)');
    table
      .boolean('product_in_catalog')
      .notNullable()
      .comment('else the product is gone from the catalog');
    table.bigInteger('first_seen_at').notNullable();
    table.bigInteger('notified_at').nullable();
    table.primary(['product', 'kind', 'name']);
  });
  await knex.schema.createTable('data_mesh_leftovers_kept', table => {
    table.string('product', 255).notNullable().primary();
    table.string('kept_by', 255).notNullable();
    table.bigInteger('kept_at').notNullable();
    table.string('reason', 500).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_leftovers_kept');
  await knex.schema.dropTable('data_mesh_leftovers_seen');
};
