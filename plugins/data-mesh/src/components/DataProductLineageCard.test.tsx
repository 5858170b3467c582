import { screen, waitFor } from '@testing-library/react';
import {
  catalogGraphApiRef,
  catalogGraphRouteRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { DataProductLineageCard } from './DataProductLineageCard';
import {
  patientEncounters,
  patients,
  readmissionRisk,
} from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';

const clinicalDataTeam = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'clinical-data-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: [
    { type: 'ownerOf', targetRef: 'dataproduct:default/patient-encounters' },
  ],
};

describe('DataProductLineageCard', () => {
  const originalGetBBox = (SVGElement.prototype as any).getBBox;
  beforeAll(() => {
    // jsdom does no layout; the graph measures its nodes to size them.
    (SVGElement.prototype as any).getBBox = () => ({
      x: 0,
      y: 0,
      width: 120,
      height: 20,
    });
  });
  afterAll(() => {
    (SVGElement.prototype as any).getBBox = originalGetBBox;
  });

  it('draws upstream and downstream products, and no owner or domain', async () => {
    await renderForEntity(patientEncounters, <DataProductLineageCard />, {
      apis: [
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              patientEncounters,
              patients,
              readmissionRisk,
              clinicalDataTeam,
            ],
          }),
        ],
        [catalogGraphApiRef, new DefaultCatalogGraphApi()],
      ],
      mountedRoutes: { '/catalog-graph': catalogGraphRouteRef },
    });

    expect(await screen.findByText('Lineage')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByText('Patient master')).toBeInTheDocument();
    });
    expect(screen.getByText('Readmission risk')).toBeInTheDocument();
    expect(screen.getByText('Patient encounters')).toBeInTheDocument();
    expect(screen.queryByText(/clinical-data-team/)).not.toBeInTheDocument();
    expect(screen.queryByText(/clinical-care/)).not.toBeInTheDocument();

    // The deep link opens the full graph with the same lineage relations.
    const link = screen.getByRole('link', { name: /view graph/i });
    const href = decodeURIComponent(link.getAttribute('href') ?? '');
    expect(href).toContain(
      'rootEntityRefs[]=dataproduct:default/patient-encounters',
    );
    expect(href).toContain('selectedRelations[]=dependsOn');
    expect(href).toContain('selectedRelations[]=dependencyOf');
    expect(href).not.toContain('ownedBy');
  });
});
