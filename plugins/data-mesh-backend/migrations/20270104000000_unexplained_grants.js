/*
 * Grants made by hand that the unexplained-grants watch has seen: a role
 * holding one of a product's roles that no access request explains. A row
 * is written the first time a check finds it and removed when a check no
 * longer does, so its owners are told once per grant (`notified_at`, set by
 * the one instance that claims it) and again if it is made anew.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('data_mesh_unexplained_grants', table => {
    table
      .string('product', 255)
      .notNullable()
      .comment('dataproduct:<namespace>/<name>, lowercase');
    table.string('role', 255).notNullable().comment("the product's role held");
    table.string('member', 255).notNullable().comment('the role holding it');
    table
      .string('member_kind', 8)
      .notNullable()
      .defaultTo('role')
      .comment('role, or user (Snowflake grants roles to users)');
    table
      .string('consumer', 255)
      .nullable()
      .comment('the catalog group or data product the member is the role of');
    table.boolean('personal_data').notNullable().defaultTo(false);
    table.bigInteger('first_seen_at').notNullable();
    table.bigInteger('notified_at').nullable();
    table.primary(['product', 'role', 'member_kind', 'member']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('data_mesh_unexplained_grants');
};
