/*
 * Diagnostic for issue 7 item 10 (`--sets products-lean`): what the catalog
 * would cost if a DataProduct's columns, SLOs, data-sharing agreement and
 * infrastructure lived in a store outside the catalog and the entity kept
 * only what the catalog filters and draws the graph by.
 *
 * The products are read, checked, governed and published exactly as in the
 * `products` set (the spec files are the same and a store would be filled
 * from the same reading); this processor runs after every processor of the
 * module and cuts the entity down before the catalog stores it: the
 * scalars, the dataset names, the output ports' names with their type and
 * dataset, the input ports (the lineage) and the metadata with the
 * governance results stay. Writing the cut parts to a store is not
 * measured, so the set shows the most that moving them out could save.
 * Never part of the module: the bench registers it only for this set.
 */
import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import { isDataProductEntity } from '@datamesh/plugin-data-mesh-common';

type NamedPart = { name?: unknown; json?: unknown };

/** `{ name, json }` of the catalog form, the JSON narrowed to `keep`. */
function narrow(list: unknown, keep: string[]): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item: NamedPart) => {
    if (!item || typeof item !== 'object' || typeof item.json !== 'string') {
      return item;
    }
    const parsed = JSON.parse(item.json) as Record<string, unknown>;
    return {
      name: item.name,
      json: JSON.stringify(
        Object.fromEntries(keep.map(k => [k, parsed[k]]).filter(([, v]) => v)),
      ),
    };
  });
}

export class LeanDataProductProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'BenchLeanDataProductProcessor';
  }

  /** After the module's processors (default priority 20). */
  getPriority(): number {
    return 1000;
  }

  async postProcessEntity(entity: Entity): Promise<Entity> {
    if (!isDataProductEntity(entity)) return entity;
    const {
      slos: _slos,
      dataSharingAgreement: _agreement,
      infrastructure: _infrastructure,
      datasets,
      outputPorts,
      ...kept
    } = entity.spec as Record<string, unknown>;
    return {
      ...entity,
      spec: {
        ...kept,
        datasets: narrow(datasets, []),
        outputPorts: narrow(outputPorts, ['type', 'dataset']),
      },
    } as Entity;
  }
}
