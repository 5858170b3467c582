/*
 * Fleet page: governance compliance per domain — how many products pass
 * every policy, results by status, and the rules with the most problems —
 * and the register of who reads personal data in clear.
 */
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { useGovernanceApi } from './governanceApi';
import { PersonalDataAccessCard } from './PersonalDataAccessCard';

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((100 * part) / whole)} %` : '–';
}

const products = (n: number) => `${n} product${n === 1 ? '' : 's'}`;

/** "pii-classified (fails 1 product, warns on 2)": only what happened. */
function ruleProblem(rule: { ruleId: string; fail: number; warn: number }) {
  const what = [
    rule.fail ? `fails ${products(rule.fail)}` : '',
    rule.warn ? `warns on ${rule.fail ? rule.warn : products(rule.warn)}` : '',
  ].filter(Boolean);
  return `${rule.ruleId} (${what.join(', ')})`;
}

/** Compliance per domain: the page's body (the new frontend system renders it under its own header). @public */
export function Compliance() {
  const api = useGovernanceApi();
  const state = useAsync(() => api.summary(), []);
  let body;
  if (state.loading) body = <Progress />;
  else if (state.error || !state.value) {
    body = (
      <Alert severity="error">
        Compliance could not be loaded: {state.error?.message}
      </Alert>
    );
  } else {
    const { domains, ruleProblems } = state.value;
    body = (
      <>
        {ruleProblems.map(p => (
          <Alert key={p} severity="error">
            Broken rule: {p}
          </Alert>
        ))}
        <InfoCard title="Compliance per domain">
          <Table size="small" aria-label="Compliance per domain">
            <TableHead>
              <TableRow>
                <TableCell>Domain</TableCell>
                <TableCell>Compliant products</TableCell>
                <TableCell>Failed</TableCell>
                <TableCell>Warnings</TableCell>
                <TableCell>Rules with most problems</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {domains.map(d => (
                <TableRow key={d.domain}>
                  <TableCell>
                    {d.domain.startsWith('domain:') ? (
                      <EntityRefLink entityRef={d.domain} />
                    ) : (
                      d.domain
                    )}
                  </TableCell>
                  <TableCell>
                    {d.compliant} of {d.products} (
                    {percent(d.compliant, d.products)})
                  </TableCell>
                  <TableCell>{d.counts.fail}</TableCell>
                  <TableCell>{d.counts.warn}</TableCell>
                  <TableCell>
                    {d.rules
                      .filter(r => r.fail || r.warn)
                      .sort((a, b) => b.fail - a.fail || b.warn - a.warn)
                      .slice(0, 3)
                      .map(ruleProblem)
                      .join(', ') || 'none'}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      </>
    );
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
      <div>{body}</div>
      <PersonalDataAccessCard />
    </Box>
  );
}

/** Stand-alone page (legacy apps). @public */
export function CompliancePage() {
  return (
    <Page themeId="tool">
      <Header
        title="Compliance"
        subtitle="Governance policies per domain: built-in rules and the platform's rules"
      />
      <Content>
        <Compliance />
      </Content>
    </Page>
  );
}
