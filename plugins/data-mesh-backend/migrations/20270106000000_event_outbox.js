/*
 * The plugin's events waiting to be published on Backstage's events
 * service: written in the transaction of the change they tell of (an
 * access request's history entry, a product's audit entry), published and
 * deleted after it. An instance that dies between its commit and the
 * publication leaves the row, and the next flush — any instance's —
 * publishes it: at least once, not at most once.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_event_outbox', table => {
    table.increments('id').primary();
    table.string('topic', 255).notNullable();
    table
      .text('payload')
      .notNullable()
      .comment('JSON: what the topic handler turns into the event');
    table.bigInteger('created_at').notNullable();
    table
      .string('claimed_by', 64)
      .nullable()
      .comment('the flush publishing it now');
    table
      .bigInteger('claimed_until')
      .nullable()
      .comment('a claim older than this is free again (its instance died)');
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.index(['claimed_until', 'id'], 'data_mesh_event_outbox_claim_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_event_outbox');
};
