/*
 * `dataMesh.warehouse` is read here and nowhere else: the type picks one of
 * the installed adapter factories, and that factory reads its own section
 * (`dataMesh.warehouse.<type>`). The backend's warehouse service and the
 * `datamesh` CLI both resolve through this function, so they agree on what
 * a config means.
 */
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { WarehouseAdapter } from '../warehouse/types';

/** The warehouse type used when `dataMesh.warehouse.type` is absent: the embedded one. @public */
export const DEFAULT_WAREHOUSE_TYPE = 'pglite';

/**
 * A warehouse chosen by the config and checked, not yet opened.
 * @public
 */
export interface ResolvedWarehouse {
  /** `dataMesh.warehouse.type`, e.g. `pglite`, `postgres`, `snowflake`. */
  type: string;
  /** For messages, e.g. `PGlite in /srv/.data/warehouse`; never contains secrets. */
  description: string;
  /**
   * The directory holding the warehouse's files when it runs inside this
   * process (PGlite). Such a directory can be open in one process only.
   */
  dataDirectory?: string;
  /** Open a connection (every call opens a new one). */
  open(): Promise<WarehouseAdapter>;
}

/** What an adapter factory may use besides its config section. @public */
export interface WarehouseFactoryContext {
  /** Relative paths in the config are taken from here (the backend's working directory). */
  workingDirectory: string;
  logger?: LoggerService;
}

/**
 * One warehouse type an adapter package provides. Contributed to the
 * backend through `warehouseAdapterFactoriesServiceRef`, and given to
 * {@link resolveWarehouse} directly by tools outside a backend.
 * @public
 */
export interface WarehouseAdapterFactory {
  /** Matched against `dataMesh.warehouse.type`. */
  type: string;
  /**
   * Read this type's settings — the `dataMesh.warehouse.<type>` section,
   * undefined when absent — and say how to open the warehouse. Throws when
   * the settings are wrong; never connects.
   */
  fromConfig(
    settings: Config | undefined,
    context: WarehouseFactoryContext,
  ): ResolvedWarehouse;
}

/**
 * `dataMesh.warehouse.type` names a type no installed factory provides.
 * Kept apart from other config errors so that a backend can start without
 * a warehouse and report it when one is needed.
 * @public
 */
export class WarehouseNotInstalledError extends Error {
  constructor(readonly type: string, installed: string[]) {
    super(
      `dataMesh.warehouse.type '${type}' is not one of ${
        installed.join(', ') || '(no warehouse adapter installed)'
      }`,
    );
    this.name = 'WarehouseNotInstalledError';
  }
}

/**
 * The warehouse `dataMesh.warehouse` configures, among `factories`.
 * Throws {@link WarehouseNotInstalledError} for a type none of them
 * provides, and the factory's error for wrong settings.
 * @public
 */
export function resolveWarehouse(
  config: Config,
  factories: WarehouseAdapterFactory[],
  options: { workingDirectory?: string; logger?: LoggerService } = {},
): ResolvedWarehouse {
  const byType = new Map<string, WarehouseAdapterFactory>();
  for (const factory of factories) {
    if (byType.has(factory.type)) {
      throw new Error(
        `two warehouse adapter factories of type '${factory.type}' are installed`,
      );
    }
    byType.set(factory.type, factory);
  }
  const type =
    config.getOptionalString('dataMesh.warehouse.type') ??
    DEFAULT_WAREHOUSE_TYPE;
  const factory = byType.get(type);
  if (!factory) {
    throw new WarehouseNotInstalledError(type, [...byType.keys()]);
  }
  return factory.fromConfig(
    config.getOptionalConfig(`dataMesh.warehouse.${type}`),
    {
      workingDirectory: path.resolve(options.workingDirectory ?? process.cwd()),
      logger: options.logger,
    },
  );
}
