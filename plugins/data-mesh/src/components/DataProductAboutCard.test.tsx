import { screen, within } from '@testing-library/react';
import { DataProductAboutCard } from './DataProductAboutCard';
import {
  bareProduct,
  component,
  patientEncounters,
} from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';
import {
  type FakeRequest,
  fakeDataMeshBackend,
  jsonResponse,
} from '../__testUtils__/fakeBackend';

// the access registry's counts: patient-encounters is read, bed-occupancy not
const readers = fakeDataMeshBackend({
  '/access/readers': (url: URL, _req: FakeRequest) =>
    jsonResponse({
      items:
        url.searchParams.get('product') ===
        'dataproduct:default/patient-encounters'
          ? [
              {
                product: 'dataproduct:default/patient-encounters',
                teams: 2,
                products: 1,
              },
            ]
          : [],
    }),
});
const render = (
  entity: Parameters<typeof renderForEntity>[0],
  backend = readers,
) =>
  renderForEntity(entity, <DataProductAboutCard />, {
    apis: [backend.apiEntry],
  });

describe('DataProductAboutCard', () => {
  it('shows description, domain, owner, type, lifecycle, tags and spec format', async () => {
    await render(patientEncounters);

    expect(
      await screen.findByText(/Every inpatient and outpatient encounter/),
    ).toBeInTheDocument();

    const domain = within(screen.getByTestId('about-domain'));
    expect(domain.getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/domain/clinical-care',
    );
    const owner = within(screen.getByTestId('about-owner'));
    expect(owner.getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/clinical-data-team',
    );
    expect(screen.getByTestId('about-type')).toHaveTextContent('Aggregate');
    expect(screen.getByTestId('about-lifecycle')).toHaveTextContent(
      'production',
    );
    const tags = screen.getByTestId('about-tags');
    for (const tag of ['clinical', 'encounters', 'hipaa']) {
      expect(within(tags).getByText(tag)).toBeInTheDocument();
    }
    expect(screen.getByTestId('about-spec-format')).toHaveTextContent(
      'data_product_spec.yml (OAM)',
    );
  });

  it('marks a certified product as certified and never as not certified', async () => {
    await render(patientEncounters);
    // Once in the header, once in the certification field.
    expect(await screen.findAllByTestId('certified-badge')).toHaveLength(2);
    expect(screen.queryByTestId('not-certified-badge')).not.toBeInTheDocument();
    expect(screen.queryByText('Not certified')).not.toBeInTheDocument();
  });

  it('falls back to spec refs before relations exist and shows empty values', async () => {
    await render(bareProduct);
    expect(await screen.findAllByTestId('not-certified-badge')).toHaveLength(2);
    expect(screen.queryByTestId('certified-badge')).not.toBeInTheDocument();
    expect(
      within(screen.getByTestId('about-domain')).getByRole('link'),
    ).toHaveAttribute('href', '/catalog/default/domain/hospital-operations');
    expect(
      within(screen.getByTestId('about-owner')).getByRole('link'),
    ).toHaveAttribute('href', '/catalog/default/group/capacity-team');
    expect(screen.getByText('No description')).toBeInTheDocument();
    expect(screen.getByText('No tags')).toBeInTheDocument();
    expect(screen.getByTestId('about-spec-format')).toHaveTextContent(
      'Not recorded',
    );
  });

  it('says how many teams and data products read it, as the access registry counts them', async () => {
    await render(patientEncounters);
    const field = screen.getByTestId('about-readers');
    expect(
      await within(field).findByText('2 teams, 1 data product'),
    ).toBeInTheDocument();
    expect(readers.requests.at(-1)?.searchParams.get('product')).toBe(
      'dataproduct:default/patient-encounters',
    );
  });

  it('says when nobody reads it yet', async () => {
    await render(bareProduct);
    expect(
      await within(screen.getByTestId('about-readers')).findByText(
        'Nobody reads it yet',
      ),
    ).toBeInTheDocument();
  });

  it('says Unknown when the access registry cannot be reached', async () => {
    await render(
      patientEncounters,
      fakeDataMeshBackend({
        '/access/readers': new TypeError('Failed to fetch'),
      }),
    );
    expect(
      await within(screen.getByTestId('about-readers')).findByText('Unknown'),
    ).toBeInTheDocument();
  });

  it('explains itself when placed on another kind of entity', async () => {
    await renderForEntity(component, <DataProductAboutCard />);
    expect(
      await screen.findByText(/shows DataProduct entities only/),
    ).toBeInTheDocument();
  });
});
