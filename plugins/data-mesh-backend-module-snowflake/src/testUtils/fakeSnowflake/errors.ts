/*
 * Errors the fake answers with, worded and numbered as Snowflake does so
 * that the adapter's error handling is exercised against realistic values.
 */

/** A statement failure as Snowflake reports it: code, SQLSTATE, message. @internal */
export class SnowflakeSqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
    readonly type: 'COMPILATION' | 'EXECUTION' = 'COMPILATION',
  ) {
    super(message);
    this.name = 'SnowflakeSqlError';
  }
}

/** @internal */
export function syntaxError(line: number, pos: number, unexpected: string) {
  return new SnowflakeSqlError(
    '001003',
    '42000',
    `SQL compilation error:\nsyntax error line ${line} at position ${pos} unexpected '${unexpected}'.`,
  );
}

/** @internal */
export function unsupported(what: string) {
  return new SnowflakeSqlError(
    '001003',
    '42000',
    `SQL compilation error:\n${what} is not supported by the fake Snowflake server.`,
  );
}

/** @internal */
export function doesNotExist(
  kind: 'Object' | 'Database' | 'Schema' | 'Warehouse' | 'Role' | 'User',
  displayName: string,
) {
  const sqlState = kind === 'Object' ? '42S02' : '02000';
  return new SnowflakeSqlError(
    '002003',
    sqlState,
    `SQL compilation error:\n${kind} '${displayName}' does not exist or not authorized.`,
  );
}

/** @internal */
export function alreadyExists(displayName: string) {
  return new SnowflakeSqlError(
    '002002',
    '42710',
    `SQL compilation error:\nObject '${displayName}' already exists.`,
  );
}

/** @internal */
export function insufficientPrivileges(objectKind: string, name: string) {
  return new SnowflakeSqlError(
    '003001',
    '42501',
    `SQL access control error:\nInsufficient privileges to operate on ${objectKind} '${name}'`,
    'EXECUTION',
  );
}

/** @internal */
export function noActiveWarehouse() {
  return new SnowflakeSqlError(
    '000606',
    '57P03',
    "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.\n",
    'EXECUTION',
  );
}

/** @internal */
export function duplicateColumn(name: string) {
  return new SnowflakeSqlError(
    '002025',
    '42S21',
    `SQL compilation error:\nduplicate column name '${name}'`,
  );
}
