import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { SloHistoryChart } from './SloHistoryChart';
import {
  patientEncountersSlos,
  pendingSlos,
} from '../../__testUtils__/sloFixtures';

const objective = (name: string) =>
  patientEncountersSlos().objectives.find(o => o.name === name)!;

describe('SloHistoryChart', () => {
  it('draws one bar per slice, coloured by outcome', async () => {
    const { container } = await renderInTestApp(
      <SloHistoryChart objective={objective('nightly-refresh')} />,
    );
    const bars = (cls: string) =>
      container.querySelectorAll(`.${cls} .recharts-bar-rectangle path`);
    // 20 counted days: 5 missed loads are bad; today is still in progress
    expect(bars('slo-slices-good')).toHaveLength(15);
    expect(bars('slo-slices-bad')).toHaveLength(5);
    expect(bars('slo-slices-no-data')).toHaveLength(0);
    expect(bars('slo-slices-pending')).toHaveLength(1);
    expect(screen.getByTestId('slo-history-summary')).toHaveTextContent(
      '15 good, 5 bad of 20 counted 1d slices; today is in progress',
    );
  });

  it('plots row counts as a line and last refreshes as points', async () => {
    const { container } = await renderInTestApp(
      <SloHistoryChart objective={objective('full-volume')} />,
    );
    expect(
      container.querySelector('.slo-row-count path.recharts-line-curve'),
    ).not.toBeNull();
    // one point per slice with a known refresh time (21 slices incl. today)
    expect(
      container.querySelectorAll('.slo-last-refresh .recharts-scatter-symbol'),
    ).toHaveLength(21);
    expect(
      container.querySelectorAll(
        '.slo-slices-bad .recharts-bar-rectangle path',
      ),
    ).toHaveLength(1);
  });

  it('says so when no slice was observed yet', async () => {
    await renderInTestApp(
      <SloHistoryChart objective={pendingSlos().objectives[0]} />,
    );
    expect(
      screen.getByText('No slice of the 20d window has been observed yet.'),
    ).toBeInTheDocument();
  });
});
