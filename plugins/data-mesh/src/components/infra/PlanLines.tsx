import { makeStyles, Theme } from '@material-ui/core/styles';

const useStyles = makeStyles((theme: Theme) => ({
  lines: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    backgroundColor: theme.palette.background.default,
    padding: theme.spacing(1),
    margin: 0,
    borderRadius: theme.shape.borderRadius,
  },
}));

/**
 * A plan as the engine renders it, one line a step (`+` create or grant,
 * `~` alter, `-` revoke or drop), in a block long names wrap in.
 */
export function PlanLines(props: {
  lines: string[];
  'data-testid'?: string;
  'aria-label'?: string;
}) {
  const classes = useStyles();
  const { lines, ...rest } = props;
  return (
    <pre className={classes.lines} {...rest}>
      {lines.join('\n')}
    </pre>
  );
}
