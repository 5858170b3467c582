import { fireEvent, screen, within } from '@testing-library/react';
import { CheckSpec } from './CheckSpec';
import { component } from '../../__testUtils__/fixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
  type FakeRequest,
  type FakeRoutes,
} from '../../__testUtils__/fakeBackend';
import { passingCheck } from '../../__testUtils__/specProblemFixtures';
import { renderForEntity } from '../../__testUtils__/render';
import type { SpecCheckResponse } from '@datamesh/plugin-data-mesh-common';

function render(routes: FakeRoutes) {
  const backend = fakeDataMeshBackend(routes);
  renderForEntity(component, <CheckSpec />, { apis: [backend.apiEntry] });
  return backend;
}

const brokenYaml = 'apiVersion: datamesh.io/v1alpha1\nkind: DataProduct\n';
const brokenCheck: SpecCheckResponse = {
  ok: false,
  file: 'pasted',
  issues: [
    {
      severity: 'error',
      path: 'spec.owner',
      line: 2,
      column: 1,
      message: "must have required property 'owner'",
    },
  ],
};

const checkButton = () => screen.getByRole('button', { name: 'Check' });

describe('CheckSpec', () => {
  it('checks pasted YAML and shows the located problems', async () => {
    const posted: unknown[] = [];
    render({
      '/specs/check': (_url: URL, req: FakeRequest) => {
        posted.push(req.body);
        return jsonResponse(brokenCheck);
      },
    });
    expect(checkButton()).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Spec YAML'), {
      target: { value: brokenYaml },
    });
    fireEvent.click(checkButton());

    expect(await screen.findByTestId('check-summary')).toHaveTextContent(
      'The pasted spec: 1 error',
    );
    expect(posted).toEqual([{ yaml: brokenYaml }]);
    const row = within(
      screen.getByText("must have required property 'owner'").closest('tr')!,
    );
    expect(row.getByText('spec.owner')).toBeInTheDocument();
    expect(row.getByText('2:1')).toBeInTheDocument();
    // no entity, governance or plan for a spec that does not read
    expect(screen.queryByTestId('check-entity')).toBeNull();
    expect(screen.queryByText('Plan preview')).toBeNull();
  });

  it('shows the entity, governance results and plan preview of a good spec', async () => {
    render({ '/specs/check': passingCheck });
    fireEvent.change(screen.getByLabelText('Spec YAML'), {
      target: { value: 'kind: DataProduct' },
    });
    fireEvent.click(checkButton());

    expect(await screen.findByTestId('check-summary')).toHaveTextContent(
      'reads without errors and no governance rule fails (read as odps)',
    );
    expect(screen.getByTestId('check-entity')).toHaveTextContent(
      '"name": "patients"',
    );
    expect(screen.getByText('Governance at stage production')).toBeVisible();
    expect(screen.getByTestId('governance-has-description')).toHaveTextContent(
      'pass',
    );
    expect(screen.getByTestId('governance-pii-steward')).toHaveTextContent(
      'warn',
    );
    expect(screen.getByText('no steward named')).toBeInTheDocument();
    expect(screen.getByTestId('plan-lines').textContent).toBe(
      passingCheck.plan!.lines.join('\n'),
    );
    expect(screen.getByText(/2 steps, 0 destructive/)).toBeInTheDocument();
  });

  it('sends a URL and the chosen format instead of YAML', async () => {
    const posted: unknown[] = [];
    render({
      '/specs/check': (_url: URL, req: FakeRequest) => {
        posted.push(req.body);
        return jsonResponse({
          ...passingCheck,
          file: 'https://git.example/s.yml',
        });
      },
    });
    fireEvent.click(screen.getByLabelText('From a URL'));
    fireEvent.change(screen.getByLabelText(/Spec URL/), {
      target: { value: ' https://git.example/s.yml ' },
    });
    fireEvent.mouseDown(screen.getByRole('button', { name: /Format/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'ODPS' }));
    fireEvent.click(checkButton());
    expect(await screen.findByTestId('check-summary')).toHaveTextContent(
      'https://git.example/s.yml reads without errors',
    );
    expect(posted).toEqual([
      { url: 'https://git.example/s.yml', format: 'odps' },
    ]);
  });

  it("shows the backend's refusal", async () => {
    render({
      '/specs/check': () =>
        errorResponse(400, 'InputError', 'the URL is not readable'),
    });
    fireEvent.change(screen.getByLabelText('Spec YAML'), {
      target: { value: 'x: 1' },
    });
    fireEvent.click(checkButton());
    expect(await screen.findByTestId('spec-problems-error')).toHaveTextContent(
      'The check could not be loaded',
    );
  });
});
