/*
 * The Mesh map as pure functions: which products are drawn, the lineage
 * edges between them, and where each one goes. Domains are horizontal lanes;
 * a product's column is its lineage depth (longest path from a product with
 * no upstream in view), so data flows left to right across all lanes and the
 * same input always gives the same picture.
 */
import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
} from '@backstage/catalog-model';
import type { SloStatus } from '@datamesh/plugin-data-mesh-common';
import { fleetKey } from '../../fleet/joinFleet';
import {
  type MarketplaceItem,
  NO_STATUS_LABELS,
} from '../marketplace/marketplaceModel';
import { STATUS_LABELS } from '../slo/format';

/** A product's health as the map colours it: an SLO status, or why there is none. */
export type MeshHealth = SloStatus | 'no-slos' | 'unknown';

/** The health of a product; the label is the marketplace's (`healthLabel`). */
export function meshHealth(item: MarketplaceItem): MeshHealth {
  if (item.status) return item.status;
  return item.declaresSlos ? 'unknown' : 'no-slos';
}

/** Every health in the legend's order, worst first. */
export const MESH_HEALTHS: MeshHealth[] = [
  'breaching',
  'no-data',
  'ok',
  'no-slos',
  'unknown',
];

/** The label the marketplace shows for the same health. */
export function meshHealthLabel(health: MeshHealth): string {
  return health === 'no-slos' || health === 'unknown'
    ? NO_STATUS_LABELS[health]
    : STATUS_LABELS[health];
}

/** Domain label of products that name none. */
export const NO_DOMAIN = '(no domain)';

/** The lane a product is drawn in. */
export function domainOf(item: MarketplaceItem): string {
  return item.facets.domain || NO_DOMAIN;
}

/** Upstream → downstream, by lower-case entity ref. */
export interface MeshEdge {
  from: string;
  to: string;
}

/**
 * Lineage between the given products: the catalog's `dependsOn` /
 * `dependencyOf` relations (the ones the Lineage card draws, derived by the
 * catalog module from the input ports), from upstream to downstream, once
 * per pair. Relations to products not among `items` are left out.
 */
export function lineageEdges(items: MarketplaceItem[]): MeshEdge[] {
  const known = new Set(items.map(i => i.key));
  const edges = new Map<string, MeshEdge>();
  const add = (from: string, to: string) => {
    if (from !== to && known.has(from) && known.has(to)) {
      edges.set(`${from} ${to}`, { from, to });
    }
  };
  for (const item of items) {
    for (const r of item.entity.relations ?? []) {
      const other = fleetKey(r.targetRef);
      if (r.type === RELATION_DEPENDS_ON) add(other, item.key);
      else if (r.type === RELATION_DEPENDENCY_OF) add(item.key, other);
    }
  }
  return [...edges.values()].sort(
    (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
}

/**
 * Lineage depth per product: 0 without upstream, else one more than its
 * deepest upstream. An edge closing a cycle (lineage should have none, but
 * the catalog does not forbid it) is not followed.
 */
export function lineageRanks(
  keys: string[],
  edges: MeshEdge[],
): Map<string, number> {
  const upstream = new Map<string, string[]>(keys.map(k => [k, []]));
  for (const e of edges) upstream.get(e.to)?.push(e.from);
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (key: string): number => {
    const known = rank.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return -1; // a cycle: this edge adds no depth
    visiting.add(key);
    let r = 0;
    for (const up of upstream.get(key) ?? []) r = Math.max(r, visit(up) + 1);
    visiting.delete(key);
    rank.set(key, r);
    return r;
  };
  // iterative over roots, recursive over depth: lineage chains are short
  for (const key of keys) visit(key);
  return rank;
}

/** Sizes of the drawing, in px at zoom 1. */
export const MESH_LAYOUT = {
  nodeWidth: 200,
  nodeHeight: 48,
  columnGap: 72,
  rowGap: 12,
  lanePadding: 16,
  laneHeader: 28,
  laneGap: 16,
};

export interface PlacedNode {
  item: MarketplaceItem;
  health: MeshHealth;
  x: number;
  y: number;
}

export interface PlacedLane {
  domain: string;
  /** The domain's entity ref, when the products name one. */
  domainRef?: string;
  y: number;
  height: number;
  nodes: PlacedNode[];
}

export interface MeshLayout {
  lanes: PlacedLane[];
  edges: Array<MeshEdge & { path: string }>;
  width: number;
  height: number;
}

const byTitle = (a: MarketplaceItem, b: MarketplaceItem) =>
  a.title.localeCompare(b.title) || a.ref.localeCompare(b.ref);

// Infinity (no upstream placed) last; Infinity - Infinity would be NaN
const compareAt = (a: number, b: number) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/** Domains in name order, products without a domain last. */
function compareDomains(a: string, b: string) {
  if (a === NO_DOMAIN || b === NO_DOMAIN) {
    return Number(a === NO_DOMAIN) - Number(b === NO_DOMAIN);
  }
  return a.localeCompare(b);
}

/**
 * Where every product, lane and edge goes. Within a lane's column, products
 * are ordered by the mean height of their upstream products (then by
 * title), columns left to right, so edges cross less.
 */
export function layoutMesh(items: MarketplaceItem[]): MeshLayout {
  const L = MESH_LAYOUT;
  const edges = lineageEdges(items);
  const ranks = lineageRanks(
    items.map(i => i.key),
    edges,
  );
  const upstream = new Map<string, string[]>();
  for (const e of edges) {
    const list = upstream.get(e.to);
    if (list) list.push(e.from);
    else upstream.set(e.to, [e.from]);
  }
  const rankOf = (item: MarketplaceItem) => ranks.get(item.key) ?? 0;
  const maxRank = Math.max(0, ...ranks.values());
  const width =
    2 * L.lanePadding + (maxRank + 1) * L.nodeWidth + maxRank * L.columnGap;

  // lanes first: a lane's height depends only on its products per column
  const byDomain = new Map<string, MarketplaceItem[]>();
  for (const item of items) {
    const d = domainOf(item);
    const list = byDomain.get(d);
    if (list) list.push(item);
    else byDomain.set(d, [item]);
  }
  const lanes: PlacedLane[] = [];
  let y = 0;
  for (const domain of [...byDomain.keys()].sort(compareDomains)) {
    const members = byDomain.get(domain)!;
    const perRank = new Map<number, number>();
    for (const m of members) {
      perRank.set(rankOf(m), (perRank.get(rankOf(m)) ?? 0) + 1);
    }
    const rowCount = Math.max(1, ...perRank.values());
    const height =
      L.laneHeader +
      rowCount * L.nodeHeight +
      (rowCount - 1) * L.rowGap +
      L.lanePadding;
    lanes.push({
      domain,
      domainRef: members.find(m => m.entity.spec?.domain)?.entity.spec.domain,
      y,
      height,
      nodes: [],
    });
    y += height + L.laneGap;
  }

  // then the columns, left to right: upstream products are placed already
  const position = new Map<string, PlacedNode>();
  const meanUpstreamY = (item: MarketplaceItem) => {
    const ys = (upstream.get(item.key) ?? [])
      .map(k => position.get(k)?.y)
      .filter((v): v is number => v !== undefined);
    return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity;
  };
  for (let rank = 0; rank <= maxRank; rank++) {
    for (const lane of lanes) {
      const column = byDomain
        .get(lane.domain)!
        .filter(m => rankOf(m) === rank)
        .map(item => ({ item, at: meanUpstreamY(item) }))
        .sort((a, b) => compareAt(a.at, b.at) || byTitle(a.item, b.item));
      column.forEach(({ item }, row) => {
        const node: PlacedNode = {
          item,
          health: meshHealth(item),
          x: L.lanePadding + rank * (L.nodeWidth + L.columnGap),
          y: lane.y + L.laneHeader + row * (L.nodeHeight + L.rowGap),
        };
        position.set(item.key, node);
        lane.nodes.push(node);
      });
    }
  }

  return {
    lanes,
    edges: edges.map(e => {
      const a = position.get(e.from)!;
      const b = position.get(e.to)!;
      return { ...e, path: edgePath(a, b) };
    }),
    width,
    height: Math.max(0, y - L.laneGap),
  };
}

/** A curve from the right side of the upstream box to the left side of the downstream one. */
function edgePath(a: { x: number; y: number }, b: { x: number; y: number }) {
  const { nodeWidth, nodeHeight } = MESH_LAYOUT;
  const x1 = a.x + nodeWidth;
  const y1 = a.y + nodeHeight / 2;
  const x2 = b.x;
  const y2 = b.y + nodeHeight / 2;
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  return `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
}

/**
 * Products of the picked domains (all when none is picked), and how many
 * lineage edges lead from them to products left out.
 */
export function selectDomains(
  items: MarketplaceItem[],
  domains: string[],
): { items: MarketplaceItem[]; hiddenEdges: number } {
  if (domains.length === 0) return { items, hiddenEdges: 0 };
  const picked = new Set(domains);
  const shown = items.filter(i => picked.has(domainOf(i)));
  const inView = new Set(shown.map(i => i.key));
  const hiddenEdges = lineageEdges(items).filter(
    e => inView.has(e.from) !== inView.has(e.to),
  ).length;
  return { items: shown, hiddenEdges };
}

/** Every domain with its number of products, in lane order. */
export function domainCounts(
  items: MarketplaceItem[],
): { domain: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const d = domainOf(item);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => compareDomains(a, b))
    .map(([domain, count]) => ({ domain, count }));
}
