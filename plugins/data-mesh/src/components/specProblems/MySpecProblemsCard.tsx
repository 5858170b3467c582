import Box from '@material-ui/core/Box';
import { SpecIssuesTable, SpecProblemsLoadError } from './SpecProblemsTable';
import { useSpecProblems } from './useSpecProblems';

const TITLE = 'Problems in your specs';

/**
 * On My data products: the failing spec files that name one of the
 * signed-in user's groups as owner (`mine=true`), so a team sees its broken
 * spec before anyone asks why the product is missing from the catalog.
 * Renders nothing while loading or when every spec reads well: the page is
 * about the team's products, and an empty table would only push them down.
 * @public
 */
export function MySpecProblemsCard(props: { refreshMs?: number }) {
  const { value, error } = useSpecProblems({ mine: true }, props.refreshMs);
  if (error && !value) {
    return (
      <Box mb={2}>
        <SpecProblemsLoadError error={error} what={TITLE} />
      </Box>
    );
  }
  const items = value?.items ?? [];
  if (!items.length) return null;
  return (
    <Box mb={2} data-testid="my-spec-problems">
      <SpecIssuesTable title={`${TITLE} (${items.length})`} problems={items} />
    </Box>
  );
}
