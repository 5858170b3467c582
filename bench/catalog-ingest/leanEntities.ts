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
import {
  fromCatalogForm,
  isDataProductEntity,
  toCatalogForm,
} from '@datamesh/plugin-data-mesh-common';

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
    // through the catalog form's own way back and forth, so the lean
    // entity is stored exactly as the module would store one
    const canonical = fromCatalogForm(entity);
    const {
      slos: _slos,
      dataSharingAgreement: _agreement,
      infrastructure: _infrastructure,
      datasets,
      outputPorts,
      ...kept
    } = canonical.spec;
    return toCatalogForm({
      ...canonical,
      spec: {
        ...kept,
        datasets: datasets?.map(({ name }) => ({ name, columns: [] })),
        outputPorts: outputPorts?.map(({ name, type, dataset }) => ({
          name,
          type,
          dataset,
        })),
      },
    });
  }
}
