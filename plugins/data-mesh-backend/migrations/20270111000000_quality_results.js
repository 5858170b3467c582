/*
 * Data-quality results (ODCS quality[] checks of products' specs, measured
 * by the portal on a schedule): one row per check and run, kept for the
 * history the product page charts, pruned after the retention period.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_quality_results', table => {
    table
      .string('product', 255)
      .notNullable()
      .comment('entity ref, lower case');
    table
      .string('check_key', 400)
      .notNullable()
      .comment('dataset[.column]:name, as qualityChecksOfDatasets keys it');
    table.bigInteger('checked_at').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment("'passed', 'failed' or 'error' (could not be measured)");
    table.double('value').nullable().comment('in the check’s unit');
    table.bigInteger('row_count').nullable();
    table
      .text('message')
      .nullable()
      .comment('the outcome in words, or why it was not measured');
    table.primary(['product', 'check_key', 'checked_at']);
    table.index(['checked_at'], 'data_mesh_quality_results_checked_at_idx');
  });
  // per product, as its latest run left it: what the home page counts
  await knex.schema.createTable('data_mesh_quality_products', table => {
    table.string('product', 255).notNullable().primary();
    table
      .string('owner', 255)
      .nullable()
      .comment('entity ref of the owner at the run, lower case');
    table.bigInteger('checked_at').notNullable();
    table
      .text('failing')
      .notNullable()
      .comment(
        'JSON array of the keys of blocking checks failing or not measured',
      );
    table.index(['owner'], 'data_mesh_quality_products_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_quality_products');
  await knex.schema.dropTable('data_mesh_quality_results');
};
