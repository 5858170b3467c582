import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * Data quality card on the overview: the spec's data-quality checks with
 * their latest results and recent runs; owners measure them now.
 * @alpha
 */
export const dataProductQualityCard = EntityCardBlueprint.make({
  name: 'quality',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/quality/DataQualityCard').then(m => (
        <m.DataQualityCard />
      )),
  },
});
