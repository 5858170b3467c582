import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** Lineage graph (catalog-graph over dependsOn/dependencyOf). @alpha */
export const dataProductLineageCard = EntityCardBlueprint.make({
  name: 'lineage',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/DataProductLineageCard').then(m => (
        <m.DataProductLineageCard />
      )),
  },
});
