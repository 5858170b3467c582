import { parseEntityRef } from '@backstage/catalog-model';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  type AccessRequest,
  holdsGrant,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { fleetKey } from '../../fleet/joinFleet';
import { useSharedFleet } from '../../fleet/useFleetHealth';
import { useSignedInUser } from '../access/hooks';
import { EXPIRY_SOON_DAYS, expiresSoon } from '../access/rules';
import { SPEC_PROBLEMS_PATH } from '../specProblems/SpecProblemsSidebarItem';
import { errorMessage } from '../slo/SloErrors';

/** Where each line leads; the portal's own pages by default. */
export interface NeedsYouLinks {
  myDataProducts?: string;
  myAccess?: string;
  specProblems?: string;
  /** The Drift page: grants made by hand on several products, what products left behind. */
  drift?: string;
}

/** A product's Access tab, from its entity ref. */
function productPageOf(ref: string): string {
  const { namespace, name } = parseEntityRef(ref);
  return `/catalog/${namespace}/dataproduct/${name}`;
}

function accessTabOf(ref: string): string {
  return `${productPageOf(ref)}/access`;
}

/** One thing to look at: how many, in words, and where. */
interface Line {
  id: string;
  count: number;
  text: string;
  to: string;
}

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * "What needs you" on the home page: for the signed-in user, the access
 * requests waiting for their decision, their teams' products breaching an
 * SLO or failing data-quality checks, the products they read that breach
 * one or fail them, their teams' grants ending
 * soon, their teams' spec files the catalog could not read, the grants
 * made by hand on their teams' products and the products whose schemas or
 * roles left behind they may drop (their own, and for the platform team
 * those of products gone from the catalog) — each a count and a link,
 * nothing when all is well. Eight requests (the inbox, the user's and their
 * teams' requests, the shared SLO fleet, spec problems, grants made by
 * hand, what the leftovers watch saw, their teams' products failing
 * checks, every product's checks); one that fails says so on its line and
 * the others still show.
 *
 * @public
 */
export function NeedsYouCard(props: { links?: NeedsYouLinks }) {
  const links = {
    myDataProducts: '/data-products/mine',
    myAccess: '/data-products/my-access',
    specProblems: SPEC_PROBLEMS_PATH,
    drift: '/data-products/drift',
    ...props.links,
  };
  const api = useApi(dataMeshApiRef);
  const user = useSignedInUser();
  const fleet = useSharedFleet();
  const lists = useAsync(async () => {
    const [inbox, ours, problems, handMade, leftBehind, quality, checks] =
      await Promise.allSettled([
        api.listAccessRequests({ inbox: true }),
        api.listAccessRequests({ ours: true }),
        api.listSpecProblems({ mine: true }),
        api.listUnexplainedGrants(),
        api.listLeftoversSeen(),
        api.listFailingQuality(),
        api.listProductsQuality(),
      ]);
    return { inbox, ours, problems, handMade, leftBehind, quality, checks };
  }, [api]);
  if (user.loading || fleet.loading || lists.loading) return <Progress />;

  const groups = new Set(user.value?.groups ?? []);
  const lines: Line[] = [];
  const failures: string[] = [];
  const { inbox, ours, problems, handMade, leftBehind, quality, checks } =
    lists.value ?? {};
  if (inbox?.status === 'fulfilled') {
    lines.push({
      id: 'decide',
      count: inbox.value.items.length,
      text: `${plural(
        inbox.value.items.length,
        'access request waits',
        'access requests wait',
      )} for your decision`,
      to: links.myDataProducts,
    });
  } else if (inbox) failures.push('access requests to decide');
  if (fleet.value) {
    const owned = [...fleet.value.values()].filter(
      item =>
        item.status === 'breaching' &&
        groups.has((item.owner ?? '').toLowerCase()),
    );
    lines.push({
      id: 'breaching-owned',
      count: owned.length,
      text: `${plural(
        owned.length,
        "of your teams' products breaches",
        "of your teams' products breach",
      )} an SLO`,
      to: links.myDataProducts,
    });
  } else failures.push('SLO health');
  if (quality?.status === 'fulfilled') {
    // the backend lists the user's teams' products only
    const failing = quality.value.items;
    lines.push({
      id: 'quality-failing',
      count: failing.length,
      text: `${plural(
        failing.length,
        "of your teams' products fails",
        "of your teams' products fail",
      )} data-quality checks`,
      // one product: its page, whose Data quality card lists them
      to:
        failing.length === 1
          ? productPageOf(failing[0].product)
          : links.myDataProducts,
    });
  } else if (quality) failures.push('data-quality checks');
  if (ours?.status === 'fulfilled') {
    const granted: AccessRequest[] = ours.value.items.filter(r =>
      holdsGrant(r.state),
    );
    if (fleet.value) {
      const read = new Set(
        granted
          .map(r => r.product)
          .filter(p => fleet.value!.get(fleetKey(p))?.status === 'breaching'),
      );
      lines.push({
        id: 'breaching-read',
        count: read.size,
        text: `${plural(
          read.size,
          'product you read breaches',
          'products you read breach',
        )} an SLO: what you read may be late`,
        to: links.myAccess,
      });
    }
    if (checks?.status === 'fulfilled') {
      const failing = new Set(
        checks.value.items
          .filter(p => p.failing.length > 0)
          .map(p => fleetKey(p.product)),
      );
      const read = [
        ...new Set(
          granted.map(r => r.product).filter(p => failing.has(fleetKey(p))),
        ),
      ];
      lines.push({
        id: 'quality-read',
        count: read.length,
        text: `${plural(
          read.length,
          'product you read fails',
          'products you read fail',
        )} data-quality checks: what you read may be wrong`,
        // one product: its page, whose Data quality card says which
        to: read.length === 1 ? productPageOf(read[0]) : links.myAccess,
      });
    } else if (checks)
      failures.push('the data-quality checks of what you read');
    const now = Date.now();
    const ending = granted.filter(r => expiresSoon(r.expiresAt, now));
    lines.push({
      id: 'ending',
      count: ending.length,
      text: `${plural(
        ending.length,
        "of your teams' grants ends",
        "of your teams' grants end",
      )} within ${EXPIRY_SOON_DAYS} days: extend them`,
      to: links.myAccess,
    });
  } else if (ours) failures.push('your access');
  if (handMade?.status === 'fulfilled') {
    // on the products the user's teams own (the fleet knows the owners)
    const grants = fleet.value
      ? handMade.value.items.filter(g =>
          groups.has(
            (fleet.value!.get(fleetKey(g.product))?.owner ?? '').toLowerCase(),
          ),
        )
      : [];
    const products = [...new Set(grants.map(g => g.product))];
    lines.push({
      id: 'hand-made-grants',
      count: grants.length,
      text: `${plural(
        grants.length,
        'grant made by hand reads',
        'grants made by hand read',
      )} your teams' products outside any access request: record or revoke ${
        grants.length === 1 ? 'it' : 'them'
      }`,
      // one product: its Access tab, where the drift panel offers both
      to: products.length === 1 ? accessTabOf(products[0]) : links.drift,
    });
  } else if (handMade) failures.push('grants made by hand');
  if (leftBehind?.status === 'fulfilled') {
    // the backend lists only what the user may drop
    const products = new Set(leftBehind.value.items.map(l => l.product));
    lines.push({
      id: 'left-behind',
      count: products.size,
      text: `${plural(
        products.size,
        'product left schemas or roles',
        'products left schemas or roles',
      )} behind in the warehouse: drop or keep ${
        leftBehind.value.items.length === 1 ? 'it' : 'them'
      }`,
      to: links.drift,
    });
  } else if (leftBehind) failures.push('what products left behind');
  if (problems?.status === 'fulfilled') {
    lines.push({
      id: 'spec-problems',
      count: problems.value.items.length,
      text: `${plural(
        problems.value.items.length,
        "of your teams' spec files cannot be read",
        "of your teams' spec files cannot be read",
      )} by the catalog`,
      to: links.specProblems,
    });
  } else if (problems) failures.push('spec problems');

  const due = lines.filter(l => l.count > 0);
  return (
    <div data-testid="data-mesh-needs-you">
      {due.length === 0 && failures.length === 0 && (
        <Typography variant="body2" data-testid="needs-you-nothing">
          Nothing needs you now: no decision waits, your teams' products and
          what you read meet their SLOs and data-quality checks, and your specs
          read well.
        </Typography>
      )}
      {due.length > 0 && (
        <List dense disablePadding>
          {due.map(line => (
            <ListItem key={line.id} disableGutters>
              <ListItemText
                primary={<Link to={line.to}>{line.text}</Link>}
                data-testid={`needs-you-${line.id}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      {failures.length > 0 && (
        <Typography
          variant="caption"
          color="textSecondary"
          display="block"
          data-testid="needs-you-unchecked"
        >
          Could not check {failures.join(', ')}
          {fleet.error ? ` (${errorMessage(fleet.error)})` : ''}.
        </Typography>
      )}
    </div>
  );
}
