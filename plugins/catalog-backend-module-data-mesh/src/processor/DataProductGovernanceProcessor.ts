import type { LoggerService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_GOVERNANCE,
  type GovernanceRuleSet,
  evaluateGovernance,
  formatIssue,
  governanceAnnotation,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';

/** @public */
export interface DataProductGovernanceProcessorOptions {
  logger: LoggerService;
  /** The rules in force (data-mesh-node's `readGovernanceSettings`). */
  governance: () => Promise<GovernanceRuleSet & { defaultStage?: string }>;
  /** How long the rules are reused before the config and rules file are read again. Default 60 s. */
  reloadAfterMs?: number;
}

/**
 * Evaluates the governance policies on every `DataProduct` with the same
 * engine as `datamesh check` and the scaffolder, and records the results
 * in the `datamesh.dev/governance` annotation. A failing policy is a
 * result, not a processing error: it neither stops this product's update
 * nor any other entity, at any stage; a broken rule fails in every
 * product's results and is logged with its location once per reload.
 * @public
 */
export class DataProductGovernanceProcessor implements CatalogProcessor {
  private readonly logger: LoggerService;
  private readonly load: DataProductGovernanceProcessorOptions['governance'];
  private readonly reloadAfterMs: number;
  private cached?: {
    at: number;
    rules: Promise<GovernanceRuleSet & { defaultStage?: string }>;
  };

  constructor(options: DataProductGovernanceProcessorOptions) {
    this.logger = options.logger;
    this.load = options.governance;
    this.reloadAfterMs = options.reloadAfterMs ?? 60_000;
  }

  getProcessorName(): string {
    return 'DataProductGovernanceProcessor';
  }

  async postProcessEntity(entity: Entity): Promise<Entity> {
    if (!isDataProductEntity(entity)) return entity;
    let annotation: string;
    try {
      const rules = await this.rules();
      annotation = governanceAnnotation(
        evaluateGovernance(entity, rules, { defaultStage: rules.defaultStage }),
      );
    } catch (error) {
      // e.g. a stored part that is not JSON: the entities processor says so
      this.logger.warn(
        `Governance not evaluated for ${stringifyEntityRef(
          entity,
        )}: ${stringifyError(error)}`,
      );
      return entity;
    }
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_GOVERNANCE]: annotation,
        },
      },
    };
  }

  private rules() {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.reloadAfterMs) {
      const rules = this.load().then(set => {
        for (const issue of set.issues) {
          this.logger.error(`Governance rule problem: ${formatIssue(issue)}`);
        }
        return set;
      });
      rules.catch(() => {
        // a failed load is retried by the next entity
        this.cached = undefined;
      });
      this.cached = { at: now, rules };
    }
    return this.cached.rules;
  }
}
