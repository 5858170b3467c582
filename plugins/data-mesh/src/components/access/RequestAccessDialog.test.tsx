import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  DataProductEntityV1alpha1,
  OutputPort,
} from '@datamesh/plugin-data-mesh-common';
import { OutputPortsCard } from '../OutputPortsCard';
import {
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { renderAccess } from '../../__testUtils__/accessRender';
import { errorResponse } from '../../__testUtils__/fakeBackend';
import { accessRequest } from '../../__testUtils__/fakeAccessBackend';

// The encounters port with an access policy (the OAM `access` property).
const [sqlPort, countsPort] = patientEncounters.spec.outputPorts!;
const withPolicy: DataProductEntityV1alpha1 = {
  ...patientEncounters,
  spec: {
    ...patientEncounters.spec,
    outputPorts: [
      {
        ...sqlPort,
        access: { defaultDuration: '30d', maxDuration: '180d' },
      } as OutputPort,
      countsPort,
    ],
  },
};

const ANALYST = {
  user: 'user:default/ann',
  groups: ['group:default/population-health'],
};

async function openForm(port = 'encounters_sql', entity = withPolicy) {
  const rendered = renderAccess({
    entity,
    element: <OutputPortsCard />,
    products: [entity, patients, readmissionRisk],
    ...ANALYST,
  });
  await userEvent.click(
    await screen.findByRole('button', { name: `Request access to ${port}` }),
  );
  const dialog = await screen.findByRole('dialog');
  return { ...rendered, dialog: within(dialog) };
}

const send = () =>
  userEvent.click(screen.getByRole('button', { name: 'Send request' }));

async function chooseConsumer(label: string) {
  await userEvent.click(screen.getByLabelText(/On behalf of/));
  await userEvent.click(await screen.findByRole('option', { name: label }));
}

describe('Request access', () => {
  it("offers my groups and my groups' products, the port's default duration and the agreement", async () => {
    const { dialog } = await openForm();
    expect(dialog.getByLabelText('Duration (days)')).toHaveValue(30);
    expect(
      dialog.getByText('At most 180 days on this port'),
    ).toBeInTheDocument();
    expect(dialog.getByTestId('agreement-limitations')).toHaveTextContent(
      'No re-identification of patients',
    );
    // the encounters dataset has PII columns: the form asks
    expect(
      dialog.getByLabelText(
        'I need the personal-data columns in clear (patient_mrn, diagnosis_code)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(dialog.getByLabelText(/On behalf of/));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Team: Population health',
      // owned by population-health; patients (ehr-team's) is not offered
      'Data product: Readmission risk',
    ]);
  });

  it('asks nothing about personal data when the dataset has no PII columns, and defaults to 90 days', async () => {
    const { dialog } = await openForm('daily_counts_jdbc');
    expect(
      dialog.queryByLabelText(/personal-data columns/),
    ).not.toBeInTheDocument();
    expect(dialog.getByLabelText('Duration (days)')).toHaveValue(90);
  });

  it('refuses an empty purpose, an unaccepted agreement and a duration above the maximum, sending nothing', async () => {
    const { dialog, access } = await openForm();
    await userEvent.clear(dialog.getByLabelText('Duration (days)'));
    await userEvent.type(dialog.getByLabelText('Duration (days)'), '200');
    await send();
    expect(dialog.getByText('A purpose is required')).toBeInTheDocument();
    expect(
      dialog.getByText('Accept the data-sharing agreement to send the request'),
    ).toBeInTheDocument();
    expect(
      dialog.getByText('At most 180 days on this port'),
    ).toBeInTheDocument();
    expect(dialog.getByLabelText('Duration (days)')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(access.requests).toHaveLength(0);
  });

  it('sends the request and confirms it with its state', async () => {
    const { dialog, access } = await openForm();
    await chooseConsumer('Team: Population health');
    await userEvent.type(dialog.getByLabelText(/Purpose/), 'Readmission model');
    await userEvent.click(dialog.getByLabelText(/personal-data columns/));
    await userEvent.click(
      dialog.getByLabelText('I accept the data-sharing agreement'),
    );
    await send();
    const confirmation = await screen.findByTestId('access-request-created');
    expect(
      within(confirmation).getByTestId('access-state-pending'),
    ).toBeInTheDocument();
    expect(confirmation).toHaveTextContent('team_population_health');
    expect(access.requests).toHaveLength(1);
    expect(access.requests[0]).toMatchObject({
      product: 'dataproduct:default/patient-encounters',
      outputPort: 'encounters_sql',
      consumer: 'group:default/population-health',
      requester: 'user:default/ann',
      purpose: 'Readmission model',
      pii: true,
      duration: '30d',
    });
    // closed: the port now shows the request, pending
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    const port = within(screen.getByTestId('output-port-encounters_sql'));
    expect(
      await port.findByTestId(`my-port-access-${access.requests[0].id}`),
    ).toHaveTextContent('Pending');
  });

  it('says when the team already reads the port or has asked, unless more is asked (personal data)', async () => {
    renderAccess({
      entity: withPolicy,
      element: <OutputPortsCard />,
      products: [withPolicy, patients, readmissionRisk],
      requests: [
        accessRequest({
          id: '00000000000000a7',
          state: 'active',
          pii: false,
          expiresAt: '2026-09-30T10:00:00.000Z',
        }),
      ],
      ...ANALYST,
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Request access to encounters_sql',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.queryByTestId('access-request-covered')).toBeNull();
    await chooseConsumer('Team: Population health');
    expect(dialog.getByTestId('access-request-covered')).toHaveTextContent(
      'group:default/population-health already reads this port (active, until 30 Sept 2026); extend it from My access',
    );
    // asking for personal data asks for more: no notice
    await userEvent.click(dialog.getByLabelText(/personal-data columns/));
    expect(dialog.queryByTestId('access-request-covered')).toBeNull();
    // another consumer has nothing yet
    await userEvent.click(dialog.getByLabelText(/personal-data columns/));
    await chooseConsumer('Data product: Readmission risk');
    expect(dialog.queryByTestId('access-request-covered')).toBeNull();
  });

  it("shows the backend's refusal on the field it names", async () => {
    const entity = withPolicy;
    renderAccess({
      entity,
      element: <OutputPortsCard />,
      products: [entity],
      ...ANALYST,
      routes: {
        '/access-requests': () =>
          errorResponse(
            400,
            'InputError',
            "pii: port 'encounters_sql' never grants personal data",
          ),
      },
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Request access to encounters_sql',
      }),
    );
    await chooseConsumer('Team: Population health');
    await userEvent.type(screen.getByLabelText(/Purpose/), 'Audit');
    await userEvent.click(
      screen.getByLabelText('I accept the data-sharing agreement'),
    );
    await send();
    await waitFor(() =>
      expect(
        screen.getByText("port 'encounters_sql' never grants personal data"),
      ).toBeInTheDocument(),
    );
    expect(
      screen.queryByTestId('access-request-created'),
    ).not.toBeInTheDocument();
  });
});
