import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** @alpha */
export const dataProductAgreementCard = EntityCardBlueprint.make({
  name: 'data-sharing-agreement',
  params: {
    type: 'info',
    filter: isDataProduct,
    loader: () =>
      import('../../components/DataSharingAgreementCard').then(m => (
        <m.DataSharingAgreementCard />
      )),
  },
});
