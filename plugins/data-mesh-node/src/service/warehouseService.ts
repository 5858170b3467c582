/*
 * One warehouse connection per process. The data-mesh plugin, the
 * scaffolder's actions and the example mesh all depend on the same root
 * service, so they share one adapter — which the embedded PGlite requires
 * (one instance per data directory) and which saves a Snowflake session per
 * consumer elsewhere. Adapter packages contribute factories to a multiton
 * ref, as URL readers do with `urlReaderFactoriesServiceRef`.
 */
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { WarehouseAdapter } from '../warehouse/types';
import {
  type ResolvedWarehouse,
  type WarehouseAdapterFactory,
  WarehouseNotInstalledError,
  resolveWarehouse,
} from './resolveWarehouse';

/**
 * The configured warehouse of this process.
 * @public
 */
export interface WarehouseService {
  /** `dataMesh.warehouse.type`. */
  readonly type: string;
  /** For messages; never contains secrets. */
  readonly description: string;
  /** See {@link ResolvedWarehouse.dataDirectory}. */
  readonly dataDirectory?: string;
  /**
   * The adapter: opened on the first call, the same one afterwards; a
   * failed open is retried by the next call. The service owns it — callers
   * never close it.
   */
  getAdapter(): Promise<WarehouseAdapter>;
}

/** A warehouse service that its creator closes. @public */
export interface ClosableWarehouseService extends WarehouseService {
  /** Close the adapter if it was opened. */
  close(): Promise<void>;
}

/**
 * A service around a resolved warehouse (or around the reason there is
 * none, which every `getAdapter` call then rejects with). For tools outside
 * a backend; in a backend, depend on {@link warehouseServiceRef}.
 * @public
 */
export function createWarehouseService(
  warehouse: ResolvedWarehouse | { type: string; error: Error },
): ClosableWarehouseService {
  let adapter: Promise<WarehouseAdapter> | undefined;
  return {
    type: warehouse.type,
    description: 'error' in warehouse ? warehouse.type : warehouse.description,
    dataDirectory: 'error' in warehouse ? undefined : warehouse.dataDirectory,
    getAdapter() {
      if ('error' in warehouse) return Promise.reject(warehouse.error);
      if (!adapter) {
        const opening = warehouse.open();
        adapter = opening;
        opening.catch(() => {
          if (adapter === opening) adapter = undefined;
        });
      }
      return adapter;
    },
    async close() {
      const current = adapter;
      adapter = undefined;
      if (current) await (await current.catch(() => undefined))?.close();
    },
  };
}

/**
 * The warehouse adapter factories installed in the backend. Each adapter
 * package provides service factories for it.
 * @public
 */
export const warehouseAdapterFactoriesServiceRef =
  createServiceRef<WarehouseAdapterFactory>({
    id: 'data-mesh.warehouse.factories',
    scope: 'root',
    multiton: true,
  });

/**
 * The warehouse `dataMesh.warehouse` configures, among the installed
 * adapter factories: resolved at startup (wrong settings stop the backend),
 * opened on first use, closed when the backend stops. A type that no
 * installed package provides does not stop the backend; using the
 * warehouse then fails with a message naming the installed types.
 * @public
 */
export const warehouseServiceRef = createServiceRef<WarehouseService>({
  id: 'data-mesh.warehouse',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
        factories: warehouseAdapterFactoriesServiceRef,
      },
      factory({ config, logger, lifecycle, factories }) {
        const log = logger.child({ service: 'data-mesh.warehouse' });
        let warehouse: ClosableWarehouseService;
        try {
          warehouse = createWarehouseService(
            resolveWarehouse(config, factories, { logger: log }),
          );
        } catch (e) {
          if (!(e instanceof WarehouseNotInstalledError)) throw e;
          log.warn(`${e.message}; the warehouse is not available`);
          warehouse = createWarehouseService({ type: e.type, error: e });
        }
        lifecycle.addShutdownHook(() => warehouse.close());
        return warehouse;
      },
    }),
});
