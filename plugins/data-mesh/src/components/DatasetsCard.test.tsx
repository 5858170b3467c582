import { screen, within } from '@testing-library/react';
import { toCatalogForm } from '@datamesh/plugin-data-mesh-common';
import { DatasetsCard } from './DatasetsCard';
import { bareProduct, patientEncounters } from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';

describe('DatasetsCard', () => {
  it('shows each dataset with its table and column schema', async () => {
    await renderForEntity(patientEncounters, <DatasetsCard />);
    const encounters = within(
      await screen.findByTestId('dataset-patient_encounters'),
    );
    expect(encounters.getByTestId('dataset-table')).toHaveTextContent(
      'clinical_care_prod.patient_encounters_public.patient_encounters',
    );
    expect(
      encounters.getByRole('button', {
        name: 'Copy table name of patient_encounters',
      }),
    ).toBeInTheDocument();
    const table = encounters.getByRole('table', {
      name: 'Columns of patient_encounters',
    });
    // header + 5 columns
    expect(within(table).getAllByRole('row')).toHaveLength(6);
    expect(encounters.getByText('2 PII columns')).toBeInTheDocument();

    const daily = within(screen.getByTestId('dataset-encounter_daily_counts'));
    expect(daily.getByText('Daily encounter counts')).toBeInTheDocument();
    expect(daily.queryByTestId('dataset-table')).not.toBeInTheDocument();
    expect(daily.queryByTestId('pii-chip')).not.toBeInTheDocument();
  });

  it('marks PII, classification and primary keys on exactly the right columns', async () => {
    await renderForEntity(patientEncounters, <DatasetsCard />);
    const row = async (name: string) =>
      within(await screen.findByTestId(`column-patient_encounters-${name}`));

    const mrn = await row('patient_mrn');
    expect(mrn.getByText('varchar(18)')).toBeInTheDocument();
    expect(mrn.getByTestId('pii-chip')).toHaveTextContent('PII');
    expect(mrn.getByTestId('classification-restricted')).toBeInTheDocument();
    expect(mrn.queryByTestId('primary-key')).not.toBeInTheDocument();

    const id = await row('encounter_id');
    expect(id.getByTestId('primary-key')).toBeInTheDocument();
    expect(id.queryByTestId('pii-chip')).not.toBeInTheDocument();
    expect(id.getByTestId('classification-internal')).toBeInTheDocument();

    const diagnosis = await row('diagnosis_code');
    expect(diagnosis.getByTestId('pii-chip')).toBeInTheDocument();
    expect(
      diagnosis.getByTestId('classification-confidential'),
    ).toBeInTheDocument();

    expect(screen.getAllByTestId('pii-chip')).toHaveLength(2);
    // encounter_id, plus day and department of the daily counts
    expect(screen.getAllByTestId('primary-key')).toHaveLength(3);
  });

  it('marks the critical data elements, and only them', async () => {
    const product = structuredClone(patientEncounters);
    product.spec.datasets![0].columns[0].criticalDataElement = true;
    await renderForEntity(product, <DatasetsCard />);
    const first = within(
      await screen.findByTestId(
        `column-patient_encounters-${
          product.spec.datasets![0].columns[0].name
        }`,
      ),
    );
    expect(first.getByTestId('critical-data-element')).toHaveTextContent(
      'Critical',
    );
    expect(screen.getAllByTestId('critical-data-element')).toHaveLength(1);
  });

  it('shows the data-quality checks a dataset and its columns promise, in words', async () => {
    const product = structuredClone(patientEncounters);
    const [dataset] = product.spec.datasets!;
    dataset.quality = [{ metric: 'rowCount', mustBeGreaterThan: 100 }];
    dataset.columns[0].quality = [
      { metric: 'nullValues', mustBe: 0 },
      { metric: 'duplicateValues', mustBe: 0 },
    ];
    // in the catalog form too, as the catalog serves it
    await renderForEntity(toCatalogForm(product), <DatasetsCard />);
    expect(
      await screen.findByTestId('dataset-quality-patient_encounters'),
    ).toHaveAccessibleName('Quality checks: rows must be more than 100');
    const first = within(
      screen.getByTestId(
        `column-patient_encounters-${dataset.columns[0].name}`,
      ),
    );
    expect(first.getByTestId('column-quality')).toHaveTextContent(
      '2 quality checks',
    );
    expect(first.getByTestId('column-quality')).toHaveAccessibleName(
      'Quality checks: null values must be 0; duplicate values must be 0',
    );
    expect(screen.getAllByTestId('column-quality')).toHaveLength(1);
  });

  it('keeps a short column type on one line and lets a long one wrap', async () => {
    const longType = 'struct<code:varchar(8),system:varchar(64)>';
    const product = structuredClone(patientEncounters);
    product.spec.datasets![0].columns[0].type = longType;
    await renderForEntity(product, <DatasetsCard />);
    const whiteSpaceOf = async (type: string) =>
      getComputedStyle((await screen.findByText(type)).closest('td')!)
        .whiteSpace;
    // Backstage's theme breaks cell text anywhere: "varchar(1" / "8)"
    expect(await whiteSpaceOf('varchar(18)')).toBe('nowrap');
    expect(await whiteSpaceOf(longType)).not.toBe('nowrap');
  });

  it('gives the PII chip a filled error colour, unlike classification chips', async () => {
    await renderForEntity(patientEncounters, <DatasetsCard />);
    const pii = (await screen.findAllByTestId('pii-chip'))[0];
    const classification = screen.getAllByTestId(
      'classification-restricted',
    )[0];
    expect(pii.className).not.toMatch(/outlined/i);
    expect(classification.className).toMatch(/outlined/i);
    expect(getComputedStyle(pii).backgroundColor).not.toBe('');
    expect(getComputedStyle(pii).backgroundColor).not.toBe(
      getComputedStyle(classification).backgroundColor,
    );
  });

  it('shows the same columns for a product as the catalog serves it (the catalog form)', async () => {
    const served = JSON.parse(JSON.stringify(toCatalogForm(patientEncounters)));
    expect(served.spec.datasets[0].columns).toBeUndefined();
    expect(typeof served.spec.datasets[0].json).toBe('string');
    await renderForEntity(served, <DatasetsCard />);
    const table = within(
      await screen.findByTestId('dataset-patient_encounters'),
    ).getByRole('table', { name: 'Columns of patient_encounters' });
    expect(within(table).getAllByRole('row')).toHaveLength(6);
    expect(screen.getByText('2 PII columns')).toBeInTheDocument();
    expect(
      within(
        await screen.findByTestId('column-patient_encounters-patient_mrn'),
      ).getByTestId('pii-chip'),
    ).toBeInTheDocument();
  });

  it('says so when there are no datasets', async () => {
    await renderForEntity(bareProduct, <DatasetsCard />);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'declares no datasets',
    );
  });
});
