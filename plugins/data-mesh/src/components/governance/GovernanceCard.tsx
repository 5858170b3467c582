/*
 * The Governance card of a product page: every policy in force at the
 * product's stage with pass / warn / fail, its message and link, from the
 * backend (which also knows the SLO status), and rules that are broken.
 */
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { NotADataProductCard, useDataProductEntity } from '../common';
import { useGovernanceApi } from './governanceApi';
import { GovernanceStatusChip } from './GovernanceStatusChip';

const TITLE = 'Governance';

// failures first: what the owner has to act on heads the card
const ORDER = { fail: 0, warn: 1, 'not-evaluated': 2, pass: 3 };

export function GovernanceCard() {
  const entity = useDataProductEntity();
  const api = useGovernanceApi();
  const ref = entity ? stringifyEntityRef(entity) : undefined;
  const state = useAsync(
    async () => (ref ? api.product(ref) : undefined),
    [ref],
  );
  if (!entity) return <NotADataProductCard title={TITLE} />;
  if (state.loading) {
    return (
      <InfoCard title={TITLE}>
        <Progress />
      </InfoCard>
    );
  }
  if (state.error || !state.value) {
    return (
      <InfoCard title={TITLE}>
        <Alert severity="error">
          Governance results could not be loaded: {state.error?.message}
        </Alert>
      </InfoCard>
    );
  }
  const report = state.value;
  const results = [...report.results].sort(
    (a, b) => ORDER[a.status] - ORDER[b.status],
  );
  const { counts } = report;
  return (
    <InfoCard
      title={TITLE}
      subheader={`Stage ${report.stage}: ${counts.pass} passed, ${counts.warn} warnings, ${counts.fail} failed`}
    >
      {report.ruleProblems.map(problem => (
        <Alert key={problem} severity="error">
          Broken rule: {problem}
        </Alert>
      ))}
      <Table size="small" aria-label="Governance policies">
        <TableHead>
          <TableRow>
            <TableCell>Status</TableCell>
            <TableCell>Rule</TableCell>
            <TableCell>Message</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {results.map(r => (
            <TableRow key={r.ruleId}>
              <TableCell>
                <GovernanceStatusChip status={r.status} />
              </TableCell>
              <TableCell>
                {r.link ? <Link to={r.link}>{r.ruleId}</Link> : r.ruleId}
              </TableCell>
              <TableCell>
                {r.message}
                {r.detail && (
                  <Typography variant="body2" color="textSecondary">
                    {r.detail}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
