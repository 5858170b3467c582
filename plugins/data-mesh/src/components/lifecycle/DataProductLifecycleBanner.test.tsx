import { screen, waitFor } from '@testing-library/react';
import { DataProductLifecycleBanner } from './DataProductLifecycleBanner';
import { patientEncounters } from '../../__testUtils__/fixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
  FakeRoutes,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const LIFECYCLE = '/lifecycle/default/patient-encounters';

function render(routes: FakeRoutes) {
  const backend = fakeDataMeshBackend(routes);
  renderForEntity(patientEncounters, <DataProductLifecycleBanner />, {
    apis: [backend.apiEntry],
  });
  return backend;
}

const deprecated = {
  product: 'dataproduct:default/patient-encounters',
  state: 'deprecated',
  retireAt: '2027-03-31T00:00:00.000Z',
  successor: 'dataproduct:default/encounters-v2',
  reason: 'the v2 model covers day cases',
  acceptNewRequests: false,
  audit: [],
};

describe('DataProductLifecycleBanner', () => {
  it('shows the retirement date, the successor and that requests are refused', async () => {
    render({ [LIFECYCLE]: deprecated });
    const banner = await screen.findByTestId('lifecycle-banner');
    expect(banner).toHaveTextContent(
      'Deprecated: this data product retires on 2027-03-31',
    );
    expect(screen.getByRole('link', { name: /encounters-v2/ })).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/encounters-v2',
    );
    expect(banner).toHaveTextContent('Reason: the v2 model covers day cases');
    expect(banner).toHaveTextContent('New access requests are refused.');
  });

  it('says when the owners still take requests', async () => {
    render({ [LIFECYCLE]: { ...deprecated, acceptNewRequests: true } });
    expect(await screen.findByTestId('lifecycle-banner')).toHaveTextContent(
      'Its owners still take new access requests.',
    );
  });

  it('shows nothing for a live product, nor when the lifecycle cannot be read', async () => {
    const live = render({
      [LIFECYCLE]: { product: deprecated.product, state: 'live', audit: [] },
    });
    await waitFor(() => expect(live.requests.length).toBe(1));
    expect(screen.queryByTestId('lifecycle-banner')).toBeNull();

    const failing = render({
      [LIFECYCLE]: () => errorResponse(500, 'Error', 'database down'),
    });
    await waitFor(() => expect(failing.requests.length).toBe(1));
    expect(screen.queryByTestId('lifecycle-banner')).toBeNull();
  });
});
