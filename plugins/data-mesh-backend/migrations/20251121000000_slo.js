/*
 * SLO engine tables. Times are epoch milliseconds in bigint columns: the
 * slice arithmetic is integer arithmetic, and the same numbers work on
 * SQLite and PostgreSQL without timezone conversions.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // One row per objective of a DataProduct entity, kept in sync with the catalog.
  await knex.schema.createTable('data_mesh_slo_monitors', table => {
    table.increments('id').primary();
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('dataproduct:<namespace>/<name>, lowercase');
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table.text('product_title').nullable();
    table
      .string('owner', 255)
      .nullable()
      .comment('owner entity ref, e.g. group:default/team');
    table.string('domain', 255).nullable().comment('domain entity ref');
    table.string('slo_name', 63).notNullable();
    table.text('title').nullable();
    table.string('dimension', 32).notNullable();
    table.text('objective').notNullable();
    table.string('dataset', 255).nullable();
    table.double('target').notNullable();
    table.string('slo_window', 16).notNullable();
    table.string('slo_slice', 16).notNullable();
    table.bigInteger('window_ms').notNullable();
    table.bigInteger('slice_ms').notNullable();
    table.bigInteger('max_age_ms').nullable();
    table.double('tolerance').nullable();
    table.string('warehouse_database', 255).nullable();
    table.string('warehouse_schema', 255).nullable();
    table.string('warehouse_table', 255).nullable();
    table
      .text('problem')
      .nullable()
      .comment('why the objective cannot be monitored');
    table.string('definition_hash', 64).notNullable();
    table.bigInteger('first_observed_at').nullable();
    // the last collected stats, to detect updates of the table (completeness)
    table.bigInteger('last_row_count').nullable();
    table.bigInteger('last_altered_at').nullable();
    table.bigInteger('last_stats_at').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table
      .bigInteger('removed_at')
      .nullable()
      .comment('entity or objective gone; purged after a grace period');
    table.unique(['entity_ref', 'slo_name']);
    table.index(['owner'], 'data_mesh_slo_monitors_owner_idx');
    table.index(['domain'], 'data_mesh_slo_monitors_domain_idx');
  });

  // Each check result: one per monitor per collection cycle, plus pushed results.
  await knex.schema.createTable('data_mesh_slo_observations', table => {
    table.bigIncrements('id').primary();
    table
      .integer('monitor_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('data_mesh_slo_monitors')
      .onDelete('CASCADE');
    table.bigInteger('observed_at').notNullable();
    table.string('source', 16).notNullable().comment('collector | push');
    table
      .string('reporter', 255)
      .nullable()
      .comment('principal that pushed the result');
    table.boolean('table_exists').nullable();
    table.bigInteger('row_count').nullable();
    table.bigInteger('last_altered_at').nullable();
    table.bigInteger('bytes').nullable();
    table.boolean('passed').notNullable();
    table.text('reason').nullable();
    table.text('details').nullable().comment('JSON');
    table.index(
      ['monitor_id', 'observed_at'],
      'data_mesh_slo_observations_monitor_idx',
    );
    table.index(['observed_at'], 'data_mesh_slo_observations_time_idx');
  });

  // Per monitor and slice: check counts, upserted with each observation, so
  // that a window's SLI is a SUM over at most window/slice rows.
  await knex.schema.createTable('data_mesh_slo_slices', table => {
    table
      .integer('monitor_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('data_mesh_slo_monitors')
      .onDelete('CASCADE');
    table.bigInteger('slice_start').notNullable();
    table.integer('checks').notNullable();
    table.integer('passed').notNullable();
    // latest table stats seen in the slice, for the history chart
    table.bigInteger('stats_at').nullable();
    table.bigInteger('row_count').nullable();
    table.bigInteger('last_altered_at').nullable();
    table.primary(['monitor_id', 'slice_start']);
    table.index(['slice_start'], 'data_mesh_slo_slices_time_idx');
  });

  // Completeness: the row count at each detected update of the table.
  await knex.schema.createTable('data_mesh_slo_updates', table => {
    table
      .integer('monitor_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('data_mesh_slo_monitors')
      .onDelete('CASCADE');
    table.bigInteger('detected_at').notNullable();
    table.bigInteger('row_count').notNullable();
    table.bigInteger('last_altered_at').nullable();
    table.boolean('passed').notNullable();
    table.text('reason').nullable();
    table.primary(['monitor_id', 'detected_at']);
  });

  // Latest evaluation and alert state per monitor: what the fleet summary reads.
  await knex.schema.createTable('data_mesh_slo_status', table => {
    table
      .integer('monitor_id')
      .unsigned()
      .notNullable()
      .primary()
      .references('id')
      .inTable('data_mesh_slo_monitors')
      .onDelete('CASCADE');
    table.bigInteger('evaluated_at').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('ok | breaching | no-data');
    table.double('sli').nullable();
    table.integer('good').notNullable();
    table.integer('total').notNullable();
    table.double('budget_remaining').nullable();
    table.double('burn_rate').nullable();
    table.double('burn_rate_recent').nullable();
    table
      .string('alert_state', 16)
      .notNullable()
      .defaultTo('ok')
      .comment('ok | breaching');
    table.bigInteger('breach_started_at').nullable();
    table.bigInteger('notified_at').nullable();
    table.index(['status'], 'data_mesh_slo_status_status_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_slo_status');
  await knex.schema.dropTable('data_mesh_slo_updates');
  await knex.schema.dropTable('data_mesh_slo_slices');
  await knex.schema.dropTable('data_mesh_slo_observations');
  await knex.schema.dropTable('data_mesh_slo_monitors');
};
