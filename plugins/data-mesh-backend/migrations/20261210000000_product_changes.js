/*
 * The Changes timeline: every revision of a DataProduct the backend read
 * from the catalog, with its changes classified against the revision
 * before, and per product the last revision's entity to compare the next
 * one with. Times are epoch milliseconds in bigint columns, like the SLO
 * and access tables.
 *
 * Several backend instances may reconcile at once: a revision is written
 * only by the instance whose conditional update of the head (`… WHERE
 * revision = <the one it compared with>`) succeeds, and the primary key
 * (product, revision) refuses a second row for the same revision. The
 * notification of a breaking revision is claimed like SLO breaches'.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_change_heads', table => {
    table
      .string('product', 255)
      .primary()
      .comment('dataproduct:<namespace>/<name>, lowercase');
    table.integer('revision').notNullable();
    table
      .string('entity_hash', 64)
      .notNullable()
      .comment('sha256 of entity, to skip unchanged products cheaply');
    table
      .text('entity')
      .notNullable()
      .comment('JSON of the compared parts of the last revision');
    table.bigInteger('seen_at').notNullable();
  });

  await knex.schema.createTable('data_mesh_change_revisions', table => {
    table.string('product', 255).notNullable();
    table.integer('revision').notNullable();
    table.string('version', 64).nullable().comment('declared spec version');
    table.string('previous_version', 64).nullable();
    table.bigInteger('ingested_at').notNullable();
    table.boolean('breaking').notNullable();
    table.boolean('version_ok').notNullable();
    table.text('version_message').notNullable();
    table.text('changes').notNullable().comment('JSON array of SpecChange');
    table.bigInteger('notify_claimed_at').nullable();
    table.bigInteger('notified_at').nullable();
    table
      .integer('notified_recipients')
      .nullable()
      .comment('entity refs the notification went to (0: nobody had access)');
    table.primary(['product', 'revision']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_change_revisions');
  await knex.schema.dropTable('data_mesh_change_heads');
};
