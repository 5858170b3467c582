import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import { InfrastructureCard } from '../components/infra/InfrastructureCard';
import { fakeDataMeshBackend } from './fakeBackend';
import { patientEncounters } from './fixtures';
import { renderForEntity } from './render';

const PATH = '/products/default/patient-encounters/infrastructure';

/**
 * The Infrastructure card of patient-encounters, the backend answering
 * `body`, which must follow the REST contract (checked first, so a test
 * cannot draw what the backend may not send).
 */
export function renderInfrastructureCard(body: unknown) {
  expect(
    createDataMeshApiValidator().response(
      { method: 'get', path: '/products/{namespace}/{name}/infrastructure' },
      200,
      body,
    ),
  ).toEqual([]);
  const backend = fakeDataMeshBackend({ [PATH]: body as any });
  renderForEntity(patientEncounters, <InfrastructureCard />, {
    apis: [backend.apiEntry],
  });
}
