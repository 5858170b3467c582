/*
 * Lifecycle of data products beyond the spec: the deprecation record (the
 * retirement date, a successor, whether new access requests are still
 * accepted) and its progress through retirement, plus an audit trail that
 * outlives the product. Times are epoch milliseconds in bigint columns.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_lifecycle', table => {
    table
      .string('product', 255)
      .primary()
      .comment('dataproduct:<namespace>/<name>, lowercase');
    table
      .string('state', 16)
      .notNullable()
      .comment('deprecated | retiring | retired');
    table.string('owner', 255).nullable().comment('owner ref, lowercase');
    table.bigInteger('retire_at').notNullable();
    table.string('successor', 255).nullable();
    table.text('reason').nullable();
    table.boolean('accept_requests').notNullable().defaultTo(false);
    table.string('deprecated_by', 255).notNullable();
    table.bigInteger('deprecated_at').notNullable();
    table.bigInteger('retired_at').nullable();
    table
      .bigInteger('archive_drop_after')
      .nullable()
      .comment('end of the archive retention, set when retired');
    table.bigInteger('archive_dropped_at').nullable();
    table
      .text('entity')
      .nullable()
      .comment(
        'JSON of the entity, kept once retirement starts (it leaves the catalog)',
      );
  });
  await knex.schema.createTable('data_mesh_lifecycle_audit', table => {
    table.increments('id');
    table.string('product', 255).notNullable().index();
    table.bigInteger('at').notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 32).notNullable();
    table.text('detail').nullable().comment('JSON');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_lifecycle_audit');
  await knex.schema.dropTable('data_mesh_lifecycle');
};
