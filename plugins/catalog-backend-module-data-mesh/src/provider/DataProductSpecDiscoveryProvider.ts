import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import {
  EntityProvider,
  EntityProviderConnection,
  locationSpecToLocationEntity,
} from '@backstage/plugin-catalog-node';
import { isDataProductSpecFile } from '@datamesh/plugin-data-mesh-common';
import { glob } from 'glob';
import path from 'node:path';

/** @public */
export interface DataProductSpecDiscoveryProviderOptions {
  /** Glob patterns, absolute or relative to `cwd`. */
  patterns: string[];
  /** Base directory of relative patterns. Default: the working directory. */
  cwd?: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  scheduler: SchedulerService;
  logger: LoggerService;
}

/**
 * Finds data product spec files on disk and registers each as a `file`
 * Location of its own, so they are read by the same processor as any other
 * location. One location per file keeps a broken spec from holding back the
 * others: the catalog drops everything a location emits when it has an error.
 *
 * @public
 */
export class DataProductSpecDiscoveryProvider implements EntityProvider {
  /** The id of the scheduled task, for triggering it by hand. */
  static readonly taskId = 'data-mesh-spec-discovery:refresh';

  private readonly patterns: string[];
  private readonly cwd: string;
  private readonly schedule: SchedulerServiceTaskScheduleDefinition;
  private readonly scheduler: SchedulerService;
  private readonly logger: LoggerService;
  private connection?: EntityProviderConnection;

  constructor(options: DataProductSpecDiscoveryProviderOptions) {
    this.patterns = options.patterns;
    this.cwd = options.cwd ?? process.cwd();
    this.schedule = options.schedule;
    this.scheduler = options.scheduler;
    this.logger = options.logger.child({ provider: this.getProviderName() });
  }

  getProviderName(): string {
    return 'data-mesh-spec-discovery';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.scheduler.scheduleTask({
      id: DataProductSpecDiscoveryProvider.taskId,
      ...this.schedule,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.logger.error(
            `Data product spec discovery failed: ${stringifyError(error)}`,
          );
        }
      },
    });
  }

  /** The spec files the patterns match now, as absolute, sorted paths. */
  async findSpecFiles(): Promise<string[]> {
    const found = new Set<string>();
    for (const pattern of this.patterns) {
      const matches = await glob(pattern, {
        cwd: this.cwd,
        absolute: true,
        nodir: true,
        ignore: ['**/node_modules/**'],
        windowsPathsNoEscape: true,
      });
      for (const match of matches) {
        // glob's `ignore` does not apply to absolute patterns outside cwd, so
        // dependencies' spec files are excluded here by path segment too.
        if (match.split(/[\\/]/).includes('node_modules')) continue;
        if (isDataProductSpecFile(match)) {
          found.add(path.normalize(match));
        }
      }
    }
    return [...found].sort();
  }

  /**
   * Replaces this provider's set of locations with what is on disk. When a
   * pattern cannot be evaluated the round is skipped rather than applied, so
   * a passing I/O error does not delete every discovered product.
   */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('Not initialized');
    }
    const files = await this.findSpecFiles();
    const entities = files.map(file => {
      const entity = locationSpecToLocationEntity({
        location: { type: 'file', target: file },
      });
      return {
        entity,
        locationKey: entity.metadata.annotations![ANNOTATION_LOCATION],
      };
    });
    await this.connection.applyMutation({ type: 'full', entities });
    this.logger.info(`Discovered ${files.length} data product spec file(s)`);
  }
}
