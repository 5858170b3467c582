import { screen } from '@testing-library/react';
import type {
  LeftoverSeenItem,
  UnexplainedGrantItem,
} from '@datamesh/plugin-data-mesh-common';
import { NeedsYouCard } from './NeedsYouCard';
import { component } from '../../__testUtils__/fixtures';
import { ANALYST, OWNER, renderAccess } from '../../__testUtils__/accessRender';
import { accessRequest } from '../../__testUtils__/fakeAccessBackend';
import { errorResponse, fleetByOwner } from '../../__testUtils__/fakeBackend';
import { fleetItems } from '../../__testUtils__/sloFixtures';
import {
  missingOwner,
  specProblemsResponse,
} from '../../__testUtils__/specProblemFixtures';

const DAY = 86_400_000;

// ann's team reads patient-encounters (breaching in the fleet) until in 5 days
const teamReads = accessRequest({
  id: '0000000000000a01',
  state: 'active',
  expiresAt: new Date(Date.now() + 5.5 * DAY).toISOString(),
});
// waits for patient-encounters' owners (olga's team)
const waiting = accessRequest({ id: '0000000000000a02' });

function render(
  who: { user: string; groups: string[] },
  options: {
    requests?: ReturnType<typeof accessRequest>[];
    specProblems?: Parameters<typeof specProblemsResponse>[0];
    fleet?: typeof fleetItems;
    failSpecProblems?: boolean;
    handMade?: UnexplainedGrantItem[];
    leftBehind?: LeftoverSeenItem[];
    failingQuality?: string[];
    /** Products' checks as they stand: [product, blocking failing, warnings failing]. */
    productsQuality?: [string, number, number][];
  } = {},
) {
  return renderAccess({
    entity: component,
    element: <NeedsYouCard />,
    requests: options.requests ?? [],
    routes: {
      '/slos': fleetByOwner(options.fleet ?? fleetItems),
      '/spec-problems': options.failSpecProblems
        ? () => errorResponse(500, 'Error', 'catalog down')
        : specProblemsResponse(options.specProblems ?? []),
      '/infrastructure/unexplained-grants': {
        watching: true,
        items: options.handMade ?? [],
      },
      '/infrastructure/leftovers/seen': {
        watching: true,
        items: options.leftBehind ?? [],
      },
      '/quality/failing': {
        items: (options.failingQuality ?? []).map(product => ({
          product,
          checks: ['encounters.encounter_id:unique'],
          checkedAt: '2026-03-01T06:00:00.000Z',
        })),
      },
      '/quality/products': {
        items: (options.productsQuality ?? []).map(
          ([product, failing, warnings]) => ({
            product,
            checks: 3,
            failing: Array.from({ length: failing }, (_, i) => `f${i}`),
            warnings: Array.from({ length: warnings }, (_, i) => `w${i}`),
            checkedAt: '2026-03-01T06:00:00.000Z',
          }),
        ),
      },
    },
    ...who,
  });
}

const line = (id: string) => screen.findByTestId(`needs-you-${id}`);

/** A grant made by hand the backend's watch found on `product`. */
const handMade = (product: string, member: string): UnexplainedGrantItem => ({
  product: `dataproduct:default/${product}`,
  role: `${product.replace(/-/g, '_')}_consumer`,
  member,
  personalData: false,
  firstSeenAt: '2026-03-01T10:00:00.000Z',
});

describe('NeedsYouCard (home page)', () => {
  it("tells an owner of the decisions waiting and their teams' breaching products, linked", async () => {
    render(OWNER, { requests: [waiting, teamReads] });
    const decide = await line('decide');
    expect(decide).toHaveTextContent(
      '1 access request waits for your decision',
    );
    expect(decide.querySelector('a')).toHaveAttribute(
      'href',
      '/data-products/mine',
    );
    // patient-encounters is the clinical data team's and breaches
    expect(await line('breaching-owned')).toHaveTextContent(
      "1 of your teams' products breaches an SLO",
    );
    expect(screen.queryByTestId('needs-you-breaching-read')).toBeNull();
    expect(screen.queryByTestId('needs-you-ending')).toBeNull();
  });

  it('tells a consumer that what they read breaches and that a grant ends soon', async () => {
    render(ANALYST, {
      requests: [teamReads],
      specProblems: [missingOwner],
    });
    expect(await line('breaching-read')).toHaveTextContent(
      '1 product you read breaches an SLO: what you read may be late',
    );
    const ending = await line('ending');
    expect(ending).toHaveTextContent(
      "1 of your teams' grants ends within 14 days: extend them",
    );
    expect(ending.querySelector('a')).toHaveAttribute(
      'href',
      '/data-products/my-access',
    );
    expect(await line('spec-problems')).toHaveTextContent(
      "1 of your teams' spec files cannot be read by the catalog",
    );
    expect(screen.queryByTestId('needs-you-decide')).toBeNull();
  });

  it("tells an owner of grants made by hand on their teams' products, linked to the product's Access tab", async () => {
    render(OWNER, {
      handMade: [
        handMade('patient-encounters', 'team_finance'),
        handMade('patient-encounters', 'old_etl'),
        // another team's product: theirs to hear of
        handMade('readmission-risk', 'team_finance'),
      ],
    });
    const grants = await line('hand-made-grants');
    expect(grants).toHaveTextContent(
      "2 grants made by hand read your teams' products outside any access request: record or revoke them",
    );
    expect(grants.querySelector('a')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters/access',
    );
  });

  it('links grants made by hand on several products to the Drift page', async () => {
    render(
      { ...OWNER, groups: [...OWNER.groups, 'group:default/ehr-team'] },
      {
        handMade: [
          handMade('patient-encounters', 'team_finance'),
          handMade('patients', 'team_finance'),
        ],
      },
    );
    const grants = await line('hand-made-grants');
    expect(grants).toHaveTextContent('2 grants made by hand read');
    expect(grants.querySelector('a')).toHaveAttribute(
      'href',
      '/data-products/drift',
    );
  });

  it('counts the products whose leftovers they may drop, as the watch last saw them, linked to the Drift page', async () => {
    const seen = (product: string, name: string): LeftoverSeenItem => ({
      product: `dataproduct:default/${product}`,
      productInCatalog: false,
      kind: 'schema',
      name,
      firstSeenAt: '2026-03-01T10:00:00.000Z',
    });
    render(OWNER, {
      leftBehind: [
        seen('wards', '"care_dev"."wards_raw"'),
        seen('wards', '"care_dev"."wards_output"'),
        { ...seen('visits', '"visits_consumer"'), kind: 'role' },
      ],
    });
    const left = await line('left-behind');
    expect(left).toHaveTextContent(
      '2 products left schemas or roles behind in the warehouse: drop or keep them',
    );
    expect(left.querySelector('a')).toHaveAttribute(
      'href',
      '/data-products/drift',
    );
  });

  it("counts their teams' products failing data-quality checks, linked to the product or to My products", async () => {
    render(OWNER, {
      failingQuality: ['dataproduct:default/patient-encounters'],
    });
    const one = await line('quality-failing');
    expect(one).toHaveTextContent(
      "1 of your teams' products fails data-quality checks",
    );
    expect(one.querySelector('a')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
  });

  it('links several products failing data-quality checks to My products', async () => {
    render(OWNER, {
      failingQuality: [
        'dataproduct:default/patient-encounters',
        'dataproduct:default/patients',
      ],
    });
    const several = await line('quality-failing');
    expect(several).toHaveTextContent(
      "2 of your teams' products fail data-quality checks",
    );
    expect(several.querySelector('a')).toHaveAttribute(
      'href',
      '/data-products/mine',
    );
  });

  it('tells a consumer that a product they read fails data-quality checks, not of warnings', async () => {
    const patients = accessRequest({
      id: '0000000000000a03',
      state: 'active',
      product: 'dataproduct:default/patients',
    });
    render(ANALYST, {
      requests: [teamReads, patients],
      fleet: fleetItems.map(i => ({ ...i, status: 'ok' as const })),
      productsQuality: [
        ['dataproduct:default/patient-encounters', 1, 0],
        // a failing warning needs nobody
        ['dataproduct:default/patients', 0, 2],
        // failing, but not read by them
        ['dataproduct:default/bed-occupancy', 2, 0],
      ],
    });
    const read = await line('quality-read');
    expect(read).toHaveTextContent(
      '1 product you read fails data-quality checks: what you read may be wrong',
    );
    expect(read.querySelector('a')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    // an owner reading nothing is not told
    expect(screen.queryByTestId('needs-you-quality-failing')).toBeNull();
  });

  it('says nothing needs them when all is well', async () => {
    render(ANALYST, {
      fleet: fleetItems.map(i => ({ ...i, status: 'ok' as const })),
    });
    expect(await screen.findByTestId('needs-you-nothing')).toHaveTextContent(
      'Nothing needs you now',
    );
  });

  it('says what it could not check, and shows the rest', async () => {
    render(OWNER, { requests: [waiting], failSpecProblems: true });
    expect(await line('decide')).toBeInTheDocument();
    expect(screen.getByTestId('needs-you-unchecked')).toHaveTextContent(
      'Could not check spec problems.',
    );
    expect(screen.queryByTestId('needs-you-nothing')).toBeNull();
  });
});
