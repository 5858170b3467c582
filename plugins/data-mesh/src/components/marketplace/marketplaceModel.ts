/*
 * The Data products page ("marketplace") as pure functions: what a product
 * is found by, its facet values (data quality among them: where its
 * checks stand), the filter state as URL parameters, and the orders (name,
 * health, last update, most read: by the consumers holding access). The
 * page and its tests share them, so what the URL says is what the list
 * shows.
 */
import {
  DEFAULT_NAMESPACE,
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  type DataProductEntityV1alpha1,
  type QualityProductItem,
  fromCatalogForm,
  holdsPersonalData,
  qualityCheckRunner,
  qualityChecksOfDatasets,
} from '@datamesh/plugin-data-mesh-common';
import type { DataProductHealth } from '../../fleet/joinFleet';
import { dataProductTypeLabel } from '../common';
import { STATUS_LABELS } from '../slo/format';

/** What the column index knows of one product: its datasets and columns. */
export interface ProductContents {
  /** Dataset names and titles, column names and descriptions, lower-cased. */
  text: string;
  /** A column is marked as personal data. */
  pii: boolean;
  /** Data-quality checks the portal measures (not `sql`, `custom`, `text`). */
  qualityChecks: number;
}

/** Column index by lower-case entity ref. */
export type ContentsIndex = ReadonlyMap<string, ProductContents>;

/** When each product's spec last changed (epoch ms), by lower-case entity ref. */
export type LastUpdateIndex = ReadonlyMap<string, number>;

/** Who reads a product now: teams and data products holding a grant. */
export interface Readers {
  teams: number;
  products: number;
}

/** Readers by lower-case entity ref; a product nobody reads is not in it. */
export type ReadersIndex = ReadonlyMap<string, Readers>;

/** Where products' checks stand, by lower-case entity ref; a product without results is not in it. */
export type QualityIndex = ReadonlyMap<string, QualityProductItem>;

/** One product of the marketplace. */
export interface MarketplaceItem extends DataProductHealth {
  entity: DataProductEntityV1alpha1;
  ref: string;
  title: string;
  description: string;
  tags: string[];
  facets: Record<FacetId, string>;
  /** Name, title, description and tags, lower-cased. */
  text: string;
  /** When its spec last changed (epoch ms); unknown before the Changes timeline has it. */
  updatedAt?: number;
  /** Who reads it now; unknown until the access registry answered (then 0 when nobody does). */
  readers?: Readers;
  /** Where its data-quality checks stand, when they have results. */
  quality?: QualityProductItem;
}

/** Teams and products that read it: the order of "Most read". */
export const readerCount = (readers: Readers | undefined) =>
  readers ? readers.teams + readers.products : 0;

export const FACETS = [
  { id: 'domain', label: 'Domain' },
  { id: 'type', label: 'Type' },
  { id: 'owner', label: 'Owner' },
  { id: 'certified', label: 'Certified' },
  { id: 'lifecycle', label: 'Lifecycle' },
  { id: 'health', label: 'Health' },
  { id: 'quality', label: 'Data quality' },
  { id: 'pii', label: 'Contains personal data' },
] as const;

export type FacetId = (typeof FACETS)[number]['id'];

export const SORTS = [
  { id: 'name', label: 'Name' },
  { id: 'health', label: 'Health (worst first)' },
  { id: 'updated', label: 'Last update (newest first)' },
  { id: 'readers', label: 'Most read' },
] as const;
export type SortId = (typeof SORTS)[number]['id'];

export type ViewId = 'table' | 'cards';

/** The page's state; every part of it lives in the URL. */
export interface MarketplaceState {
  query: string;
  filters: Partial<Record<FacetId, string[]>>;
  sort: SortId;
  view: ViewId;
}

/** Health labels of products without an SLO status. */
export const NO_STATUS_LABELS = {
  /** It declares no objectives. */
  'no-slos': 'No SLOs',
  /** It declares objectives, but the fleet is not known (loading or failed). */
  unknown: 'Unknown',
} as const;

// Health values in their worst-first order; the facet lists them so.
const HEALTH_VALUES = [
  STATUS_LABELS.breaching,
  STATUS_LABELS['no-data'],
  STATUS_LABELS.ok,
  NO_STATUS_LABELS['no-slos'],
  NO_STATUS_LABELS.unknown,
];

/** Data-quality labels, in their worst-first order. */
export const QUALITY_LABELS = {
  /** A blocking check fails or could not be measured. */
  failing: 'Failing checks',
  /** Only warnings fail. */
  warnings: 'Warnings only',
  /** It declares checks that have no result yet. */
  pending: 'Not measured yet',
  passing: 'Passing',
  none: 'No checks',
} as const;
const QUALITY_VALUES: string[] = Object.values(QUALITY_LABELS);

/**
 * Where a product's checks stand: by their latest results, else whether it
 * declares any (unknown, '', until the column index has loaded).
 */
export function qualityLabel(
  quality: QualityProductItem | undefined,
  contents: ProductContents | undefined,
): string {
  if (quality) {
    if (quality.failing.length) return QUALITY_LABELS.failing;
    return quality.warnings.length
      ? QUALITY_LABELS.warnings
      : QUALITY_LABELS.passing;
  }
  if (!contents) return '';
  return contents.qualityChecks ? QUALITY_LABELS.pending : QUALITY_LABELS.none;
}

/** `domain:default/clinical` → `clinical`; other namespaces stay visible. */
export function shortRef(ref: string | undefined, defaultKind: string): string {
  if (!ref) return '';
  try {
    const { namespace, name } = parseEntityRef(ref, { defaultKind });
    return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

const PII_LABELS: Record<string, string> = { true: 'Yes', false: 'No' };

/** The health label of a product: its worst SLO, "No SLOs", or "Unknown" while the fleet is not known. */
export function healthLabel(p: DataProductHealth): string {
  if (p.status) return STATUS_LABELS[p.status];
  return p.declaresSlos
    ? NO_STATUS_LABELS.unknown
    : NO_STATUS_LABELS['no-slos'];
}

/** Products as the catalog serves them, joined with the fleet, as marketplace items. */
export function toMarketplaceItems(
  products: DataProductHealth[],
  contents: ContentsIndex | undefined,
  updates?: LastUpdateIndex,
  readers?: ReadersIndex,
  quality?: QualityIndex,
): MarketplaceItem[] {
  return products.map(p => {
    const entity = fromCatalogForm(p.entity) as DataProductEntityV1alpha1;
    const ref = stringifyEntityRef(entity);
    const { metadata, spec } = entity;
    const owner =
      entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
      spec?.owner;
    const pii = contents?.get(p.key)?.pii;
    const tags = metadata.tags ?? [];
    const updatedAt = updates?.get(p.key);
    const checks = quality?.get(p.key);
    return {
      ...p,
      entity,
      ref,
      title: metadata.title ?? metadata.name,
      description: metadata.description ?? '',
      tags,
      facets: {
        domain: shortRef(spec?.domain, 'domain'),
        type: dataProductTypeLabel(spec?.type),
        owner: shortRef(owner, 'group'),
        certified: spec?.certified ? 'Certified' : 'Not certified',
        lifecycle: spec?.lifecycle ?? '',
        health: healthLabel(p),
        // unknown until the quality summaries or the column index loaded
        quality: quality ? qualityLabel(checks, contents?.get(p.key)) : '',
        // unknown until the column index has loaded
        pii: PII_LABELS[String(pii)] ?? '',
      },
      text: [metadata.name, metadata.title, metadata.description, ...tags]
        .filter(Boolean)
        .join('\n')
        .toLocaleLowerCase('en-US'),
      ...(updatedAt !== undefined ? { updatedAt } : {}),
      ...(readers
        ? { readers: readers.get(p.key) ?? { teams: 0, products: 0 } }
        : {}),
      ...(checks ? { quality: checks } : {}),
    };
  });
}

/** The column index entry of one product as the catalog serves it (`spec.datasets` only is enough). */
export function productContents(entity: Entity): ProductContents {
  const { spec } = fromCatalogForm(entity) as DataProductEntityV1alpha1;
  const parts: string[] = [];
  const datasets = spec?.datasets ?? [];
  for (const dataset of datasets) {
    parts.push(dataset.name, dataset.title ?? '', dataset.description ?? '');
    for (const column of dataset.columns ?? []) {
      parts.push(column.name, column.description ?? '');
    }
  }
  return {
    text: parts.filter(Boolean).join('\n').toLocaleLowerCase('en-US'),
    pii: holdsPersonalData({ spec }),
    // checks that get results: the portal's, and sql checks the pipeline reports
    qualityChecks: qualityChecksOfDatasets(datasets).filter(
      c => qualityCheckRunner(c.check) !== undefined,
    ).length,
  };
}

/**
 * Every word of the query must occur in the product's name, title,
 * description, tags, or (once the index is there) its datasets and columns.
 */
export function matchesQuery(
  item: MarketplaceItem,
  query: string,
  contents: ContentsIndex | undefined,
): boolean {
  const words = query.toLocaleLowerCase('en-US').split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const more = contents?.get(item.key)?.text ?? '';
  return words.every(w => item.text.includes(w) || more.includes(w));
}

function matchesFilters(
  item: MarketplaceItem,
  filters: MarketplaceState['filters'],
): boolean {
  return FACETS.every(({ id }) => {
    const wanted = filters[id];
    return !wanted?.length || wanted.includes(item.facets[id]);
  });
}

function healthRank(item: MarketplaceItem): number {
  const i = HEALTH_VALUES.indexOf(item.facets.health);
  return i < 0 ? HEALTH_VALUES.length : i;
}

const byTitle = (a: MarketplaceItem, b: MarketplaceItem) =>
  a.title.localeCompare(b.title) || a.ref.localeCompare(b.ref);

/** The items the state selects, in its order. */
export function selectItems(
  items: MarketplaceItem[],
  state: MarketplaceState,
  contents: ContentsIndex | undefined,
): MarketplaceItem[] {
  const selected = items.filter(
    item =>
      matchesFilters(item, state.filters) &&
      matchesQuery(item, state.query, contents),
  );
  if (state.sort === 'health') {
    return selected.sort((a, b) => {
      const byRank = healthRank(a) - healthRank(b);
      if (byRank !== 0) return byRank;
      const ba = a.slo?.minErrorBudget ?? Number.POSITIVE_INFINITY;
      const bb = b.slo?.minErrorBudget ?? Number.POSITIVE_INFINITY;
      if (ba !== bb) return ba < bb ? -1 : 1;
      return byTitle(a, b);
    });
  }
  if (state.sort === 'readers') {
    // the most teams and products reading it first
    return selected.sort(
      (a, b) =>
        readerCount(b.readers) - readerCount(a.readers) || byTitle(a, b),
    );
  }
  if (state.sort === 'updated') {
    // newest first; products without a known update last, by title
    return selected.sort(
      (a, b) =>
        (b.updatedAt ?? -Infinity) - (a.updatedAt ?? -Infinity) ||
        byTitle(a, b),
    );
  }
  return selected.sort(byTitle);
}

// facets whose values are listed worst first rather than by name
const FACET_ORDERS: Partial<Record<FacetId, string[]>> = {
  health: HEALTH_VALUES,
  quality: QUALITY_VALUES,
};

/**
 * Each facet's values with how many products would show if it were picked:
 * counted over the items the query and the *other* facets select, so picking
 * a value never shows an empty list. Values picked stay listed.
 */
export function facetCounts(
  items: MarketplaceItem[],
  state: MarketplaceState,
  contents: ContentsIndex | undefined,
): Record<FacetId, { value: string; count: number }[]> {
  const matching = items.filter(i => matchesQuery(i, state.query, contents));
  const out = {} as Record<FacetId, { value: string; count: number }[]>;
  for (const { id } of FACETS) {
    const others = { ...state.filters, [id]: undefined };
    const counts = new Map<string, number>();
    for (const value of state.filters[id] ?? []) counts.set(value, 0);
    for (const item of matching) {
      const value = item.facets[id];
      if (value && matchesFilters(item, others)) {
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    const worstFirst = FACET_ORDERS[id];
    const order = worstFirst ? (v: string) => worstFirst.indexOf(v) : () => 0;
    out[id] = [...counts.entries()]
      .map(([value, count]) => ({ value, count }))
      .sort(
        (a, b) =>
          order(a.value) - order(b.value) || a.value.localeCompare(b.value),
      );
  }
  return out;
}

/** The state written in URL parameters (`?q=…&domain=a&domain=b&sort=health&view=cards`). */
export function stateFromParams(params: URLSearchParams): MarketplaceState {
  const filters: MarketplaceState['filters'] = {};
  for (const { id } of FACETS) {
    const values = params.getAll(id).filter(Boolean);
    if (values.length) filters[id] = values;
  }
  const sort = params.get('sort');
  return {
    query: params.get('q') ?? '',
    filters,
    sort: SORTS.some(s => s.id === sort) ? (sort as SortId) : 'name',
    view: params.get('view') === 'cards' ? 'cards' : 'table',
  };
}

/** The URL parameters of a state; defaults are left out so plain links stay plain. */
export function stateToParams(state: MarketplaceState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.query) params.set('q', state.query);
  for (const { id } of FACETS) {
    for (const value of state.filters[id] ?? []) params.append(id, value);
  }
  if (state.sort !== 'name') params.set('sort', state.sort);
  if (state.view !== 'table') params.set('view', state.view);
  return params;
}
