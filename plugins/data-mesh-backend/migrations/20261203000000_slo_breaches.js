/*
 * One row per breach of an objective (the monitor and when its breach
 * started), claimed in the database before its notification is sent: with
 * several backend instances on one database, the instance whose claim
 * succeeds notifies, the others skip it. A claim left by an instance that
 * died is taken over once its lease is over; a failed send releases it.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_slo_breaches', table => {
    table
      .integer('monitor_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('data_mesh_slo_monitors')
      .onDelete('CASCADE');
    table.bigInteger('breach_started_at').notNullable();
    table
      .bigInteger('claimed_at')
      .nullable()
      .comment('when an instance claimed the notification; null: free');
    table.bigInteger('notified_at').nullable();
    table.primary(['monitor_id', 'breach_started_at']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_slo_breaches');
};
