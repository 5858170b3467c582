import type { Entity } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import { DATA_PRODUCT_KIND } from '@datamesh/plugin-data-mesh-common';
import { useFleetHealth } from '../../fleet/useFleetHealth';
import { dataProductTypeLabel } from '../common';
import { shortRef } from '../marketplace/marketplaceModel';
import { SloStatusChip } from '../slo/SloStatusChip';

/**
 * The fields of a `data-product` search document this item shows (written
 * by @datamesh/plugin-search-backend-module-data-mesh).
 */
interface DataProductResult {
  title: string;
  text: string;
  location: string;
  namespace?: string;
  name?: string;
  type?: string;
  domain?: string;
}

function Health(props: { namespace: string; name: string }) {
  // a stub entity: the item only needs the fleet row, which is shared by
  // every result on the page (one request)
  const entity: Entity = {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: DATA_PRODUCT_KIND,
    metadata: { namespace: props.namespace, name: props.name },
  };
  const { health } = useFleetHealth(entity);
  return health.status ? <SloStatusChip status={health.status} /> : null;
}

/** The search engine's marks of a result (`ResultHighlight` of search-common). */
interface ResultHighlight {
  preTag: string;
  postTag: string;
  fields: { [field: string]: string };
}

/** At most this many dataset and column lines say why a product matched. */
const MATCHED_LINES = 3;

/**
 * The dataset and column lines of the document's text in which the search
 * engine marked a match (Lunr gives the whole text marked, PostgreSQL
 * excerpts of it; both keep the collator's lines): a consumer searching
 * for a column sees where it is before opening the product.
 */
export function matchedLines(highlight?: ResultHighlight): string[] {
  const text = highlight?.fields?.text;
  if (!text) return [];
  return text
    .split('\n')
    .filter(
      line =>
        line.includes(highlight.preTag) &&
        /^(Dataset|Column) /.test(
          line
            .split(highlight.preTag)
            .join('')
            .split(highlight.postTag)
            .join(''),
        ),
    )
    .slice(0, MATCHED_LINES);
}

/**
 * A data product in the search results: title, domain, type, SLO health,
 * the first line of its description, and the datasets and columns that
 * matched the search.
 * @public
 */
export function DataProductSearchResultListItem(props: {
  result?: DataProductResult | { [key: string]: unknown };
  highlight?: ResultHighlight;
  icon?: JSX.Element;
  rank?: number;
}) {
  const result = props.result as DataProductResult | undefined;
  if (!result) return null;
  const [description] = result.text.split('\n');
  const domain = shortRef(result.domain, 'domain');
  const matched = matchedLines(props.highlight);
  return (
    <ListItem alignItems="flex-start" data-testid="data-product-result">
      {props.icon && <ListItemIcon>{props.icon}</ListItemIcon>}
      <ListItemText
        primary={<Link to={result.location}>{result.title}</Link>}
        secondary={
          <>
            <Box
              component="span"
              display="flex"
              alignItems="center"
              flexWrap="wrap"
              style={{ gap: 8 }}
            >
              <Typography variant="caption" component="span">
                Data product
                {result.type ? ` · ${dataProductTypeLabel(result.type)}` : ''}
                {domain ? ` · domain ${domain}` : ''}
              </Typography>
              {result.name && (
                <Health
                  namespace={result.namespace ?? 'default'}
                  name={result.name}
                />
              )}
            </Box>
            <Typography
              variant="body2"
              component="span"
              color="textSecondary"
              style={{ display: 'block' }}
            >
              {description}
            </Typography>
            {matched.map(line => (
              <Typography
                key={line}
                variant="caption"
                component="span"
                color="textSecondary"
                style={{ display: 'block' }}
                data-testid="data-product-result-match"
              >
                <HighlightedSearchResultText
                  text={line}
                  preTag={props.highlight!.preTag}
                  postTag={props.highlight!.postTag}
                />
              </Typography>
            ))}
          </>
        }
        secondaryTypographyProps={{ component: 'div' }}
      />
    </ListItem>
  );
}
