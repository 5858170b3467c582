import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * Governance card on the overview: each policy's pass / warn / fail at the
 * product's stage, with its message and link.
 * @alpha
 */
export const dataProductGovernanceCard = EntityCardBlueprint.make({
  name: 'governance',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/governance/GovernanceCard').then(m => (
        <m.GovernanceCard />
      )),
  },
});
