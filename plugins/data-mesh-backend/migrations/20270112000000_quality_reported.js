/*
 * Data-quality results a product's pipeline reported (`datamesh quality
 * --report-to`) beside the portal's own: who measured a result and where
 * its run can be looked up. And per product, the counts of its latest
 * results, which the data products list shows.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('data_mesh_quality_results', table => {
    table
      .string('source', 16)
      .nullable()
      .comment("where it was measured elsewhere: 'cli'; null: by the portal");
    table
      .string('actor', 255)
      .nullable()
      .comment('who reported it: a user ref or a service subject');
    table
      .string('reference', 500)
      .nullable()
      .comment('where the reporting run can be looked up, e.g. a CI run URL');
  });
  await knex.schema.alterTable('data_mesh_quality_products', table => {
    table
      .integer('checks')
      .nullable()
      .comment('checks with a result (passed, failed or not measured)');
    table
      .text('warnings')
      .nullable()
      .comment('JSON array of the keys of warning checks failing');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('data_mesh_quality_products', table => {
    table.dropColumn('warnings');
    table.dropColumn('checks');
  });
  await knex.schema.alterTable('data_mesh_quality_results', table => {
    table.dropColumn('reference');
    table.dropColumn('actor');
    table.dropColumn('source');
  });
};
