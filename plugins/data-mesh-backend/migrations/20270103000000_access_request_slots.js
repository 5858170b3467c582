/*
 * One row per consumer and output port that was ever asked for: a new
 * request first writes its row (and so locks it until its transaction
 * ends), then looks for an open request that covers it. Two identical
 * requests sent at the same instant, to two replicas or by a double
 * submit, are thus checked one after the other, and the second is refused
 * as a duplicate instead of both being stored. A unique index on the
 * requests could not say "a personal-data request covers a plain one", and
 * would fail to build on a database that already holds duplicates.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_access_request_slots', table => {
    table
      .string('product', 255)
      .notNullable()
      .comment('dataproduct:<namespace>/<name>, lowercase');
    table.string('output_port', 255).notNullable();
    table
      .string('consumer', 255)
      .notNullable()
      .comment('group or data product entity ref, lowercase');
    table
      .bigInteger('asked_at')
      .notNullable()
      .comment('when a request for it was last checked');
    table.primary(['product', 'output_port', 'consumer']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_access_request_slots');
};
