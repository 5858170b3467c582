/*
 * Access requests to output ports and their audit history. Times are epoch
 * milliseconds in bigint columns, like the SLO tables. `owner` is the
 * product's owner (lower-case entity ref) so that the permission framework's
 * conditional decisions ("requests of products I own") filter lists in SQL.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_access_requests', table => {
    table.string('id', 32).primary();
    table
      .string('product', 255)
      .notNullable()
      .comment('dataproduct:<namespace>/<name>, lowercase');
    table.string('owner', 255).nullable().comment('product owner entity ref');
    table.string('output_port', 255).notNullable();
    table
      .string('consumer', 255)
      .notNullable()
      .comment('group or data product entity ref, lowercase');
    table.string('requester', 255).notNullable().comment('user entity ref');
    table.text('purpose').notNullable();
    table.boolean('pii').notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('pending | approved | active | rejected | revoked | expired');
    table.bigInteger('duration_ms').notNullable();
    table.bigInteger('requested_at').notNullable();
    table.string('decided_by', 255).nullable();
    table.bigInteger('decided_at').nullable();
    table.bigInteger('expires_at').nullable();
    table.string('grantee', 255).notNullable().comment('warehouse role');
    table
      .string('provider_role', 255)
      .notNullable()
      .comment("the product's consumer role the request role receives");
    table
      .string('role', 255)
      .notNullable()
      .unique()
      .comment('the per-request warehouse role');
    table
      .string('warehouse_pending', 8)
      .nullable()
      .comment('grant | revoke: what the warehouse has yet to confirm');
    table.text('last_error').nullable();
    table.bigInteger('extension_expires_at').nullable();
    table.bigInteger('extension_requested_at').nullable();
    table.string('extension_requested_by', 255).nullable();
    table.text('extension_comment').nullable();
    // the expiry warning, claimed before it is sent (one per request even
    // with several backend instances); a failed send releases the claim
    table.bigInteger('warning_claimed_at').nullable();
    table.bigInteger('warned_at').nullable();
    table.index(['product'], 'data_mesh_access_requests_product_idx');
    table.index(['owner'], 'data_mesh_access_requests_owner_idx');
    table.index(['requester'], 'data_mesh_access_requests_requester_idx');
    table.index(['state', 'expires_at'], 'data_mesh_access_requests_state_idx');
  });

  await knex.schema.createTable('data_mesh_access_history', table => {
    table.bigIncrements('id').primary();
    table
      .string('request_id', 32)
      .notNullable()
      .references('id')
      .inTable('data_mesh_access_requests')
      .onDelete('CASCADE');
    table.bigInteger('at').notNullable();
    table.string('actor', 255).notNullable().comment("user ref or 'system'");
    table.string('action', 32).notNullable();
    table.string('state', 16).notNullable().comment('state after the action');
    table.text('comment').nullable();
    table.text('statements').nullable().comment('JSON array');
    table.text('error').nullable();
    table.index(['request_id', 'id'], 'data_mesh_access_history_request_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_access_history');
  await knex.schema.dropTable('data_mesh_access_requests');
};
