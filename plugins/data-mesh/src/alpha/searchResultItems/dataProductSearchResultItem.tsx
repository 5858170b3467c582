import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import StorageIcon from '@material-ui/icons/Storage';

/**
 * How the search page shows a `data-product` document (the DataProduct
 * collator's): domain, type and SLO health. @alpha
 */
export const dataProductSearchResultItem = SearchResultListItemBlueprint.make({
  name: 'data-product',
  params: {
    icon: <StorageIcon />,
    predicate: result => result.type === 'data-product',
    component: () =>
      import('../../components/search/DataProductSearchResultListItem').then(
        m => m.DataProductSearchResultListItem,
      ),
  },
});
