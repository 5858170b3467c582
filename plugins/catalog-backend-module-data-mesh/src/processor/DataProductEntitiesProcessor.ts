import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogService,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SPEC_FORMAT,
  dataProductEntityV1alpha1Validator,
  DataProductEntityV1alpha1,
  formatIssue,
  isDataProductEntity,
  toCatalogForm,
  validateDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import { BatchedEntityLookup } from './BatchedEntityLookup';
import { isSealedHandOver, takeOver } from './handOver';
import { OutputPortDirectory, outputPortNames } from './OutputPortDirectory';

/** @public */
export interface DataProductEntitiesProcessorOptions {
  logger: LoggerService;
  /**
   * When given, `data-product` input ports are checked against the upstream
   * product's output ports (config `dataMesh.catalog.verifyUpstreamPorts`).
   */
  upstreamPorts?: {
    catalog: CatalogService;
    auth: AuthService;
    /** How long accepted products' ports are remembered (tests set a clock). */
    memory?: { maxAgeMs?: number; maxEntries?: number; now?: () => number };
  };
  /**
   * Store the nested parts of the spec as JSON text, the catalog form
   * (config `dataMesh.catalog.storeNestedAsJson`). Default: true.
   */
  storeNestedAsJson?: boolean;
}

/** An input port that consumes another product, with its index in `spec.inputPorts`. */
interface UpstreamPort {
  index: number;
  ref: CompoundEntityRef;
  outputPort?: string;
}

/**
 * Validates `DataProduct` entities and emits their relations in both
 * directions: ownedBy/ownerOf (`spec.owner`), partOf/hasPart (`spec.domain`)
 * and dependsOn/dependencyOf for each input port that consumes another data
 * product, so the catalog graph is the lineage graph.
 *
 * @public
 */
export class DataProductEntitiesProcessor implements CatalogProcessor {
  private readonly logger: LoggerService;
  private readonly outputPorts?: OutputPortDirectory;
  private readonly storeNestedAsJson: boolean;

  constructor(options: DataProductEntitiesProcessorOptions) {
    this.logger = options.logger;
    this.storeNestedAsJson = options.storeNestedAsJson ?? true;
    if (options.upstreamPorts) {
      const catalog = new BatchedEntityLookup({
        ...options.upstreamPorts,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.outputPorts',
        ],
      });
      this.outputPorts = new OutputPortDirectory({
        lookup: refs => catalog.lookup(refs),
        ...options.upstreamPorts.memory,
      });
    }
  }

  getProcessorName(): string {
    return 'DataProductEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    // A product this process's spec reader read and checked, unchanged
    // since, has met the kind's schema there (handOver.ts).
    if (isSealedHandOver(entity)) return true;
    // Throws with the schema violations for a DataProduct that is invalid;
    // false for other kinds so the other processors get to decide.
    return dataProductEntityV1alpha1Validator.check(canonical(entity));
  }

  async postProcessEntity(
    received: Entity,
    location: LocationSpec,
    emitResult: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isDataProductEntity(received)) {
      return received;
    }
    const checkedWhenRead = isSealedHandOver(received);
    const entity = canonical(received) as DataProductEntityV1alpha1;
    let accepted = true;
    const emit: CatalogProcessorEmit = result => {
      if (result.type === 'error') accepted = false;
      emitResult(result);
    };
    // Spec files were checked when they were read, but a native entity read
    // by the catalog's own YAML reader has only passed the JSON schema; the
    // identifier rules (reserved words, SQL name clashes) and references
    // inside the product must hold for every product before anything
    // downstream turns its names into SQL. Only a sealed hand-over, which
    // this process's reader checked with the same rules, skips them.
    if (!checkedWhenRead) {
      const problems = validateDataProductEntity(entity).filter(
        i => i.severity === 'error',
      );
      for (const issue of problems) {
        emit(processingResult.inputError(location, formatIssue(issue)));
      }
    }

    const selfRef = getCompoundEntityRef(entity);
    const { spec } = entity;

    const relate = (
      path: string,
      value: string | undefined,
      defaultKind: string,
      forward: string,
      backward: string,
    ): CompoundEntityRef | undefined => {
      const target = this.parseRef(value, defaultKind, selfRef.namespace);
      if (!target) {
        if (value !== undefined) {
          emit(
            processingResult.inputError(
              location,
              `${path}: '${value}' is not a valid entity reference`,
            ),
          );
        }
        return undefined;
      }
      emit(
        processingResult.relation({ source: selfRef, type: forward, target }),
      );
      emit(
        processingResult.relation({
          source: target,
          type: backward,
          target: selfRef,
        }),
      );
      return target;
    };

    relate(
      'spec.owner',
      spec.owner,
      'Group',
      RELATION_OWNED_BY,
      RELATION_OWNER_OF,
    );
    relate(
      'spec.domain',
      spec.domain,
      'Domain',
      RELATION_PART_OF,
      RELATION_HAS_PART,
    );

    const upstream: UpstreamPort[] = [];
    const related = new Set<string>();
    (spec.inputPorts ?? []).forEach((port, index) => {
      if (port.type !== 'data-product' || port.dataProduct === undefined) {
        return;
      }
      const path = `spec.inputPorts[${index}].dataProduct`;
      const ref = this.parseRef(
        port.dataProduct,
        'DataProduct',
        selfRef.namespace,
      );
      if (!ref) {
        emit(
          processingResult.inputError(
            location,
            `${path}: '${port.dataProduct}' is not a valid entity reference`,
          ),
        );
        return;
      }
      const key = stringifyEntityRef(ref);
      if (!related.has(key)) {
        // Two ports reading from the same upstream are still one dependency.
        related.add(key);
        relate(
          path,
          port.dataProduct,
          'DataProduct',
          RELATION_DEPENDS_ON,
          RELATION_DEPENDENCY_OF,
        );
      }
      upstream.push({ index, ref, outputPort: port.outputPort });
    });

    if (this.outputPorts && upstream.some(u => u.outputPort)) {
      await this.verifyUpstreamPorts(entity, upstream, location, emit);
    }
    if (this.outputPorts && accepted) {
      // the catalog keeps the previous version of a product whose
      // processing failed, so only an accepted one is what consumers see
      this.outputPorts.remember(
        stringifyEntityRef(selfRef),
        outputPortNames(entity),
      );
    }

    // Stored in the catalog form: the nested parts as JSON text, a few rows
    // in the catalog's filter table instead of ~70 per product (see
    // catalogForm.ts in data-mesh-common). Validation above and the kind's
    // schema check before this step saw the canonical entity; the catalog
    // does not validate what processors return.
    const stored: Entity = this.storeNestedAsJson
      ? toCatalogForm(entity)
      : entity;
    if (stored.metadata.annotations?.[ANNOTATION_SPEC_FORMAT]) {
      return stored;
    }
    // Spec files are annotated by their reader; an entity without the
    // annotation was written as a native entity.
    return {
      ...stored,
      metadata: {
        ...stored.metadata,
        annotations: {
          ...stored.metadata.annotations,
          [ANNOTATION_SPEC_FORMAT]: 'entity',
        },
      },
    };
  }

  private parseRef(
    value: unknown,
    defaultKind: string,
    defaultNamespace: string,
  ): CompoundEntityRef | undefined {
    if (typeof value !== 'string' || !value.trim()) {
      return undefined;
    }
    try {
      const ref = parseEntityRef(value.trim(), {
        defaultKind,
        defaultNamespace,
      });
      return { kind: ref.kind, namespace: ref.namespace, name: ref.name };
    } catch {
      return undefined;
    }
  }

  /**
   * The ports of this entity's upstream products, as this replica accepted
   * them lately or else from one catalog lookup shared with the entities
   * processed at the same time. An upstream that is not (yet) in the
   * catalog is no error: relations may point at entities that appear later,
   * and the next processing round checks again.
   */
  private async verifyUpstreamPorts(
    entity: DataProductEntityV1alpha1,
    upstream: UpstreamPort[],
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<void> {
    const checked = upstream.filter(u => u.outputPort);
    const refs = [...new Set(checked.map(u => stringifyEntityRef(u.ref)))];
    let byRef: Map<string, string[] | undefined>;
    try {
      byRef = await this.outputPorts!.portsOf(refs);
    } catch (error) {
      // A catalog hiccup must not turn a valid product into a failed one.
      this.logger.warn(
        `Could not look up upstream products of ${stringifyEntityRef(
          entity,
        )}: ${stringifyError(error)}`,
      );
      return;
    }

    for (const port of checked) {
      const ref = stringifyEntityRef(port.ref);
      const ports = byRef.get(ref);
      if (!ports) {
        continue;
      }
      if (!ports.includes(port.outputPort!)) {
        emit(
          processingResult.inputError(
            location,
            `spec.inputPorts[${
              port.index
            }].outputPort: ${ref} has no output port '${
              port.outputPort
            }' (its ports: ${ports.length ? ports.join(', ') : 'none'})`,
          ),
        );
      }
    }
  }
}

/**
 * The canonical entity of a DataProduct: what the spec readers handed over
 * (handOver.ts) is taken back; a native entity, or one that only claims to
 * be handed over, is checked as written, so the schema names what is wrong.
 */
function canonical(entity: Entity): Entity {
  try {
    return takeOver(entity);
  } catch {
    return entity;
  }
}
