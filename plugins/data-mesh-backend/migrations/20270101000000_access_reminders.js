/*
 * Access requests waiting for a decision get one reminder to the product's
 * owners and the port's approvers (dataMesh.access.remindAfter): when it was
 * sent, so it is sent once, whichever instance runs the sweep.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('data_mesh_access_requests', table => {
    table
      .bigInteger('reminded_at')
      .nullable()
      .comment('when the owners were reminded of the pending request');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('data_mesh_access_requests', table => {
    table.dropColumn('reminded_at');
  });
};
