/*
 * `dataMesh.warehouse.snowflake` (see config.d.ts) → connection settings.
 * Misconfiguration stops the backend at startup with every problem listed;
 * secrets never appear in those messages.
 */
import type { Config } from '@backstage/config';
import type { WarehouseAdapterFactory } from '@datamesh/plugin-data-mesh-node';
import type { SnowflakeConnectionSettings } from './client/SnowflakeClient';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';

/** Plain identifiers only for the session's role and warehouse: they are used unquoted-equivalent (upper case). */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Reads the Snowflake connection from its config section,
 * `dataMesh.warehouse.snowflake` (which data-mesh-node's resolveWarehouse
 * hands to the `snowflake` factory). Returns undefined when it is absent.
 * @public
 */
export function readSnowflakeConnectionSettings(
  c: Config | undefined,
): SnowflakeConnectionSettings | undefined {
  if (!c) return undefined;
  const problems: string[] = [];
  const account = c.getString('account');
  const username = c.getString('username');
  const password = c.getOptionalString('password');
  const privateKey = c.getOptionalString('privateKey');
  const privateKeyPath = c.getOptionalString('privateKeyPath');
  const passphrase = c.getOptionalString('passphrase');
  const role = c.getOptionalString('role');
  const warehouse = c.getOptionalString('warehouse');
  const accessUrl = c.getOptionalString('accessUrl');
  const timeoutMs = c.getOptionalNumber('timeoutMs');

  const methods = [password, privateKey, privateKeyPath].filter(
    v => v !== undefined,
  ).length;
  if (methods !== 1) {
    problems.push('set exactly one of password, privateKey or privateKeyPath');
  }
  if (passphrase !== undefined && password !== undefined) {
    problems.push('passphrase applies to key-pair authentication only');
  }
  if (role !== undefined && !PLAIN.test(role))
    problems.push(`role '${role}' is not a plain identifier`);
  if (!warehouse) {
    problems.push(
      'warehouse is required: introspection and table statistics query INFORMATION_SCHEMA, which needs one',
    );
  } else if (!PLAIN.test(warehouse)) {
    problems.push(`warehouse '${warehouse}' is not a plain identifier`);
  }
  if (accessUrl !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(accessUrl)) {
    problems.push(
      `accessUrl '${accessUrl}' must be a URL such as https://myorg-myaccount.snowflakecomputing.com`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `Invalid dataMesh.warehouse.snowflake config:\n  ${problems.join(
        '\n  ',
      )}`,
    );
  }
  return {
    account,
    username,
    auth:
      password !== undefined
        ? { type: 'password', password }
        : { type: 'keyPair', privateKey, privateKeyPath, passphrase },
    role,
    warehouse,
    accessUrl: accessUrl?.replace(/\/$/, ''),
    timeoutMs,
  };
}

/**
 * Warehouse type `snowflake`: `dataMesh.warehouse.snowflake`. Wrong
 * settings are reported when the warehouse is resolved (backend startup);
 * the session opens on first use.
 * @public
 */
export const snowflakeWarehouseAdapterFactory: WarehouseAdapterFactory = {
  type: 'snowflake',
  fromConfig(settings, { logger }) {
    const connection = readSnowflakeConnectionSettings(settings);
    if (!connection) {
      throw new Error(
        'dataMesh.warehouse.type is snowflake, but dataMesh.warehouse.snowflake is not configured',
      );
    }
    return {
      type: 'snowflake',
      description: `Snowflake account ${connection.account}`,
      async open() {
        logger?.info(
          `Connecting to Snowflake account ${connection.account} as ${
            connection.username
          } (${
            connection.auth.type === 'password' ? 'password' : 'key-pair'
          } authentication)`,
        );
        return new SnowflakeWarehouseAdapter({ connection, logger });
      },
    };
  },
};
