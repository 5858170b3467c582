import { screen, within } from '@testing-library/react';
import { mockApis } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { MyDataProducts, sortWorstFirst } from './MyDataProducts';
import {
  bareProduct,
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { fleetItems, fleetResponse } from '../../__testUtils__/sloFixtures';
import {
  fakeDataMeshBackend,
  FakeRoutes,
  fleetByOwner,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const entities = [
  patientEncounters,
  patients,
  readmissionRisk,
  bareProduct,
  component,
];

function render(
  routes: FakeRoutes,
  ownershipEntityRefs: string[],
  catalogApi: any = catalogApiMock({ entities }),
) {
  const backend = fakeDataMeshBackend(routes);
  renderForEntity(component, <MyDataProducts />, {
    apis: [
      backend.apiEntry,
      [catalogApiRef, catalogApi],
      mockApis.identity({
        userEntityRef: 'user:default/jane',
        ownershipEntityRefs,
      }),
    ],
  });
  return backend;
}

const productLinks = () =>
  screen
    .getAllByRole('link')
    .filter(a => a.getAttribute('data-testid')?.startsWith('my-product-'));

describe('MyDataProducts (owners dashboard)', () => {
  const owners = [
    'user:default/jane',
    'group:default/clinical-data-team',
    'group:default/capacity-team',
    'group:default/ehr-team',
  ];

  it('names the owners it lists products of, linked to their pages', async () => {
    render({ '/slos': fleetByOwner(fleetItems) }, owners);
    const intro = (await screen.findByText(/^Products owned by/)).closest('p')!;
    const links = within(intro).getAllByRole('link');
    expect(links.map(a => a.getAttribute('href'))).toEqual([
      '/catalog/default/user/jane',
      '/catalog/default/group/clinical-data-team',
      '/catalog/default/group/capacity-team',
      '/catalog/default/group/ehr-team',
    ]);
    // names, not entity refs
    expect(intro).not.toHaveTextContent('group:');
  });

  it("lists the user's groups' products worst first, linking to their SLO tabs", async () => {
    const backend = render(
      {
        // filtered by owner like the router, in an order the page must not rely on
        '/slos': fleetByOwner(fleetItems),
      },
      owners,
    );
    expect(await screen.findByText('My data products (3)')).toBeInTheDocument();
    expect(productLinks().map(a => a.textContent)).toEqual([
      'Patient encounters', // breaching
      'bed-occupancy', // no data
      'Patient master', // ok, 50 % budget
    ]);
    expect(productLinks()[0]).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters/slos',
    );
    const worst = within(productLinks()[0].closest('tr')!);
    expect(worst.getByTestId('slo-status-breaching')).toBeInTheDocument();
    expect(worst.getByText('overspent by 25 %')).toBeInTheDocument();
    expect(worst.getByText('3 objectives, 1 breaching')).toBeInTheDocument();

    // one fleet request (the access inbox asks its own route)
    const fleetRequests = backend.requests.filter(u =>
      u.pathname.endsWith('/slos'),
    );
    expect(fleetRequests).toHaveLength(1);
    expect(fleetRequests[0].searchParams.getAll('owner')).toEqual(owners);
  });

  it('says where each product’s data-quality checks stand, linked to its page', async () => {
    render(
      {
        '/slos': fleetByOwner(fleetItems),
        '/quality/products': {
          items: [
            {
              product: 'dataproduct:default/patient-encounters',
              checks: 3,
              failing: ['encounters:rowCount', 'encounters.id:unique'],
              warnings: [],
              checkedAt: '2026-12-07T06:00:00.000Z',
            },
            {
              product: 'dataproduct:default/patients',
              checks: 2,
              failing: [],
              warnings: [],
              checkedAt: '2026-12-07T06:00:00.000Z',
            },
          ],
        },
      },
      owners,
    );
    await screen.findByText('My data products (3)');
    const row = (i: number) => within(productLinks()[i].closest('tr')!);
    const failing = await row(0).findByTestId('quality');
    expect(failing).toHaveTextContent(/^2 checks failing$/);
    expect(failing.closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    expect(row(2).getByTestId('quality')).toHaveTextContent(/^2 checks pass$/);
    // bed-occupancy declares none
    expect(row(1).queryByTestId('quality')).not.toBeInTheDocument();
  });

  it('adds owned products the engine does not know from the catalog', async () => {
    render(
      {
        '/slos': fleetResponse(
          fleetItems.filter(i => i.name === 'readmission-risk'),
        ),
      },
      [
        'group:default/population-health',
        'group:default/clinical-data-team',
        'group:default/ehr-team',
      ],
    );
    expect(await screen.findByText('My data products (3)')).toBeInTheDocument();
    expect(productLinks().map(a => a.textContent)).toEqual([
      // declares SLOs, but the engine has no monitors for it yet
      'Patient encounters',
      'Readmission risk',
      // declares none: last
      'Patient master',
    ]);
    const rowOf = (i: number) => within(productLinks()[i].closest('tr')!);
    expect(rowOf(0).getByText('No monitors yet')).toBeInTheDocument();
    expect(rowOf(2).getByText('No SLOs')).toBeInTheDocument();
  });

  it('still lists owned products when the SLO backend is down', async () => {
    render({ '/slos': new TypeError('Failed to fetch') }, [
      'group:default/clinical-data-team',
    ]);
    expect(await screen.findByText('My data products (1)')).toBeInTheDocument();
    expect(screen.getByTestId('slo-load-error')).toHaveTextContent(
      'The SLO service could not be reached, so SLO health cannot be shown',
    );
  });

  it('explains an empty list', async () => {
    render({ '/slos': fleetResponse([]) }, ['group:default/nobody']);
    expect(await screen.findByTestId('my-products-empty')).toHaveTextContent(
      'None of your groups owns a data product yet.',
    );
  });

  it('explains a user without groups, and asks nobody', async () => {
    const backend = render({ '/slos': fleetResponse() }, []);
    expect(await screen.findByTestId('my-products-empty')).toHaveTextContent(
      'You are signed in as user:default/jane, which belongs to no group',
    );
    expect(backend.requests).toHaveLength(0);
  });
});

describe('sortWorstFirst', () => {
  it('orders breaching, no data, ok by lowest budget, then products without SLOs', () => {
    const rows = [
      ...fleetItems.map(slo => ({ ...slo, title: slo.name, slo })),
      {
        entityRef: 'dataproduct:default/a-no-slos',
        namespace: 'default',
        name: 'a-no-slos',
        title: 'a',
      },
      {
        entityRef: 'dataproduct:default/a-pending',
        namespace: 'default',
        name: 'a-pending',
        title: 'b',
        declaresSlos: true,
      },
    ];
    expect(sortWorstFirst(rows).map(r => r.name)).toEqual([
      'patient-encounters',
      'a-pending', // no data like bed-occupancy, neither has a budget: by name
      'bed-occupancy',
      'patients',
      'readmission-risk',
      'a-no-slos',
    ]);
  });
});
