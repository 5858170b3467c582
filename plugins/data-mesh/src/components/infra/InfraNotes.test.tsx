import { fireEvent, render, screen, within } from '@testing-library/react';
import { groupNotes, InfraNotes } from './InfraNotes';

const recorded =
  'spec.infrastructure records names this portal does not provision for the product: schema CLAIMS (provisioned: claims_output). To fix, write the provisioned names into spec.infrastructure of the spec file, or remove spec.infrastructure.';
const pii = [
  'PII column s.t.mrn does not exist yet; its masking policy is attached by the first plan after the pipeline creates it',
  'PII of dataproduct:default/x: table s.t does not exist yet; its masked view is made by the first plan after the pipeline creates it',
];
const adopted =
  'role eh_claims_consumer exists without a datamesh marker; it is adopted by this product';
const other = 'something the engine says';

describe('InfraNotes', () => {
  it('groups notes by topic, in a fixed order with the rest last', () => {
    expect(groupNotes([other, ...pii, adopted, recorded])).toEqual([
      { title: 'Recorded names', notes: [recorded] },
      { title: 'Personal data masking', notes: pii },
      { title: 'Objects adopted by this product', notes: [adopted] },
      { title: 'Other', notes: [other] },
    ]);
  });

  it('is collapsed with a count until opened, then shows each group', () => {
    render(<InfraNotes notes={[...pii, recorded]} />);
    const summary = screen.getByRole('button', {
      name: 'Notes for the owner (3)',
    });
    expect(summary).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText(recorded)).not.toBeInTheDocument();
    fireEvent.click(summary);
    expect(summary).toHaveAttribute('aria-expanded', 'true');
    const groups = screen.getAllByTestId('infra-note-group');
    expect(groups.map(g => g.querySelector('h4')?.textContent)).toEqual([
      'Recorded names',
      'Personal data masking',
    ]);
    expect(within(groups[1]).getAllByRole('listitem')).toHaveLength(2);
    expect(within(groups[0]).getByText(recorded)).toBeInTheDocument();
  });

  it('renders nothing without notes', () => {
    const { container } = render(<InfraNotes notes={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
