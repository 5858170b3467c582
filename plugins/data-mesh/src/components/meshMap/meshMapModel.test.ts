import { lineageRanks, MESH_LAYOUT, layoutMesh } from './meshMapModel';
import { toMarketplaceItems } from '../marketplace/marketplaceModel';
import { joinFleet } from '../../fleet/joinFleet';
import {
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';

describe('lineageRanks', () => {
  it('puts a product one column after its deepest upstream', () => {
    const ranks = lineageRanks(
      ['a', 'b', 'c', 'd'],
      [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'a', to: 'c' },
      ],
    );
    expect(Object.fromEntries(ranks)).toEqual({ a: 0, b: 1, c: 2, d: 0 });
  });

  it('terminates on a cycle and still ranks every product', () => {
    const cycle = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'c', to: 'a' },
    ];
    const ranks = lineageRanks(['a', 'b', 'c'], cycle);
    expect([...ranks.values()].sort()).toEqual([0, 1, 2]);
    // one edge of the cycle is not followed: only it points backwards
    const backwards = cycle.filter(e => ranks.get(e.from)! >= ranks.get(e.to)!);
    expect(backwards).toHaveLength(1);
  });
});

describe('layoutMesh', () => {
  it('stacks domains as lanes and ends each edge at its products', () => {
    const { products } = joinFleet(
      [readmissionRisk, patientEncounters, patients],
      undefined,
    );
    const layout = layoutMesh(toMarketplaceItems(products, undefined));
    expect(layout.lanes.map(l => [l.domain, l.y])).toEqual([
      ['clinical-care', 0],
      ['patient-admin', expect.any(Number)],
      ['population-health', expect.any(Number)],
    ]);
    const [a, b] = [layout.lanes[0], layout.lanes[1]];
    expect(b.y).toBe(a.y + a.height + MESH_LAYOUT.laneGap);
    const master = layout.lanes[1].nodes[0];
    const edge = layout.edges.find(
      e => e.from === 'dataproduct:default/patients',
    )!;
    expect(
      edge.path.startsWith(
        `M ${master.x + MESH_LAYOUT.nodeWidth} ${
          master.y + MESH_LAYOUT.nodeHeight / 2
        }`,
      ),
    ).toBe(true);
    expect(layout.width).toBe(
      2 * MESH_LAYOUT.lanePadding +
        3 * MESH_LAYOUT.nodeWidth +
        2 * MESH_LAYOUT.columnGap,
    );
  });

  it('orders a column by where its upstream products are, so edges do not cross', () => {
    const product = (name: string, domain: string, upstream?: string) => ({
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: { name, namespace: 'default', title: name },
      spec: { type: 'aggregate', domain: `domain:default/${domain}` },
      relations: upstream
        ? [{ type: 'dependsOn', targetRef: `dataproduct:default/${upstream}` }]
        : [],
    });
    const { products } = joinFleet(
      [
        product('alpha-source', 'sources'),
        product('zeta-source', 'sources'),
        // by title aardvark would come first; its upstream is the lower one
        product('aardvark', 'uses', 'zeta-source'),
        product('bee', 'uses', 'alpha-source'),
      ],
      undefined,
    );
    const layout = layoutMesh(toMarketplaceItems(products, undefined));
    const rows = (domain: string) =>
      layout.lanes
        .find(l => l.domain === domain)!
        .nodes.sort((a, b) => a.y - b.y)
        .map(n => n.item.title);
    expect(rows('sources')).toEqual(['alpha-source', 'zeta-source']);
    expect(rows('uses')).toEqual(['bee', 'aardvark']);
  });
});
