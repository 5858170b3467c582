import {
  ApiBlueprint,
  createApiFactory,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { dataMeshApiRef, DataMeshClient } from '../api';

/** The client of the data mesh backend (SLOs). @alpha */
export const dataMeshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams(
      createApiFactory({
        api: dataMeshApiRef,
        deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
        factory: ({ discoveryApi, fetchApi }) =>
          new DataMeshClient({ discoveryApi, fetchApi }),
      }),
    ),
});
