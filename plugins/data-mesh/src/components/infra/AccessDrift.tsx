import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import type {
  InfrastructureAccessDrift,
  InfrastructureAccessFinding,
} from '@datamesh/plugin-data-mesh-common';
import { EmptyHint } from '../common';
import { PlanLines } from './PlanLines';

/** A product with many grants can drift in many places: the card lists a few, the plan has them all. */
const SHOWN = 8;

const useStyles = makeStyles((theme: Theme) => ({
  section: { marginTop: theme.spacing(2) },
  chip: { marginRight: theme.spacing(1) },
}));

function Finding(props: {
  finding: InfrastructureAccessFinding;
  kind: 'missing' | 'unmanaged';
}) {
  const classes = useStyles();
  const { finding, kind } = props;
  return (
    <ListItem dense disableGutters data-testid={`infra-access-${kind}`}>
      <Chip
        size="small"
        variant="outlined"
        className={classes.chip}
        label={kind === 'missing' ? 'Missing' : 'Unmanaged'}
      />
      <ListItemText primary={finding.message} />
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
}) {
  const classes = useStyles();
  const { access } = props;
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
