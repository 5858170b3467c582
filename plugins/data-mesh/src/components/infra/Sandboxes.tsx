import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import type { InfrastructureSandbox } from '@datamesh/plugin-data-mesh-common';

const useStyles = makeStyles((theme: Theme) => ({
  section: { marginTop: theme.spacing(2) },
  // one per line: sandbox names are long, and a line cut at the card's edge hides them
  schema: { display: 'block', wordBreak: 'break-all' },
}));

/**
 * The product's feature-branch sandboxes on the Infrastructure card. They
 * are copies of its data outside its own schemas, so its owners should see
 * them and delete those of merged branches. Nothing is shown without any.
 * @public
 */
export function SandboxesSection(props: {
  sandboxes?: InfrastructureSandbox[];
}) {
  const classes = useStyles();
  const sandboxes = props.sandboxes ?? [];
  if (sandboxes.length === 0) return null;
  return (
    <Box className={classes.section} data-testid="infra-sandboxes">
      <Typography variant="subtitle2" component="h3">
        Feature-branch sandboxes ({sandboxes.length})
      </Typography>
      <List dense disablePadding aria-label="Feature-branch sandboxes">
        {sandboxes.map(s => (
          <ListItem key={s.branch} disableGutters>
            <ListItemText
              primary={<code>{s.branch}</code>}
              secondaryTypographyProps={{ component: 'div' }}
              secondary={s.schemas.map(schema => (
                <Tooltip
                  key={schema.name}
                  title={`In SQL: ${schema.qualified}`}
                >
                  <code className={classes.schema}>{schema.name}</code>
                </Tooltip>
              ))}
            />
          </ListItem>
        ))}
      </List>
      <Typography variant="caption" color="textSecondary" component="p">
        Copies of this product's data. Delete a merged branch's with{' '}
        <code>datamesh sandbox delete --branch &lt;branch&gt;</code> or the{' '}
        <code>datamesh:sandbox:delete</code> template action; retiring the
        product drops them all.
      </Typography>
    </Box>
  );
}
