import { useState } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  type AccessRequest,
  holdsGrant,
} from '@datamesh/plugin-data-mesh-common';
import { AnyEntityLink } from '../common';
import { AccessConnection } from './AccessConnection';
import { AccessStateChip } from './AccessStateChip';
import { formatExpiry, isOpenRequest } from './rules';

/** Requests still open: waiting for a decision, or granting something. */
/** The requests of `requests` that concern one port and are still open. */
export function openRequestsOf(
  requests: AccessRequest[] | undefined,
  port: string,
): AccessRequest[] {
  return (requests ?? []).filter(
    r => r.outputPort === port && isOpenRequest(r),
  );
}

function MyRequest(props: { request: AccessRequest; me?: string }) {
  const { request } = props;
  const [reading, setReading] = useState(false);
  const readable = holdsGrant(request.state);
  return (
    <Box data-testid={`my-port-access-${request.id}`}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <AccessStateChip state={request.state} />
        <Typography variant="body2">
          {request.requester === props.me ? (
            'Your request'
          ) : (
            <>
              <EntityRefLink entityRef={request.requester} defaultKind="user" />
              's request
            </>
          )}{' '}
          for <AnyEntityLink entityRef={request.consumer} />
          {readable && request.expiresAt
            ? `, until ${formatExpiry(request.expiresAt)}`
            : ''}
        </Typography>
        {readable && (
          <Button
            size="small"
            color="primary"
            aria-expanded={reading}
            onClick={() => setReading(!reading)}
          >
            How to read it
          </Button>
        )}
      </Box>
      {reading && <AccessConnection request={request} underPort />}
    </Box>
  );
}

/**
 * The open requests of the signed-in user and of their teams on one output
 * port, on the port itself: who asked, for whom, the state and expiry, and
 * for a granted one how to read it.
 */
export function MyPortAccess(props: {
  requests: AccessRequest[];
  me?: string;
}) {
  if (props.requests.length === 0) return null;
  return (
    <Box mt={1}>
      {props.requests.map(r => (
        <MyRequest key={r.id} request={r} me={props.me} />
      ))}
    </Box>
  );
}
