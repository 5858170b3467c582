import { screen, within } from '@testing-library/react';
import { DataProductAboutCard } from './DataProductAboutCard';
import {
  bareProduct,
  component,
  patientEncounters,
} from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';

describe('DataProductAboutCard', () => {
  it('shows description, domain, owner, type, lifecycle, tags and spec format', async () => {
    await renderForEntity(patientEncounters, <DataProductAboutCard />);

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
    await renderForEntity(patientEncounters, <DataProductAboutCard />);
    // Once in the header, once in the certification field.
    expect(await screen.findAllByTestId('certified-badge')).toHaveLength(2);
    expect(screen.queryByTestId('not-certified-badge')).not.toBeInTheDocument();
    expect(screen.queryByText('Not certified')).not.toBeInTheDocument();
  });

  it('falls back to spec refs before relations exist and shows empty values', async () => {
    await renderForEntity(bareProduct, <DataProductAboutCard />);
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

  it('explains itself when placed on another kind of entity', async () => {
    await renderForEntity(component, <DataProductAboutCard />);
    expect(
      await screen.findByText(/shows DataProduct entities only/),
    ).toBeInTheDocument();
  });
});
