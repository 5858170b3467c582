import { CopyTextButton, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  AccessRequest,
  AccessRequestConnection,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { PortConnection } from '../PortConnection';
import { errorMessage } from '../slo/SloErrors';

/** The statements as a SQL client takes them: one per line, each ended. */
export function connectionScript(connection: AccessRequestConnection): string {
  return connection.statements.map(s => `${s};`).join('\n');
}

function ConnectionDetails(props: {
  connection: AccessRequestConnection;
  withPort: boolean;
}) {
  const { connection } = props;
  const script = connectionScript(connection);
  return (
    <>
      {props.withPort && (
        <PortConnection
          port={connection.outputPort}
          url={connection.url}
          instructions={connection.instructions}
        />
      )}
      <Typography variant="body2">
        {connection.database ? (
          <>
            Connect to the {connection.warehouse.displayName} database{' '}
            <code>{connection.database}</code>, then read
          </>
        ) : (
          <>In {connection.warehouse.displayName}, read</>
        )}{' '}
        as the role <code>{connection.role}</code>, which holds this grant (your
        SQL user must be a member of it):
      </Typography>
      <ul style={{ margin: '4px 0' }}>
        {connection.tables.map(t => (
          <li key={t.table} data-testid="access-connection-table">
            <Typography variant="body2">
              <code>{t.table}</code> ({t.dataset})
              {t.maskedColumns.length > 0
                ? ` — personal data masked: ${t.maskedColumns.join(', ')}`
                : ''}
            </Typography>
          </li>
        ))}
      </ul>
      <Box display="flex" alignItems="flex-start">
        <pre
          data-testid="access-connection-sql"
          style={{ margin: 0, flex: 1, whiteSpace: 'pre-wrap' }}
        >
          {script}
        </pre>
        <CopyTextButton
          text={script}
          tooltipText="Statements copied"
          aria-label={`Copy the statements that read ${connection.outputPort}`}
        />
      </Box>
      {connection.state === 'approved' && (
        <Typography variant="caption" color="textSecondary">
          The warehouse grant is not confirmed yet: these statements work once
          the request is active.
        </Typography>
      )}
    </>
  );
}

/**
 * How the consumer of an approved or active request reads its port, as the
 * backend spells it for the configured warehouse: where the port's spec
 * says to connect, the database, the role, the tables (masked views
 * without PII) and the statements, to copy.
 */
export function AccessConnection(props: {
  request: AccessRequest;
  /** Shown under the port itself, which gives its connection details already. */
  underPort?: boolean;
}) {
  const { request } = props;
  const api = useApi(dataMeshApiRef);
  const connection = useAsync(
    () => api.getAccessRequestConnection(request.id),
    [api, request.id, request.state],
  );
  return (
    <Box my={1} data-testid={`access-connection-${request.id}`}>
      <Typography variant="subtitle2">How to read it</Typography>
      {connection.loading && <Progress />}
      {connection.error && (
        <Alert severity="warning">
          How to read this port could not be loaded:{' '}
          {errorMessage(connection.error)}
        </Alert>
      )}
      {connection.value && (
        <ConnectionDetails
          connection={connection.value}
          withPort={!props.underPort}
        />
      )}
    </Box>
  );
}
