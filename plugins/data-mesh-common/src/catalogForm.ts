/*
 * The catalog form of a DataProduct: how the catalog module stores the
 * canonical entity, and the one way back for every reader of catalog
 * entities (`fromCatalogForm`).
 *
 * Why a second form at all: the catalog writes one row into its filter table
 * (`search`) for every distinct leaf value of a stored entity, and on SQLite
 * rewrites all of an entity's rows on every stitch. A product's columns,
 * ports, SLOs and agreement were ~70 of its ~95 rows against ~22 for a whole
 * Component, and nobody filters the catalog by an SLO's window or a column's
 * description. So the catalog module keeps the scalars people filter on
 * (type, lifecycle, owner, domain, certified; metadata as it is) and the names
 * of datasets and output ports, and stores every other nested part as JSON
 * text, which the catalog indexes as a single row (a null-valued one beyond
 * 200 characters). Each part keeps its key, so field selections such as
 * `fields: ['spec.slos']` fetch the same part in either form.
 * Columns are found from the search bar through the DataProduct search
 * collator instead (@datamesh/plugin-search-backend-module-data-mesh).
 */
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { DATA_PRODUCT_KIND, type DataProductEntityV1alpha1 } from './model';

/**
 * An element of a list kept filterable by name (`spec.datasets.name`,
 * `spec.outputPorts.name`): the name, and the rest of the element as JSON.
 * @public
 */
export type CatalogFormNamedPart = {
  name: string;
  /** `JSON.stringify` of the canonical element without its `name`. */
  json: string;
};

/** A DataProduct entity as the catalog stores it. @public */
export type CatalogFormDataProductEntity = Omit<
  DataProductEntityV1alpha1,
  'spec'
> & {
  spec: Pick<
    DataProductEntityV1alpha1['spec'],
    'type' | 'lifecycle' | 'owner' | 'domain' | 'certified'
  > & {
    datasets?: CatalogFormNamedPart[];
    outputPorts?: CatalogFormNamedPart[];
    /** `JSON.stringify` of the canonical part, as each one below. */
    inputPorts?: string;
    slos?: string;
    dataSharingAgreement?: string;
    infrastructure?: string;
  };
};

/** Lists whose element names stay filterable; the rest of each element is JSON. */
const NAMED_LISTS = ['datasets', 'outputPorts'] as const;
/** Parts stored whole as one JSON text, and the JSON type each must parse to. */
const TEXT_PARTS = {
  inputPorts: 'array',
  slos: 'array',
  dataSharingAgreement: 'object',
  infrastructure: 'object',
} as const;

/**
 * The catalog form of a canonical entity; the catalog module is its only
 * writer, after the kind's schema and the identifier rules have checked the
 * canonical entity. Parts the entity does not have stay absent.
 * @public
 */
export function toCatalogForm(
  entity: DataProductEntityV1alpha1,
): CatalogFormDataProductEntity {
  const spec: Record<string, unknown> = { ...entity.spec };
  for (const key of NAMED_LISTS) {
    const list = entity.spec[key];
    if (list) {
      spec[key] = list.map(({ name, ...rest }) => ({
        name,
        json: JSON.stringify(rest),
      }));
    }
  }
  for (const key of Object.keys(TEXT_PARTS) as (keyof typeof TEXT_PARTS)[]) {
    if (entity.spec[key] !== undefined) {
      spec[key] = JSON.stringify(entity.spec[key]);
    }
  }
  return { ...entity, spec } as CatalogFormDataProductEntity;
}

/**
 * The canonical entity of a DataProduct as the catalog serves it. Every
 * reader of DataProducts from the catalog goes through this. A canonical
 * entity (spec files, CLI, scaffolder) comes back equal, and so do entities
 * of other kinds. Works on field selections: only the parts present are
 * converted.
 *
 * Throws, naming the entity and the part, when a stored part is not the JSON
 * the catalog module writes: only an edit of the catalog's database can do
 * that, and reading such a part as "none" would make the SLO engine drop the
 * product's monitors without a word.
 * @public
 */
export function fromCatalogForm(
  entity: DataProductEntityV1alpha1 | CatalogFormDataProductEntity,
): DataProductEntityV1alpha1;
/** @public */
export function fromCatalogForm<T extends Entity>(entity: T): T;
export function fromCatalogForm(entity: Entity): Entity {
  const stored = entity.spec as Record<string, unknown> | undefined;
  if (
    !stored ||
    entity.kind?.toLocaleLowerCase('en-US') !==
      DATA_PRODUCT_KIND.toLocaleLowerCase('en-US')
  ) {
    return entity;
  }
  let spec: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown) => {
    spec ??= { ...stored };
    spec[key] = value;
  };
  for (const key of NAMED_LISTS) {
    const list = stored[key];
    if (Array.isArray(list) && list.some(isNamedPart)) {
      set(
        key,
        list.map((item, i) =>
          isNamedPart(item)
            ? {
                name: item.name,
                ...(parsePart(
                  entity,
                  `spec.${key}[${i}].json`,
                  item.json,
                  'object',
                ) as object),
              }
            : item,
        ),
      );
    }
  }
  for (const [key, type] of Object.entries(TEXT_PARTS)) {
    const text = stored[key];
    if (typeof text === 'string') {
      set(key, parsePart(entity, `spec.${key}`, text, type));
    }
  }
  return spec ? { ...entity, spec: spec as JsonObject } : entity;
}

function isNamedPart(value: unknown): value is CatalogFormNamedPart {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CatalogFormNamedPart).json === 'string'
  );
}

function parsePart(
  entity: Entity,
  path: string,
  text: string,
  type: 'array' | 'object',
): unknown {
  let value: unknown;
  let problem: string | undefined;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problem = (error as Error).message;
  }
  const isArray = Array.isArray(value);
  if (
    !problem &&
    (typeof value !== 'object' ||
      value === null ||
      isArray !== (type === 'array'))
  ) {
    problem = `expected a JSON ${type}`;
  }
  if (problem) {
    const ref = `${entity.kind}:${entity.metadata?.namespace ?? 'default'}/${
      entity.metadata?.name
    }`;
    throw new Error(
      `${ref}: ${path} is not the catalog form the data-mesh catalog module writes (${problem})`,
    );
  }
  return value;
}
