import { fireEvent, screen, within } from '@testing-library/react';
import { inSyncInfrastructure } from '../../__testUtils__/infraFixtures';
import { renderInfrastructureCard as render } from '../../__testUtils__/infraRender';

describe('InfrastructureCard sandboxes', () => {
  it("lists the product's feature-branch sandboxes with their schemas and how to delete them", async () => {
    render({
      ...inSyncInfrastructure(),
      sandboxes: [
        {
          branch: 'feat_late_returns',
          schemas: [
            {
              name: 'pe_output_sbx_feat_late_returns',
              qualified: '"PE_OUTPUT_SBX_FEAT_LATE_RETURNS"',
            },
            {
              name: 'pe_raw_sbx_feat_late_returns',
              qualified: '"PE_RAW_SBX_FEAT_LATE_RETURNS"',
            },
          ],
        },
        {
          branch: 'fix_b',
          schemas: [
            { name: 'pe_raw_sbx_fix_b', qualified: '"PE_RAW_SBX_FIX_B"' },
          ],
        },
      ],
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    expect(
      section.getByRole('heading', { name: 'Feature-branch sandboxes (2)' }),
    ).toBeInTheDocument();
    const items = section
      .getByRole('list', { name: 'Feature-branch sandboxes' })
      .querySelectorAll('li');
    expect([...items].map(li => li.textContent)).toEqual([
      'feat_late_returnspe_output_sbx_feat_late_returnspe_raw_sbx_feat_late_returns',
      'fix_bpe_raw_sbx_fix_b',
    ]);
    // one schema a line, its SQL spelling on hover
    const schema = section.getByText('pe_raw_sbx_fix_b');
    expect(getComputedStyle(schema).display).toBe('block');
    fireEvent.mouseOver(schema);
    expect(
      await screen.findByText('In SQL: "PE_RAW_SBX_FIX_B"'),
    ).toBeInTheDocument();
    expect(
      section.getByText('datamesh sandbox delete --branch <branch>'),
    ).toBeInTheDocument();
  });

  it('shows nothing about sandboxes when there are none', async () => {
    render({ ...inSyncInfrastructure(), sandboxes: [] });
    expect(
      await screen.findByTestId('infra-status-in-sync'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('infra-sandboxes')).toBeNull();
  });
});
