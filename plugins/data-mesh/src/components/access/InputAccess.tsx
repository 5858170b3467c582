/*
 * Whether a product may read each product it takes input from: its own
 * access requests (consumer: the product, grantee: its service role) to the
 * upstream ports, shown on its Input ports card to its owners, with
 * "Request access" where none is open. The New data product template asks
 * for them when the product is made; this is where the owners follow them
 * and ask again (an input added later, a request rejected or expired).
 */
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  type AccessRequest,
  type DataProductEntityV1alpha1,
  type InputPort,
  accessRef,
  fromCatalogForm,
  holdsPersonalData,
  inputAccessAsks,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import { errorMessage } from '../slo/SloErrors';
import { AccessStateChip } from './AccessStateChip';
import { RequestAccessDialog } from './RequestAccessDialog';
import { useAccessRequests, useSignedInUser } from './hooks';
import { formatExpiry, isOpenRequest } from './rules';

/**
 * The product's open requests for its inputs, when the signed-in user is
 * one of its owners (others are not shown them: undefined), and a reload.
 */
export function useInputAccess(product: DataProductEntityV1alpha1 | undefined) {
  const user = useSignedInUser();
  const owner = product?.spec.owner
    ? accessRef(product.spec.owner, 'group')
    : undefined;
  const isOwner = Boolean(owner && user.value?.groups.includes(owner));
  const requests = useAccessRequests(
    product && isOwner
      ? { consumer: stringifyEntityRef(product).toLowerCase(), ours: true }
      : undefined,
  );
  return {
    shown: isOwner,
    requests: requests.value,
    error: requests.error,
    reload: requests.retry,
  };
}

/**
 * The product's request for one input that says where it stands: the open
 * one, else the latest that ended (rejected, expired…: why it may not read
 * it now), else none. `requests` come newest first.
 */
export function inputRequest(
  requests: AccessRequest[] | undefined,
  port: InputPort,
): AccessRequest | undefined {
  if (!port.dataProduct || !port.outputPort) return undefined;
  const upstream = accessRef(port.dataProduct, 'dataproduct');
  const onPort = (requests ?? []).filter(
    r => r.product === upstream && r.outputPort === port.outputPort,
  );
  return onPort.find(isOpenRequest) ?? onPort[0];
}

/** The Access cell of one data-product input: its open request's state, or a button to ask (again). */
export function InputAccessCell(props: {
  product: DataProductEntityV1alpha1;
  port: InputPort;
  request?: AccessRequest;
  onRequested: () => void;
}) {
  const { product, port, request } = props;
  const catalogApi = useApi(catalogApiRef);
  const [upstream, setUpstream] = useState<DataProductEntityV1alpha1>();
  const [failure, setFailure] = useState<string>();
  // what the product's spec asks of this input (purpose, personal data)
  const ask = inputAccessAsks(product).find(a => a.inputPort === port.name);
  const open = request && isOpenRequest(request) ? request : undefined;
  // a masked grant falls short of an input that needs personal data in
  // clear, if the upstream holds any (else there is nothing to unmask, and
  // the backend takes such a request as a plain one)
  const masked = Boolean(open && ask?.pii && !open.pii);
  const lookUpUpstream = async () => {
    const entity = await catalogApi.getEntityByRef(port.dataProduct!);
    return entity && isDataProductEntity(entity)
      ? fromCatalogForm(entity)
      : undefined;
  };
  // looked up only for a masked grant, and kept for the request it leads to
  const maskedUpstream = useAsync(
    async () => (masked ? lookUpUpstream() : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [catalogApi, masked, port.dataProduct],
  );
  const shortOfClear = Boolean(
    maskedUpstream.value && holdsPersonalData(maskedUpstream.value),
  );
  if (!port.dataProduct || !port.outputPort) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        —
      </Typography>
    );
  }
  const state = open && (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 4 }}>
      <AccessStateChip state={open.state} />
      {open.state === 'active' && open.expiresAt && (
        <Typography variant="caption" color="textSecondary">
          until {formatExpiry(open.expiresAt)}
        </Typography>
      )}
    </Box>
  );
  // an open request covers the input unless it reads masked what the
  // input needs in clear
  if (open && !shortOfClear) return state;
  const choose = async () => {
    setFailure(undefined);
    try {
      const entity = maskedUpstream.value ?? (await lookUpUpstream());
      if (!entity) {
        setFailure(`${port.dataProduct} is not in the catalog`);
        return;
      }
      setUpstream(entity);
    } catch (e) {
      setFailure(errorMessage(e as Error));
    }
  };
  const upstreamPort = upstream?.spec.outputPorts?.find(
    p => p.name === port.outputPort,
  );
  return (
    <Box>
      {open && (
        <>
          {state}
          <Typography variant="body2" color="textSecondary">
            Personal data masked; the input needs them in clear
          </Typography>
        </>
      )}
      {!open &&
        (request ? (
          // ended: the state says why the product may not read it now
          <AccessStateChip state={request.state} />
        ) : (
          <Typography variant="body2" color="textSecondary" component="span">
            Not requested{' '}
          </Typography>
        ))}
      <Button
        size="small"
        color="primary"
        onClick={choose}
        aria-label={`Request ${open ? 'personal data of' : 'access to'} ${
          port.name
        }`}
      >
        {open ? 'Request personal data' : 'Request access'}
      </Button>
      {upstream && !upstreamPort && (
        <Typography variant="body2" color="error">
          {port.dataProduct} has no output port '{port.outputPort}'
        </Typography>
      )}
      {failure && (
        <Typography variant="body2" color="error">
          {failure}
        </Typography>
      )}
      {upstream && upstreamPort && (
        <RequestAccessDialog
          product={upstream}
          port={upstreamPort}
          consumer={stringifyEntityRef(product).toLowerCase()}
          ask={ask}
          open
          onClose={() => {
            setUpstream(undefined);
            props.onRequested();
          }}
        />
      )}
    </Box>
  );
}
