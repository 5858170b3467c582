/*
 * Usage per product (issue 9 §3): what the last collection could tell
 * (by role, or table-level only), reads per reader and UTC day, the
 * previous cumulative counter of each table whose warehouse only counts
 * scans (PostgreSQL), and the "unused grant" flags notified once.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_usage_daily', table => {
    table
      .string('product', 255)
      .notNullable()
      .comment('entity ref, lower case');
    table
      .string('reader', 255)
      .notNullable()
      .comment(
        "the reading role, lower case; '' when the warehouse cannot tell (table-level)",
      );
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.bigInteger('reads').notNullable();
    table.bigInteger('last_read_at').nullable();
    table
      .string('source', 16)
      .notNullable()
      .comment("'by-role' or 'table-level'");
    table.primary(['product', 'reader', 'day']);
    table.index(['product', 'day'], 'data_mesh_usage_daily_product_day_idx');
  });
  await knex.schema.createTable('data_mesh_usage_products', table => {
    table.string('product', 255).notNullable().primary();
    table
      .string('source', 16)
      .notNullable()
      .comment('what the last collection could tell');
    table.bigInteger('collected_at').notNullable();
    table.text('notes').nullable().comment('JSON array of the warehouse notes');
  });
  await knex.schema.createTable('data_mesh_usage_counters', table => {
    table.string('product', 255).notNullable();
    table
      .string('table_key', 400)
      .notNullable()
      .comment('database.schema.table');
    table.bigInteger('scans').notNullable();
    table.bigInteger('observed_at').notNullable();
    table.primary(['product', 'table_key']);
  });
  await knex.schema.createTable('data_mesh_usage_unused', table => {
    table.string('request_id', 32).notNullable().primary();
    table.string('product', 255).notNullable();
    table.bigInteger('flagged_at').notNullable();
    table
      .bigInteger('notified_at')
      .nullable()
      .comment('owners told; null: not yet (or no notifier)');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_usage_unused');
  await knex.schema.dropTable('data_mesh_usage_counters');
  await knex.schema.dropTable('data_mesh_usage_products');
  await knex.schema.dropTable('data_mesh_usage_daily');
};
