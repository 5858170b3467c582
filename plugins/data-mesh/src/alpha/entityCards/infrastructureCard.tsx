import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * Infrastructure card on the overview: provisioned names, in-sync/drift
 * status and the repair plan, from the backend's drift detection.
 * @alpha
 */
export const dataProductInfrastructureCard = EntityCardBlueprint.make({
  name: 'infrastructure',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/infra/InfrastructureCard').then(m => (
        <m.InfrastructureCard />
      )),
  },
});
