import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * "SLOs" tab: objectives with SLI, status, error budget and burn rate, the
 * slice history per objective and the latest check results.
 * @alpha
 */
export const dataProductSlosContent = EntityContentBlueprint.make({
  name: 'slos',
  params: {
    path: '/slos',
    title: 'SLOs',
    filter: isDataProduct,
    loader: () =>
      import('../../components/slo/DataProductSlosContent').then(m => (
        <m.DataProductSlosContent />
      )),
  },
});
