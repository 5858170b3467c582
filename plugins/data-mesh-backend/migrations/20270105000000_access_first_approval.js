/*
 * Two-level approval (ODCS `roles[].secondLevelApprovers`): the first-level
 * approval of what a request has pending now — the request itself, or its
 * extension — while it waits for a second-level approver. Cleared when the
 * decision is complete; the history keeps both approvals.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('data_mesh_access_requests', table => {
    table
      .string('first_approved_by', 255)
      .nullable()
      .comment('user entity ref (or system) of the first-level approval');
    table.bigInteger('first_approved_at').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('data_mesh_access_requests', table => {
    table.dropColumn('first_approved_by');
    table.dropColumn('first_approved_at');
  });
};
