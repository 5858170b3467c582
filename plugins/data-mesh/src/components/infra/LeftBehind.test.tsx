import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  type InfrastructureLeftover,
  type InfrastructureLeftoverRole,
  createDataMeshApiValidator,
  type LeftoverKeep,
  dataMeshLeftoverDropPermission,
  dataMeshLeftoverKeepPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type FakeRequest,
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import { leftoversAnswer } from '../../__testUtils__/infraFixtures';
import { SWRConfig } from 'swr';
import { LeftBehind } from './LeftBehind';

const WARDS = 'dataproduct:default/wards';
const VISITS = 'dataproduct:default/visits';

const schema = (
  product: string,
  name: string,
  more: Partial<InfrastructureLeftover> = {},
): InfrastructureLeftover => ({
  product,
  productInCatalog: product === VISITS,
  kind: 'product',
  database: 'acme_care_dev',
  schema: name,
  qualified: `"acme_care_dev__${name}"`,
  ...more,
});

const ROLES: InfrastructureLeftoverRole[] = [
  {
    product: WARDS,
    productInCatalog: false,
    kind: 'product',
    name: 'acme_care_dev_wards_consumer',
    qualified: '"acme_care_dev_wards_consumer"',
    // the watch saw the role first; its schemas a day later
    firstSeenAt: '2026-11-20T08:00:00.000Z',
  },
];

const LEFT = [
  schema(VISITS, 'visits_staging'),
  schema(WARDS, 'wards_output', { firstSeenAt: '2026-11-21T08:00:00.000Z' }),
  schema(WARDS, 'wards_raw_sbx_feat_beds', {
    kind: 'sandbox',
    branch: 'feat_beds',
    createdAt: '2026-11-02T10:00:00Z',
    firstSeenAt: '2026-11-21T08:00:00.000Z',
  }),
];

const KEPT: LeftoverKeep = {
  product: WARDS,
  by: 'user:default/priya.raman',
  at: '2026-12-06T09:00:00.000Z',
  reason: 'legal hold',
};

/**
 * The section for a user the policy lets drop `mayDrop`'s schemas only;
 * `drop` answers the drop, after which the list answers `after`.
 */
async function renderLeftovers(options: {
  mayDrop?: string[];
  mayKeep?: string[];
  drop?: (request: FakeRequest) => Response;
  after?: InfrastructureLeftover[];
}) {
  let dropped = false;
  const drops: FakeRequest[] = [];
  // what the backend keeps: PUT keeps wards', DELETE no longer
  let keptNow: LeftoverKeep[] = [];
  const keeps: FakeRequest[] = [];
  const backend = fakeDataMeshBackend({
    '/infrastructure/leftovers': () =>
      jsonResponse(
        dropped
          ? leftoversAnswer(options.after ?? [])
          : // the kept product first: the section lists it last
            leftoversAnswer(
              keptNow.length ? [LEFT[1], LEFT[2], LEFT[0]] : LEFT,
              ROLES,
              keptNow,
            ),
      ),
    '/products/{namespace}/{name}/leftovers/keep': (
      _: URL,
      request: FakeRequest,
    ) => {
      keeps.push(request);
      keptNow =
        request.method === 'PUT'
          ? [{ ...KEPT, reason: request.body.reason }]
          : [];
      return jsonResponse({
        entityRef: WARDS,
        ...(keptNow.length ? { kept: keptNow[0] } : {}),
      });
    },
    '/products/{namespace}/{name}/leftovers/drop': (
      _: URL,
      request: FakeRequest,
    ) => {
      drops.push(request);
      const answer = options.drop?.(request) ?? jsonResponse({});
      if (answer.ok) dropped = true;
      return answer;
    },
  });
  // usePermission caches decisions in SWR's global cache: a cache per render
  const element = (
    <SWRConfig value={{ provider: () => new Map() }}>
      <LeftBehind />
    </SWRConfig>
  );
  await renderInTestApp(element, {
    apis: [
      backend.apiEntry,
      mockApis.permission({
        authorize: request =>
          'resourceRef' in request &&
          ((request.permission.name === dataMeshLeftoverDropPermission.name &&
            (options.mayDrop ?? []).includes(request.resourceRef ?? '')) ||
            (request.permission.name === dataMeshLeftoverKeepPermission.name &&
              (options.mayKeep ?? []).includes(request.resourceRef ?? '')))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }),
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return { backend, drops, keeps };
}

describe('LeftBehind', () => {
  it('answers what the REST contract allows', () => {
    const validator = createDataMeshApiValidator();
    expect(
      validator.response(
        { method: 'get', path: '/infrastructure/leftovers' },
        200,
        leftoversAnswer(LEFT, ROLES),
      ),
    ).toEqual([]);
  });

  it('lists the schemas and roles each product left behind, and who may drop them', async () => {
    await renderLeftovers({});
    expect(
      await screen.findByRole('heading', {
        name: 'Left behind (3 schemas, 1 role)',
      }),
    ).toBeInTheDocument();
    const visits = screen.getByTestId(`leftovers-${VISITS}`);
    // in the catalog: a link to it
    expect(within(visits).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/visits',
    );
    expect(visits).toHaveTextContent(
      '"acme_care_dev__visits_staging" — a schema it no longer declares',
    );
    expect(visits).toHaveTextContent('Its owners drop them from here');
    const wards = screen.getByTestId(`leftovers-${WARDS}`);
    expect(within(wards).queryByRole('link')).toBeNull();
    expect(wards).toHaveTextContent(
      'not in the catalog: removed without retiring it, or renamed · left behind since 20 Nov',
    );
    // the watch has not seen visits' yet: no date
    expect(visits).not.toHaveTextContent('left behind since');
    expect(wards).toHaveTextContent(
      '"acme_care_dev__wards_output" — its schema',
    );
    expect(wards).toHaveTextContent(
      '"acme_care_dev__wards_raw_sbx_feat_beds" — the sandbox of branch feat_beds, made 2 Nov',
    );
    expect(wards).toHaveTextContent(
      'role "acme_care_dev_wards_consumer" — its role',
    );
    expect(wards).toHaveTextContent('The platform team drops them from here.');
    expect(screen.queryByRole('button', { name: 'Drop…' })).toBeNull();
  });

  it('drops what a gone product left once its name is typed, then looks again', async () => {
    const { drops } = await renderLeftovers({
      mayDrop: [WARDS],
      drop: () =>
        jsonResponse({
          entityRef: WARDS,
          dropped: [
            '"acme_care_dev__wards_output"',
            '"acme_care_dev__wards_raw_sbx_feat_beds"',
            '"acme_care_dev_wards_consumer"',
          ],
          leftovers: [],
          roles: [],
        }),
      after: [LEFT[0]],
    });
    const wards = await screen.findByTestId(`leftovers-${WARDS}`);
    // visits is not theirs to drop
    expect(
      within(screen.getByTestId(`leftovers-${VISITS}`)).queryByRole('button'),
    ).toBeNull();
    // once the policy answered
    await userEvent.click(
      await within(wards).findByRole('button', { name: 'Drop…' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Drop what wards left behind?',
    });
    const confirm = within(dialog).getByRole('button', {
      name: 'Drop them',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Type wards to confirm'),
      'ward',
    );
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Type wards to confirm'),
      's',
    );
    await userEvent.click(confirm);
    expect(
      await screen.findByText(
        'Dropped "acme_care_dev__wards_output", "acme_care_dev__wards_raw_sbx_feat_beds", "acme_care_dev_wards_consumer".',
      ),
    ).toBeInTheDocument();
    expect(drops.map(d => [d.method, d.params, d.body])).toEqual([
      [
        'POST',
        { namespace: 'default', name: 'wards' },
        {
          schemas: [
            { database: 'acme_care_dev', schema: 'wards_output' },
            { database: 'acme_care_dev', schema: 'wards_raw_sbx_feat_beds' },
          ],
          roles: ['acme_care_dev_wards_consumer'],
        },
      ],
    ]);
    expect(
      createDataMeshApiValidator().requestBody(
        {
          method: 'post',
          path: '/products/{namespace}/{name}/leftovers/drop',
        },
        drops[0].body,
      ),
    ).toEqual([]);
    // looked for again: only visits' is left
    await waitFor(() =>
      expect(screen.queryByTestId(`leftovers-${WARDS}`)).toBeNull(),
    );
    expect(
      screen.getByRole('heading', { name: 'Left behind (1 schema)' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Nothing is left behind now.')).toBeNull();
  });

  it('keeps what a gone product left with a reason, listed last with who and why, and stops keeping it', async () => {
    const { keeps } = await renderLeftovers({
      mayDrop: [WARDS],
      mayKeep: [WARDS],
    });
    const wards = await screen.findByTestId(`leftovers-${WARDS}`);
    // not theirs: no Keep… on visits
    expect(
      within(screen.getByTestId(`leftovers-${VISITS}`)).queryByRole('button'),
    ).toBeNull();
    await userEvent.click(
      await within(wards).findByRole('button', { name: 'Keep…' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Keep what wards left behind?',
    });
    const confirm = within(dialog).getByRole('button', { name: 'Keep them' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Why they are kept'),
      '  legal hold ',
    );
    await userEvent.click(confirm);
    expect(
      await screen.findByText('What wards left behind is kept.'),
    ).toBeInTheDocument();
    expect(keeps.map(k => [k.method, k.params, k.body])).toEqual([
      [
        'PUT',
        { namespace: 'default', name: 'wards' },
        { reason: 'legal hold' },
      ],
    ]);
    expect(
      createDataMeshApiValidator().requestBody(
        { method: 'put', path: '/products/{namespace}/{name}/leftovers/keep' },
        keeps[0].body,
      ),
    ).toEqual([]);
    // looked for again: kept, said so, after visits
    const kept = await screen.findByTestId('leftovers-kept');
    expect(kept).toHaveTextContent(
      'Kept by priya.raman on 6 Dec: “legal hold”. No one is told of them and the home page does not count them.',
    );
    const order = screen
      .getAllByTestId(/^leftovers-dataproduct:/)
      .map(e => e.getAttribute('data-testid'));
    expect(order).toEqual([`leftovers-${VISITS}`, `leftovers-${WARDS}`]);
    await userEvent.click(
      within(screen.getByTestId(`leftovers-${WARDS}`)).getByRole('button', {
        name: 'Stop keeping',
      }),
    );
    expect(
      await screen.findByText('What wards left behind is no longer kept.'),
    ).toBeInTheDocument();
    expect(keeps.map(k => k.method)).toEqual(['PUT', 'DELETE']);
    await waitFor(() =>
      expect(screen.queryByTestId('leftovers-kept')).toBeNull(),
    );
  });

  it('shows a refusal in the dialog, and drops nothing', async () => {
    await renderLeftovers({
      mayDrop: [VISITS],
      drop: () =>
        errorResponse(
          403,
          'NotAllowedError',
          'user:default/aisha may not drop what dataproduct:default/visits left behind',
        ),
    });
    const visits = await screen.findByTestId(`leftovers-${VISITS}`);
    await userEvent.click(
      await within(visits).findByRole('button', { name: 'Drop…' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText('Type visits to confirm'),
      'visits',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Drop them' }),
    );
    expect(
      await within(dialog).findByTestId('leftover-drop-error'),
    ).toHaveTextContent(
      'Nothing was dropped: user:default/aisha may not drop what dataproduct:default/visits left behind',
    );
    expect(screen.getByTestId(`leftovers-${VISITS}`)).toBeInTheDocument();
  });

  it('shows nothing when nothing is left behind', async () => {
    const backend = fakeDataMeshBackend({
      '/infrastructure/leftovers': leftoversAnswer([]),
    });
    await renderInTestApp(<LeftBehind />, { apis: [backend.apiEntry] });
    await waitFor(() => expect(backend.requests).toHaveLength(1));
    expect(screen.queryByTestId('leftover-schemas')).toBeNull();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
