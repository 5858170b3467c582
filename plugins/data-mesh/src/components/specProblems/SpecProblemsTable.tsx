import { Table, type TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { ReactNode } from 'react';
import type { SpecIssue, SpecProblem } from '@datamesh/plugin-data-mesh-common';
import { errorMessage } from '../slo/SloErrors';

/** `19:7`, `19`, or empty when the source was not YAML text. */
export function formatPosition(issue: SpecIssue): string {
  if (!issue.line) return '';
  return issue.column ? `${issue.line}:${issue.column}` : String(issue.line);
}

/** One located issue per row, with the failing spec file it came from. */
interface Row {
  id: string;
  problem?: SpecProblem;
  issue: SpecIssue;
}

const severityChip = (issue: SpecIssue) => (
  <Chip
    size="small"
    label={issue.severity}
    color={issue.severity === 'error' ? 'secondary' : 'default'}
  />
);

// The issue's own file only when it differs from the spec file (a contract
// beside it), so the common case reads as one file per row.
const fileCell = (row: Row) => {
  const own = row.issue.file;
  const spec = row.problem?.file;
  return (
    <Box style={{ wordBreak: 'break-all' }}>
      <Typography variant="body2">{spec ?? own ?? ''}</Typography>
      {own && spec && own !== spec && (
        <Typography variant="caption" color="textSecondary">
          in {own}
        </Typography>
      )}
    </Box>
  );
};

const issueColumns: TableColumn<Row>[] = [
  { title: 'Severity', width: '90px', render: row => severityChip(row.issue) },
  {
    title: 'Path',
    field: 'issue.path',
    render: row => <code>{row.issue.path}</code>,
  },
  {
    title: 'Line:column',
    width: '110px',
    render: row => formatPosition(row.issue),
  },
  { title: 'Message', field: 'issue.message' },
];

/**
 * Located issues of failing spec files (`problems`) or of one checked spec
 * (`issues`): file, path, line:column, message and, for spec files, the
 * owner the broken spec names.
 */
export function SpecIssuesTable(props: {
  title: string;
  problems?: SpecProblem[];
  issues?: SpecIssue[];
  emptyContent?: ReactNode;
}) {
  const rows: Row[] = props.problems
    ? props.problems.flatMap(problem =>
        problem.issues.map((issue, i) => ({
          id: `${problem.entityRef}|${problem.file}|${i}`,
          problem,
          issue,
        })),
      )
    : (props.issues ?? []).map((issue, i) => ({ id: String(i), issue }));
  const columns: TableColumn<Row>[] = [
    { title: 'File', render: fileCell },
    ...issueColumns,
  ];
  if (props.problems) {
    columns.push({
      title: 'Owner',
      render: row =>
        row.problem?.owner ? (
          <EntityRefLink entityRef={row.problem.owner} defaultKind="group" />
        ) : (
          <Typography variant="body2" color="textSecondary">
            not named
          </Typography>
        ),
    });
  }
  return (
    <Table<Row>
      title={props.title}
      data={rows}
      columns={columns}
      options={{
        paging: rows.length > 50,
        pageSize: 50,
        search: rows.length > 10,
        padding: 'dense',
      }}
      emptyContent={props.emptyContent}
    />
  );
}

/** Why spec problems could not be loaded, with the backend's message. */
export function SpecProblemsLoadError(props: { error: Error; what: string }) {
  return (
    <Alert severity="error" data-testid="spec-problems-error">
      <AlertTitle>{`${props.what} could not be loaded`}</AlertTitle>
      {errorMessage(props.error)}
    </Alert>
  );
}
