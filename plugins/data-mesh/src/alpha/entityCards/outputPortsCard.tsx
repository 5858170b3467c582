import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** @alpha */
export const dataProductOutputPortsCard = EntityCardBlueprint.make({
  name: 'output-ports',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/OutputPortsCard').then(m => (
        <m.OutputPortsCard />
      )),
  },
});
