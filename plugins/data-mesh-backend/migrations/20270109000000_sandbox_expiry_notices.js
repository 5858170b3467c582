/*
 * Sandboxes whose owners were told that they expire soon: one row per
 * product, branch and start of the sandbox's time (when it was made, or
 * last kept: a sandbox made again or kept is told again), so that each is
 * told once across runs and replicas.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_sandbox_expiry_notices', table => {
    table.string('product', 255).notNullable();
    table.string('branch', 255).notNullable();
    table
      .string('since', 64)
      .notNullable()
      .comment('when its time started, as its marker records it (ISO)');
    table.bigInteger('warned_at').notNullable();
    table.primary(['product', 'branch', 'since']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_sandbox_expiry_notices');
};
