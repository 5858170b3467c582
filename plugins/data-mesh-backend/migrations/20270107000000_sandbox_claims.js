/*
 * Sandbox creations under way: one row per product and branch while an
 * instance copies it, so that every replica refuses a second creation of
 * the branch (a "replace" elsewhere would drop the copy under way). The
 * copying instance refreshes `alive_at`; a row left by an instance that
 * died goes stale and is taken over.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_sandbox_claims', table => {
    table.string('product', 255).notNullable();
    table.string('branch', 255).notNullable();
    table.string('requested_by', 255).notNullable();
    table.bigInteger('started_at').notNullable();
    table
      .bigInteger('alive_at')
      .notNullable()
      .comment('refreshed while the copy goes on; stale after a few minutes');
    table.primary(['product', 'branch']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_sandbox_claims');
};
