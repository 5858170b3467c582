import { SidebarItem } from '@backstage/core-components';
import Badge from '@material-ui/core/Badge';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import { useSpecProblems } from './useSpecProblems';

/** Path of the Spec problems page in the portal. @public */
export const SPEC_PROBLEMS_PATH = '/data-products/spec-problems';

/**
 * Sidebar link to the Spec problems page with the number of failing spec
 * files as a badge (none shown when every spec reads well, or while the
 * count is unknown). Follows the catalog like the page does.
 * @public
 */
export function SpecProblemsSidebarItem(props: {
  to?: string;
  text?: string;
  refreshMs?: number;
}) {
  const { value } = useSpecProblems({}, props.refreshMs);
  const count = value?.total ?? 0;
  // no badge at all at 0: an invisible MUI badge still holds its digit
  const Icon = () =>
    count > 0 ? (
      <Badge
        badgeContent={count}
        color="error"
        data-testid="spec-problems-badge"
      >
        <ErrorOutlineIcon />
      </Badge>
    ) : (
      <ErrorOutlineIcon />
    );
  return (
    <SidebarItem
      icon={Icon}
      to={props.to ?? SPEC_PROBLEMS_PATH}
      text={props.text ?? 'Spec problems'}
    />
  );
}
