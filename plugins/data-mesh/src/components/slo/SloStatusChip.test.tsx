import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { lightTheme } from '@backstage/theme';
import { SloStatusChip } from './SloStatusChip';

// renderInTestApp uses Backstage's light theme: these are its palette colours.
const { success, error, text } = lightTheme.palette;

describe('SloStatusChip', () => {
  it('is filled green when ok', async () => {
    await renderInTestApp(<SloStatusChip status="ok" />);
    const chip = screen.getByTestId('slo-status-ok');
    expect(chip).toHaveTextContent('OK');
    expect(chip).toHaveStyle({ backgroundColor: success.main });
  });

  it('is filled red when breaching', async () => {
    await renderInTestApp(<SloStatusChip status="breaching" />);
    const chip = screen.getByTestId('slo-status-breaching');
    expect(chip).toHaveTextContent('Breaching');
    expect(chip).toHaveStyle({ backgroundColor: error.main });
    expect(chip).toHaveAttribute(
      'title',
      'Below target: the error budget is overspent',
    );
  });

  it('is an outlined grey chip without data', async () => {
    await renderInTestApp(<SloStatusChip status="no-data" />);
    const chip = screen.getByTestId('slo-status-no-data');
    expect(chip).toHaveTextContent('No data');
    expect(chip).toHaveClass('MuiChip-outlined');
    expect(chip).toHaveStyle({ color: text.secondary });
    expect(chip).not.toHaveStyle({ backgroundColor: error.main });
    expect(chip).not.toHaveStyle({ backgroundColor: success.main });
  });

  it('takes a label and title', async () => {
    await renderInTestApp(
      <SloStatusChip status="breaching" label="1 of 3 breaching" title="x" />,
    );
    expect(screen.getByText('1 of 3 breaching')).toBeInTheDocument();
    expect(screen.getByTestId('slo-status-breaching')).toHaveAttribute(
      'title',
      'x',
    );
  });
});
