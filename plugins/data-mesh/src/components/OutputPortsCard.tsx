import { InfoCard } from '@backstage/core-components';
import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  AccessRequest,
  DataProductEntityV1alpha1,
  OutputPort,
} from '@datamesh/plugin-data-mesh-common';
import { useAccessRequests, useSignedInUser } from './access/hooks';
import { MyPortAccess, openRequestsOf } from './access/MyPortAccess';
import { RequestAccessDialog } from './access/RequestAccessDialog';
import { EmptyHint, NotADataProductCard, useDataProductEntity } from './common';
import { PortConnection } from './PortConnection';

const useStyles = makeStyles(theme => ({
  port: {
    padding: theme.spacing(1.5, 0),
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

function OutputPortItem(props: {
  port: OutputPort;
  product: DataProductEntityV1alpha1;
  /** The open requests on this port the signed-in user reads with: theirs and their teams'. */
  requests: AccessRequest[];
  /** The signed-in user's entity ref, lower-case. */
  me?: string;
  /** A request was sent: the user's requests are read again. */
  onRequested: () => void;
}) {
  const classes = useStyles();
  const { port, product } = props;
  const dataset = product.spec.datasets?.find(d => d.name === port.dataset);
  const [requesting, setRequesting] = useState(false);
  return (
    <Box className={classes.port} data-testid={`output-port-${port.name}`}>
      <div className={classes.header}>
        <Typography variant="h6" component="h3">
          {port.title ?? port.name}
        </Typography>
        {port.title && port.title !== port.name && (
          <Typography variant="body2" color="textSecondary">
            ({port.name})
          </Typography>
        )}
        <Chip size="small" label={port.type} color="primary" />
        <Box flexGrow={1} />
        <Button
          size="small"
          variant="outlined"
          color="primary"
          onClick={() => setRequesting(true)}
          aria-label={`Request access to ${port.name}`}
        >
          Request access
        </Button>
      </div>
      {requesting && (
        <RequestAccessDialog
          product={product}
          port={port}
          existing={props.requests}
          open
          onClose={() => {
            setRequesting(false);
            props.onRequested();
          }}
        />
      )}
      {port.description && (
        <Typography variant="body2">{port.description}</Typography>
      )}
      {port.dataset && (
        <Typography variant="body2">
          Serves dataset: <strong>{dataset?.title ?? port.dataset}</strong>
          {dataset?.table && (
            <>
              {' '}
              (<code>{dataset.table}</code>)
            </>
          )}
        </Typography>
      )}
      <PortConnection
        port={port.name}
        url={port.url}
        instructions={port.instructions}
      />
      {!port.url && <EmptyHint>No connection details published yet.</EmptyHint>}
      <MyPortAccess requests={props.requests} me={props.me} />
    </Box>
  );
}

/**
 * The ways consumers read this product: access pattern, the dataset served,
 * connection details with a copy button, connection instructions, and the
 * open requests of the signed-in user and their teams on each port (how to
 * read a granted one).
 *
 * @public
 */
export function OutputPortsCard(props: { title?: string }) {
  const entity = useDataProductEntity();
  // the requests the user reads with (theirs, their teams'); without them
  // (the backend did not answer) the ports are still shown and can be asked for
  const ours = useAccessRequests(
    entity
      ? { product: stringifyEntityRef(entity).toLowerCase(), ours: true }
      : undefined,
  );
  const me = useSignedInUser().value?.userEntityRef;
  const title = props.title ?? 'Output ports';
  if (!entity) return <NotADataProductCard title={title} />;
  const ports = entity.spec.outputPorts ?? [];
  return (
    <InfoCard title={title}>
      {ports.length === 0 ? (
        <EmptyHint>
          This data product declares no output ports, so there is nothing to
          connect to yet.
        </EmptyHint>
      ) : (
        ports.map((port, index) => (
          <div key={port.name}>
            {index > 0 && <Divider />}
            <OutputPortItem
              port={port}
              product={entity}
              requests={openRequestsOf(ours.value, port.name)}
              me={me}
              onRequested={() => ours.retry()}
            />
          </div>
        ))
      )}
    </InfoCard>
  );
}
