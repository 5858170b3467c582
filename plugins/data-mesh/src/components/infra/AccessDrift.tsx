import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import {
  type InfrastructureAccessDrift,
  type InfrastructureAccessFinding,
  formatAge,
  membershipKey,
} from '@datamesh/plugin-data-mesh-common';
import { AnyEntityLink, EmptyHint } from '../common';
import { PlanLines } from './PlanLines';

/** A product with many grants can drift in many places: the card lists a few, the plan has them all. */
const SHOWN = 8;

const useStyles = makeStyles((theme: Theme) => ({
  section: { marginTop: theme.spacing(2) },
  chip: { marginRight: theme.spacing(1) },
  action: { marginLeft: theme.spacing(1), flexShrink: 0 },
}));

/** Who reads through a grant no request explains, in words, for the owner to record or revoke it. */
function ReaderLine(props: {
  reader: NonNullable<InfrastructureAccessFinding['reader']>;
}) {
  const { reader } = props;
  const what = reader.personalData
    ? 'personal data in clear'
    : 'personal data masked';
  if (reader.coveredBy) {
    return (
      <>
        Also granted through access request <code>{reader.coveredBy}</code>:
        revoking this grant made by hand cuts no access.
      </>
    );
  }
  if (!reader.consumer) {
    return (
      <>
        Reads it ({what}) outside any request; the role is no team's or data
        product's of the catalog.
      </>
    );
  }
  return (
    <>
      <AnyEntityLink entityRef={reader.consumer} /> reads it ({what}) outside
      any request.
    </>
  );
}

function Finding(props: {
  finding: InfrastructureAccessFinding;
  kind: 'missing' | 'unmanaged';
  onRecord?: (finding: InfrastructureAccessFinding) => void;
  /** When the scheduled check first found it (ISO 8601). */
  foundAt?: string;
}) {
  const classes = useStyles();
  const { finding, kind, onRecord, foundAt } = props;
  const { reader } = finding;
  const recordable = reader?.consumer && !reader.coveredBy;
  const since = foundAt ? Date.now() - Date.parse(foundAt) : undefined;
  let age: string | undefined;
  if (since !== undefined) {
    age = since < 60_000 ? 'just now' : `${formatAge(since)} ago`;
  }
  return (
    <ListItem dense disableGutters data-testid={`infra-access-${kind}`}>
      <Chip
        size="small"
        variant="outlined"
        className={classes.chip}
        label={kind === 'missing' ? 'Missing' : 'Unmanaged'}
      />
      <ListItemText
        primary={finding.message}
        secondary={
          (reader || age) && (
            <>
              {reader && (
                <span data-testid="infra-access-reader">
                  <ReaderLine reader={reader} />
                </span>
              )}
              {age && (
                <span data-testid="infra-access-found">
                  {reader ? ' ' : ''}Found by the scheduled check {age}.
                </span>
              )}
            </>
          )
        }
      />
      {recordable && onRecord && (
        <Button
          size="small"
          variant="outlined"
          className={classes.action}
          onClick={() => onRecord(finding)}
        >
          Record as agreed access…
        </Button>
      )}
    </ListItem>
  );
}

/**
 * The access grants part of the Infrastructure card: granted as the active
 * requests say, or a short list of what is missing and what no request
 * explains, with the repair.
 * @public
 */
export function AccessDriftSection(props: {
  access: InfrastructureAccessDrift;
  /**
   * Offered on a grant made by hand that a team or data product of the
   * catalog reads through: record it as agreed access (owners only).
   */
  onRecord?: (finding: InfrastructureAccessFinding) => void;
  /** When the scheduled check first found each unexplained membership, by `membershipKey`. */
  foundAt?: Map<string, string>;
}) {
  const classes = useStyles();
  const { access, onRecord, foundAt } = props;
  const findings = [
    ...access.missing.map(f => ({ f, kind: 'missing' as const })),
    ...access.unmanaged.map(f => ({ f, kind: 'unmanaged' as const })),
  ];
  const lines = access.lines;
  return (
    <Box className={classes.section} data-testid="infra-access">
      <Typography variant="subtitle2" component="h3">
        Access grants
      </Typography>
      {access.inSync ? (
        <EmptyHint>
          {access.active === 0
            ? 'No active access requests, and no grants in the warehouse that none explains.'
            : `The warehouse grants the ${access.active} active access request${
                access.active === 1 ? '' : 's'
              } as approved, and nothing else.`}
        </EmptyHint>
      ) : (
        <>
          <Typography variant="body2" color="textSecondary">
            {access.missing.length} missing, {access.unmanaged.length}{' '}
            unmanaged, of {access.active} active request
            {access.active === 1 ? '' : 's'}
          </Typography>
          <List dense disablePadding>
            {findings.slice(0, SHOWN).map(({ f, kind }) => (
              <Finding
                key={`${kind}|${f.role}|${f.membership?.role ?? ''}|${
                  f.membership?.member ?? ''
                }`}
                finding={f}
                kind={kind}
                onRecord={onRecord}
                foundAt={
                  kind === 'unmanaged' && f.membership
                    ? foundAt?.get(membershipKey(f.membership))
                    : undefined
                }
              />
            ))}
          </List>
          {findings.length > SHOWN && (
            <Typography variant="body2" color="textSecondary">
              and {findings.length - SHOWN} more (see the repair below)
            </Typography>
          )}
          {access.issues.map(issue => (
            <Typography key={issue} variant="body2" color="error">
              {issue}
            </Typography>
          ))}
          {lines.length > 0 && (
            <PlanLines lines={lines} data-testid="infra-access-lines" />
          )}
        </>
      )}
    </Box>
  );
}
