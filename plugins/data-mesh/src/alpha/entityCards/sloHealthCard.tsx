import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * SLO health chip on the overview. A card, because catalog 1.55's entity
 * page has no additive header slot: `EntityHeaderLayoutBlueprint` (and the
 * deprecated `EntityHeaderBlueprint`) replace the whole header. Adopters
 * with their own header layout can render `EntitySloHealthChip` in it.
 * @alpha
 */
export const dataProductSloHealthCard = EntityCardBlueprint.make({
  name: 'slo-health',
  params: {
    type: 'info',
    filter: isDataProduct,
    loader: () =>
      import('../../components/slo/SloHealth').then(m => <m.SloHealthCard />),
  },
});
