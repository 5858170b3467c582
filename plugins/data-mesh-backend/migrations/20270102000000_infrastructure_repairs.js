/*
 * Repair runs: the plans of several products applied one after the other in
 * the backend (POST /infrastructure/repairs), so a run survives the browser
 * tab that started it and a restart of the backend. Each item is claimed by
 * one instance (`claimed_at`); an item claimed by an instance that died is
 * taken up again once its claim is stale. A run stopped (`stopped_by`)
 * leaves its queued items `stopped`.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_repair_runs', table => {
    table.string('id', 32).primary();
    table.string('requested_by', 255).notNullable();
    table.bigInteger('requested_at').notNullable();
    table.boolean('allow_destructive').notNullable();
    table
      .bigInteger('finished_at')
      .nullable()
      .comment('set once, by the instance finishing the last item');
    table.string('stopped_by', 255).nullable();
    table.bigInteger('stopped_at').nullable();
    table.index(['requested_at'], 'data_mesh_repair_runs_requested_idx');
  });
  await knex.schema.createTable('data_mesh_repair_run_items', table => {
    table
      .string('run_id', 32)
      .notNullable()
      .references('id')
      .inTable('data_mesh_repair_runs')
      .onDelete('CASCADE');
    table.integer('position').notNullable();
    table.string('product', 255).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('refused, queued, running, applied, failed, stopped');
    table.bigInteger('claimed_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.integer('applied').notNullable().defaultTo(0);
    table.integer('skipped').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.primary(['run_id', 'position']);
    table.index(['state'], 'data_mesh_repair_run_items_state_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_repair_run_items');
  await knex.schema.dropTable('data_mesh_repair_runs');
};
