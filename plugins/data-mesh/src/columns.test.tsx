import { isValidElement } from 'react';
import { screen } from '@testing-library/react';
import { TableColumn } from '@backstage/core-components';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityKindFilter,
  EntityListContextProps,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { CatalogTableRow } from '@backstage/plugin-catalog';
import { dataProductColumns } from './columns';
import {
  component,
  patientEncounters,
  patients,
} from './__testUtils__/fixtures';
import { fakeDataMeshBackend } from './__testUtils__/fakeBackend';
import { fleetResponse } from './__testUtils__/sloFixtures';

function contextForKind(kind: string): EntityListContextProps {
  return {
    filters: { kind: new EntityKindFilter(kind, kind) },
    entities: [],
  } as unknown as EntityListContextProps;
}

// The catalog's own columns carry translated titles as elements.
function titlesOf(columns: TableColumn<CatalogTableRow>[]): string[] {
  return columns.map(c =>
    isValidElement<{ translationKey: string }>(c.title)
      ? c.title.props.translationKey
      : String(c.title),
  );
}

function rowFor(entity: any): CatalogTableRow {
  return {
    entity,
    resolved: {
      name: entity.metadata.name,
      entityRef: `${entity.kind.toLowerCase()}:default/${entity.metadata.name}`,
      ownedByRelations: [],
      partOfSystemRelations: [],
    },
  };
}

describe('dataProductColumns', () => {
  it('adds domain, type and certified when the catalog shows DataProducts', () => {
    const titles = titlesOf(dataProductColumns(contextForKind('dataproduct')));
    expect(titles).toEqual([
      'title',
      'name',
      'Domain',
      'owner',
      'Type',
      'Certified',
      'Health',
      'lifecycle',
      'description',
      'tags',
    ]);
  });

  it('leaves the catalog defaults for other kinds', () => {
    const titles = titlesOf(dataProductColumns(contextForKind('component')));
    expect(titles).toContain('name');
    expect(titles).toContain('system');
    expect(titles).not.toContain('Certified');
    expect(titles).not.toContain('Domain');
  });

  it('renders the domain link, type label and certified badge of a product', async () => {
    const columns = dataProductColumns(contextForKind('DataProduct'));
    const cell = (title: string, entity: any) =>
      columns.find(c => c.title === title)!.render!(rowFor(entity), 'row');
    await renderInTestApp(
      <div>
        <div data-testid="domain">{cell('Domain', patientEncounters)}</div>
        <div data-testid="type">{cell('Type', patientEncounters)}</div>
        <div data-testid="certified">
          {cell('Certified', patientEncounters)}
        </div>
        <div data-testid="other">{cell('Certified', component)}</div>
      </div>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(screen.getByTestId('domain').querySelector('a')).toHaveAttribute(
      'href',
      '/catalog/default/domain/clinical-care',
    );
    expect(screen.getByTestId('type')).toHaveTextContent('Aggregate');
    expect(screen.getByTestId('certified')).toHaveTextContent('Certified');
    expect(screen.getByTestId('other')).toBeEmptyDOMElement();
  });

  it('shows SLO health from one fleet request shared by every row', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse() });
    const columns = dataProductColumns(contextForKind('DataProduct'));
    const health = columns.find(c => c.title === 'Health')!;
    const cell = (entity: any) => health.render!(rowFor(entity), 'row');
    await renderInTestApp(
      <div>
        <div data-testid="encounters">{cell(patientEncounters)}</div>
        <div data-testid="encounters-again">{cell(patientEncounters)}</div>
        <div data-testid="patients">{cell(patients)}</div>
        <div data-testid="other">{cell(component)}</div>
      </div>,
      { apis: [backend.apiEntry] },
    );
    // patient-encounters is breaching in the fleet fixture
    expect(await screen.findAllByTestId('slo-status-breaching')).toHaveLength(
      2,
    );
    // patients declares no SLOs; a Component gets no cell at all
    expect(screen.getByTestId('patients')).toHaveTextContent('No SLOs');
    expect(screen.getByTestId('other')).toBeEmptyDOMElement();
    expect(
      backend.requests.filter(u => u.pathname.endsWith('/slos')),
    ).toHaveLength(1);
  });
});
