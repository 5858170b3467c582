import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** @alpha */
export const dataProductInputPortsCard = EntityCardBlueprint.make({
  name: 'input-ports',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/InputPortsCard').then(m => <m.InputPortsCard />),
  },
});
