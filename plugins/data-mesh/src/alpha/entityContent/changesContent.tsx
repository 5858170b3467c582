import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * "Changes" tab: each ingested version of the product's spec with its
 * changes classified (breaking, non-breaking, info) against the one before.
 * @alpha
 */
export const dataProductChangesContent = EntityContentBlueprint.make({
  name: 'changes',
  params: {
    path: '/changes',
    title: 'Changes',
    filter: isDataProduct,
    loader: () =>
      import('../../components/changes/DataProductChangesContent').then(m => (
        <m.DataProductChangesContent />
      )),
  },
});
