import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { InputPortsCard } from './InputPortsCard';
import {
  bareProduct,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../__testUtils__/fixtures';
import { ANALYST, OWNER, renderAccess } from '../__testUtils__/accessRender';
import { accessRequest } from '../__testUtils__/fakeAccessBackend';
import { fleetItems, fleetResponse } from '../__testUtils__/sloFixtures';

/** The upstream of patient-encounters, with the port its input names. */
const upstream: DataProductEntityV1alpha1 = {
  ...patients,
  spec: {
    ...patients.spec,
    outputPorts: [{ name: 'patients-sql', type: 'sql' }],
  },
};
const PRODUCT = 'dataproduct:default/patient-encounters';

describe('InputPortsCard', () => {
  it('links data-product inputs to the upstream product and names its port', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <InputPortsCard />,
      ...ANALYST,
    });
    const row = within(await screen.findByTestId('input-port-patients'));
    expect(row.getByText('Patient master')).toBeInTheDocument();
    expect(row.getByText('Data product')).toBeInTheDocument();
    expect(row.getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patients',
    );
    expect(row.getByText('patients-sql')).toBeInTheDocument();
  });

  it('shows the source text of dataset and API inputs, without links', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <InputPortsCard />,
      ...ANALYST,
    });
    const dataset = within(
      await screen.findByTestId('input-port-ehr_encounters'),
    );
    expect(dataset.getByText('Dataset')).toBeInTheDocument();
    expect(dataset.getByText('Epic Clarity PAT_ENC')).toBeInTheDocument();
    expect(dataset.queryByRole('link')).not.toBeInTheDocument();

    const api = within(screen.getByTestId('input-port-scheduling_api'));
    expect(api.getByText('API')).toBeInTheDocument();
    expect(
      api.getByText('https://scheduling.example-health.org/api/v2/visits'),
    ).toBeInTheDocument();
  });

  it("shows the SLO health of each upstream product: a breach upstream is soon this one's", async () => {
    renderAccess({
      entity: patientEncounters,
      element: <InputPortsCard />,
      ...ANALYST,
      routes: {
        '/slos': fleetResponse(
          fleetItems.map(i =>
            i.entityRef === 'dataproduct:default/patients'
              ? { ...i, status: 'breaching' as const }
              : i,
          ),
        ),
      },
    });
    const row = within(await screen.findByTestId('input-port-patients'));
    expect(await row.findByTestId('slo-status-breaching')).toBeInTheDocument();
    // a source outside the mesh has no health here
    expect(
      within(screen.getByTestId('input-port-ehr_encounters')).queryByTestId(
        /^slo-status-/,
      ),
    ).toBeNull();
  });

  it('says so when there are no input ports', async () => {
    renderAccess({
      entity: bareProduct,
      element: <InputPortsCard />,
      ...OWNER,
    });
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'declares no input ports',
    );
  });

  describe("the product's access to its inputs", () => {
    const render = (who: typeof OWNER, requests = [] as any[]) =>
      renderAccess({
        entity: patientEncounters,
        element: <InputPortsCard />,
        products: [patientEncounters, upstream, readmissionRisk],
        requests,
        ...who,
      });

    it('lets its owners ask for an input the product may not read, on its behalf', async () => {
      const { access } = render(OWNER);
      const row = within(await screen.findByTestId('input-port-patients'));
      expect(
        screen.getByRole('columnheader', { name: "This product's access" }),
      ).toBeInTheDocument();
      expect(await row.findByText(/Not requested/)).toBeInTheDocument();
      // sources outside the mesh have nothing to ask for
      expect(
        within(screen.getByTestId('input-port-ehr_encounters')).getByText('—'),
      ).toBeInTheDocument();

      await userEvent.click(
        row.getByRole('button', { name: 'Request access to patients' }),
      );
      const dialog = within(await screen.findByRole('dialog'));
      expect(
        dialog.getByText('Request access to patients-sql'),
      ).toBeInTheDocument();
      // on behalf of the product, chosen already
      expect(dialog.getByLabelText(/On behalf of/)).toHaveTextContent(
        'Data product: Patient encounters',
      );
      // the input's purpose as its spec gives it, to keep or to change
      const purpose = dialog.getByLabelText(/Purpose/);
      expect(purpose).toHaveValue(
        'Input of Patient encounters: Demographics for joining encounters to patients',
      );
      await userEvent.clear(purpose);
      await userEvent.type(purpose, 'Joins encounters to patients');
      await userEvent.click(
        dialog.getByRole('button', { name: 'Send request' }),
      );
      await screen.findByTestId('access-request-created');
      expect(access.requests).toMatchObject([
        {
          product: 'dataproduct:default/patients',
          outputPort: 'patients-sql',
          consumer: PRODUCT,
          requester: OWNER.user,
          purpose: 'Joins encounters to patients',
        },
      ]);
      // closed: the row shows the request, waiting for the upstream owners
      await userEvent.click(screen.getByRole('button', { name: 'Close' }));
      expect(
        await within(screen.getByTestId('input-port-patients')).findByTestId(
          'access-state-pending',
        ),
      ).toBeInTheDocument();
    });

    it("shows a granted input's state and end, not another team's request", async () => {
      render(OWNER, [
        accessRequest({
          id: 'granted',
          product: 'dataproduct:default/patients',
          outputPort: 'patients-sql',
          consumer: PRODUCT,
          state: 'active',
          expiresAt: '2026-06-01T00:00:00.000Z',
        }),
      ]);
      const row = within(await screen.findByTestId('input-port-patients'));
      expect(await row.findByTestId('access-state-active')).toBeInTheDocument();
      expect(row.getByText(/until/)).toBeInTheDocument();
      expect(row.queryByRole('button', { name: /Request access/ })).toBeNull();
    });

    it('says why an input may not be read any more, and lets the owners ask again', async () => {
      render(OWNER, [
        accessRequest({
          id: 'rejected',
          product: 'dataproduct:default/patients',
          outputPort: 'patients-sql',
          consumer: PRODUCT,
          state: 'rejected',
        }),
      ]);
      const row = within(await screen.findByTestId('input-port-patients'));
      expect(
        await row.findByTestId('access-state-rejected'),
      ).toBeInTheDocument();
      expect(
        row.getByRole('button', { name: 'Request access to patients' }),
      ).toBeInTheDocument();
      expect(row.queryByText(/Not requested/)).toBeNull();
    });

    describe('an input that reads personal data in clear', () => {
      /** patient-encounters, its patients input needing names in clear. */
      const inClear: DataProductEntityV1alpha1 = {
        ...patientEncounters,
        spec: {
          ...patientEncounters.spec,
          inputPorts: patientEncounters.spec.inputPorts!.map(p =>
            p.name === 'patients' ? { ...p, personalDataInClear: true } : p,
          ),
        },
      };
      /** The upstream port serves a dataset with personal data. */
      const registry: DataProductEntityV1alpha1 = {
        ...upstream,
        spec: {
          ...upstream.spec,
          datasets: [
            {
              name: 'patients',
              columns: [
                { name: 'patient_id', type: 'integer', primaryKey: true },
                { name: 'full_name', type: 'varchar(200)', pii: true },
              ],
            },
          ],
          outputPorts: [
            { name: 'patients-sql', type: 'sql', dataset: 'patients' },
          ],
        },
      };
      const renderInClear = (who: typeof OWNER, requests = [] as any[]) =>
        renderAccess({
          entity: inClear,
          element: <InputPortsCard />,
          products: [inClear, registry],
          requests,
          ...who,
        });

      it('says so to everyone', async () => {
        renderInClear(ANALYST);
        const row = within(await screen.findByTestId('input-port-patients'));
        expect(row.getByText('Personal data in clear')).toBeInTheDocument();
        expect(
          within(screen.getByTestId('input-port-ehr_encounters')).queryByText(
            'Personal data in clear',
          ),
        ).toBeNull();
      });

      it('tells its owners that a masked grant falls short, and asks for the personal data with the purpose the spec gives', async () => {
        const { access, catalog } = renderInClear(OWNER, [
          accessRequest({
            id: 'masked',
            product: 'dataproduct:default/patients',
            outputPort: 'patients-sql',
            consumer: PRODUCT,
            state: 'active',
            pii: false,
            expiresAt: '2026-06-01T00:00:00.000Z',
          }),
        ]);
        const row = within(await screen.findByTestId('input-port-patients'));
        // the grant's state first, then (the upstream looked up) that it
        // falls short
        expect(
          await row.findByText(
            'Personal data masked; the input needs them in clear',
          ),
        ).toBeInTheDocument();
        expect(row.getByTestId('access-state-active')).toBeInTheDocument();
        await userEvent.click(
          row.getByRole('button', {
            name: 'Request personal data of patients',
          }),
        );
        const dialog = within(await screen.findByRole('dialog'));
        // the upstream looked up to judge the grant is the one asked of
        expect(
          jest
            .mocked(catalog.getEntityByRef)
            .mock.calls.filter(
              ([ref]) => ref === 'dataproduct:default/patients',
            ),
        ).toHaveLength(1);
        expect(dialog.getByLabelText(/Purpose/)).toHaveValue(
          'Input of Patient encounters: Demographics for joining encounters to patients',
        );
        expect(
          dialog.getByRole('checkbox', {
            name: /I need the personal-data columns in clear \(full_name\)/,
          }),
        ).toBeChecked();
        await userEvent.click(
          dialog.getByRole('button', { name: 'Send request' }),
        );
        await screen.findByTestId('access-request-created');
        expect(access.requests.find(r => r.id !== 'masked')).toMatchObject({
          product: 'dataproduct:default/patients',
          consumer: PRODUCT,
          pii: true,
          purpose:
            'Input of Patient encounters: Demographics for joining encounters to patients',
        });
      });

      it('is covered by a masked grant when the upstream holds no personal data', async () => {
        const plain: DataProductEntityV1alpha1 = {
          ...registry,
          spec: {
            ...registry.spec,
            datasets: [
              {
                name: 'patients',
                columns: [{ name: 'patient_id', type: 'integer' }],
              },
            ],
          },
        };
        renderAccess({
          entity: inClear,
          element: <InputPortsCard />,
          products: [inClear, plain],
          requests: [
            accessRequest({
              id: 'masked',
              product: 'dataproduct:default/patients',
              outputPort: 'patients-sql',
              consumer: PRODUCT,
              state: 'active',
              pii: false,
            }),
          ],
          ...OWNER,
        });
        const row = within(await screen.findByTestId('input-port-patients'));
        expect(
          await row.findByTestId('access-state-active'),
        ).toBeInTheDocument();
        // nothing to unmask: nothing more to ask
        await new Promise(resolve => setTimeout(resolve, 50));
        expect(row.queryByText(/Personal data masked/)).toBeNull();
        expect(row.queryByRole('button', { name: /Request/ })).toBeNull();
      });

      it('is covered by a grant with the personal data', async () => {
        renderInClear(OWNER, [
          accessRequest({
            id: 'in-clear',
            product: 'dataproduct:default/patients',
            outputPort: 'patients-sql',
            consumer: PRODUCT,
            state: 'active',
            pii: true,
          }),
        ]);
        const row = within(await screen.findByTestId('input-port-patients'));
        expect(
          await row.findByTestId('access-state-active'),
        ).toBeInTheDocument();
        expect(row.queryByText(/Personal data masked/)).toBeNull();
        expect(row.queryByRole('button', { name: /Request/ })).toBeNull();
      });
    });

    it('is not shown to people outside the owning team', async () => {
      render(ANALYST);
      await screen.findByTestId('input-port-patients');
      expect(
        screen.queryByRole('columnheader', { name: "This product's access" }),
      ).toBeNull();
      expect(
        screen.queryByRole('button', { name: /Request access/ }),
      ).toBeNull();
    });
  });
});
