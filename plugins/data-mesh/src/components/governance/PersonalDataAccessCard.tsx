/*
 * "Personal data read in clear" on the Compliance page: the register that
 * information governance (a data protection officer) keeps of who reads
 * personal data — every grant held of a request with personal data, and
 * every grant made by hand of a product's personal-data role that the
 * backend's scheduled check found, with who approved each (both levels
 * where the port's contract names two). Each person sees what the permission
 * policy lets them: auditors and platform admins everything, owners their
 * teams' products, everyone their own and their teams' access.
 */
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  type AccessRequest,
  holdsGrant,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { AnyEntityLink } from '../common';
import { formatExpiry } from '../access/rules';
import { errorMessage } from '../slo/SloErrors';

/** One reader of personal data in clear: through a request, or by hand. */
export interface Reading {
  key: string;
  product: string;
  /** A catalog group or data product, or a warehouse role (or user) nobody in the catalog has. */
  reader: { ref: string } | { role: string };
  purpose?: string;
  /** Who approved it, in order (`system`: the port's policy); none for a grant made by hand. */
  approvedBy?: string[];
  /** The request it is held through; none for a grant made by hand. */
  request?: string;
  since?: string;
  expiresAt?: string | null;
}

/**
 * Who approved a request, in order: the first-level approval where there
 * were two, then the approval that granted it (`system`: the port's policy
 * or the product's own team; a recorded agreement: who recorded it).
 */
export function approversOfRequest(
  request: Pick<AccessRequest, 'history'>,
): string[] {
  return request.history
    .filter(h => h.action === 'approve-first' || h.action === 'approve')
    .map(h => h.by);
}

const day = (iso?: string) => (iso ? iso.slice(0, 10) : '—');
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/**
 * One CSV cell. A value a spreadsheet would take for a formula (a purpose
 * is anyone's text) starts with a quote mark, so it opens as text.
 */
function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The register as CSV, for the records a data protection officer keeps
 * outside the portal: entity refs (not titles), ISO dates.
 */
export function registerCsv(rows: Reading[]): string {
  const lines = [
    [
      'data product',
      'read by',
      'purpose',
      'approved by',
      'through',
      'since',
      'until',
    ],
    ...rows.map(r => [
      r.product,
      'ref' in r.reader ? r.reader.ref : r.reader.role,
      r.purpose ?? '',
      (r.approvedBy ?? []).join('; '),
      r.request ? `access request ${r.request}` : 'a grant made by hand',
      r.since ? r.since.slice(0, 10) : '',
      r.request && r.expiresAt ? r.expiresAt.slice(0, 10) : '',
    ]),
  ];
  return `${lines.map(line => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Offers `text` as a file to save. */
function download(text: string, file: string) {
  const url = URL.createObjectURL(
    new Blob([text], { type: 'text/csv;charset=utf-8' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  URL.revokeObjectURL(url);
}

function accessTab(product: string): string {
  const { namespace, name } = parseEntityRef(product);
  return `/catalog/${namespace}/dataproduct/${name}/access`;
}

/** @public */
export function PersonalDataAccessCard() {
  const api = useApi(dataMeshApiRef);
  const state = useAsync(async (): Promise<Reading[]> => {
    const [requests, byHand] = await Promise.all([
      api.listAccessRequests({ pii: true }),
      api.listUnexplainedGrants(),
    ]);
    const granted: Reading[] = requests.items
      .filter(r => holdsGrant(r.state))
      .map(r => ({
        key: r.id,
        product: r.product,
        reader: { ref: r.consumer },
        purpose: r.purpose,
        approvedBy: approversOfRequest(r),
        request: r.id,
        since: r.decidedAt ?? undefined,
        expiresAt: r.expiresAt,
      }));
    const made: Reading[] = byHand.items
      .filter(g => g.personalData)
      .map(g => ({
        key: `${g.product}|${g.role}|${g.member}`,
        product: g.product,
        reader: g.consumer
          ? { ref: g.consumer }
          : { role: g.memberKind === 'user' ? `user ${g.member}` : g.member },
        since: g.firstSeenAt,
      }));
    return [...granted, ...made].sort(
      (a, b) =>
        a.product.localeCompare(b.product) ||
        Number(!!b.request) - Number(!!a.request),
    );
  }, [api]);

  let body;
  if (state.loading) body = <Progress />;
  else if (state.error) {
    body = (
      <Alert severity="warning">
        The register could not be loaded: {errorMessage(state.error)}
      </Alert>
    );
  } else if (state.value!.length === 0) {
    body = (
      <Typography variant="body2" data-testid="personal-data-none">
        Nobody you may see reads personal data in clear.
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Personal data read in clear">
        <TableHead>
          <TableRow>
            <TableCell>Data product</TableCell>
            <TableCell>Read by</TableCell>
            <TableCell>Purpose</TableCell>
            <TableCell>Approved by</TableCell>
            <TableCell>Through</TableCell>
            <TableCell>Since</TableCell>
            <TableCell>Until</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {state.value!.map(r => (
            <TableRow key={r.key} data-testid="personal-data-row">
              <TableCell>
                <AnyEntityLink entityRef={r.product} />
              </TableCell>
              <TableCell>
                {'ref' in r.reader ? (
                  <AnyEntityLink entityRef={r.reader.ref} />
                ) : (
                  <code>{r.reader.role}</code>
                )}
              </TableCell>
              <TableCell>{r.purpose ?? '—'}</TableCell>
              <TableCell data-testid="personal-data-approved-by">
                {r.approvedBy?.length
                  ? r.approvedBy.map((by, i) => (
                      <span key={i}>
                        {i > 0 && ', '}
                        {/* the port's policy, the team's own, or the example mesh */}
                        {by === 'system' ? (
                          'system'
                        ) : (
                          <AnyEntityLink entityRef={by} fallbackKind="user" />
                        )}
                      </span>
                    ))
                  : '—'}
              </TableCell>
              <TableCell>
                {r.request ? (
                  <>
                    access request <code>{r.request}</code>
                  </>
                ) : (
                  <Link to={accessTab(r.product)}>
                    a grant made by hand, outside any request
                  </Link>
                )}
              </TableCell>
              {/* a date on one line, not "2026-" over "12-06" */}
              <TableCell style={NO_WRAP}>{day(r.since)}</TableCell>
              <TableCell style={NO_WRAP}>
                {r.request ? formatExpiry(r.expiresAt) : '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  const rows = state.value ?? [];
  return (
    <InfoCard
      title="Personal data read in clear"
      action={
        rows.length > 0 && (
          <Button
            size="small"
            onClick={() =>
              download(
                registerCsv(rows),
                `personal-data-read-in-clear-${new Date()
                  .toISOString()
                  .slice(0, 10)}.csv`,
              )
            }
          >
            Download CSV
          </Button>
        )
      }
      subheader="Grants held of access requests with personal data, and grants of a product's personal-data role made by hand (found by the hourly check). Auditors and platform admins see every product; others their teams' products and their own access."
    >
      <div data-testid="personal-data-register">{body}</div>
    </InfoCard>
  );
}
