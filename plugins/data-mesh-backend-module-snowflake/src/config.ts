/*
 * `dataMesh.warehouse.snowflake` (see config.d.ts) → connection settings.
 * Misconfiguration stops the backend at startup with every problem listed;
 * secrets never appear in those messages.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import type { SnowflakeConnectionSettings } from './client/SnowflakeClient';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';

/** Plain identifiers only for the session's role and warehouse: they are used unquoted-equivalent (upper case). */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Reads the Snowflake connection from `dataMesh.warehouse.snowflake`.
 * Returns undefined when that section is absent.
 * @public
 */
export function readSnowflakeConnectionSettings(
  config: Config,
): SnowflakeConnectionSettings | undefined {
  const c = config.getOptionalConfig('dataMesh.warehouse.snowflake');
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
 * The adapter for the root config's `dataMesh.warehouse.snowflake`, for
 * callers outside a backend (the `datamesh` CLI). Connects lazily.
 * @public
 */
export async function createSnowflakeWarehouseAdapterFromConfig(
  config: Config,
  options: { logger?: LoggerService } = {},
): Promise<WarehouseAdapter> {
  const connection = readSnowflakeConnectionSettings(config);
  if (!connection) {
    throw new Error('dataMesh.warehouse.snowflake is not configured');
  }
  return new SnowflakeWarehouseAdapter({ connection, logger: options.logger });
}
