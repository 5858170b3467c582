import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * "Access" tab: the product's access requests, with approve / reject /
 * revoke for its owners and extend for requesters, and each request's history.
 * @alpha
 */
export const dataProductAccessContent = EntityContentBlueprint.make({
  name: 'access',
  params: {
    path: '/access',
    title: 'Access',
    filter: isDataProduct,
    loader: () =>
      import('../../components/access/DataProductAccessContent').then(m => (
        <m.DataProductAccessContent />
      )),
  },
});
