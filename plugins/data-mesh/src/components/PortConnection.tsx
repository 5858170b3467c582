import { CopyTextButton, MarkdownContent } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  connection: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.default,
  },
  url: {
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    wordBreak: 'break-all',
    flex: 1,
  },
  label: {
    color: theme.palette.text.secondary,
    fontSize: '0.75rem',
    textTransform: 'uppercase',
    fontWeight: 'bold',
    marginTop: theme.spacing(1),
  },
}));

/**
 * Where an output port's authors say to connect, as its spec gives it: the
 * connection string or URL (to copy) and the instructions (Markdown). On
 * the port card and in "How to read it", so a consumer finds the host as
 * well as the statements.
 */
export function PortConnection(props: {
  port: string;
  url?: string;
  instructions?: string;
}) {
  const classes = useStyles();
  const { port, url, instructions } = props;
  return (
    <>
      {url && (
        <div className={classes.connection}>
          <span className={classes.url} data-testid="connection-url">
            {url}
          </span>
          <CopyTextButton
            text={url}
            tooltipText="Connection details copied"
            aria-label={`Copy connection details of ${port}`}
          />
        </div>
      )}
      {instructions && (
        <>
          <Typography className={classes.label}>How to connect</Typography>
          <MarkdownContent content={instructions} />
        </>
      )}
    </>
  );
}
