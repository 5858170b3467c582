import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityDisplayName,
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  type AccessRequest,
  fromCatalogForm,
  holdsGrant,
  durationToMillis,
  isDataProductEntity,
  personalDataColumns,
} from '@datamesh/plugin-data-mesh-common';
import { type AccessRequestOperation, dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { formatExpiry, refusedField } from './rules';

const FIELDS = ['comment', 'duration'] as const;

/** A ref as people read it in a sentence (`population-health`, not `group:default/population-health`). */
function inWords(ref: string, defaultKind: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ref, { defaultKind }), {
      defaultKind,
    });
  } catch {
    return ref;
  }
}

const VERBS: Record<AccessRequestOperation, string> = {
  approve: 'Approve',
  reject: 'Reject',
  revoke: 'Revoke',
  extend: 'Ask to extend',
  cancel: 'Cancel',
};

/** `90d` as "90 days"; as written when it is not whole days. */
function durationInDays(duration: string): string {
  const ms = durationToMillis(duration);
  const days = ms === undefined ? NaN : ms / 86_400_000;
  if (!Number.isInteger(days)) return duration;
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * What approving a request for personal data in clear unmasks: the
 * personal-data columns of the dataset its port serves, looked up in the
 * catalog, so the owner decides knowing which.
 */
function PersonalDataToApprove(props: { request: AccessRequest }) {
  const { request } = props;
  const catalogApi = useApi(catalogApiRef);
  const columns = useAsync(async () => {
    const entity = await catalogApi.getEntityByRef(request.product);
    if (!entity || !isDataProductEntity(entity)) return undefined;
    const product = fromCatalogForm(entity);
    const port = product.spec.outputPorts?.find(
      p => p.name === request.outputPort,
    );
    return personalDataColumns(product, port?.dataset).map(c => c.column);
  }, [catalogApi, request.product, request.outputPort]);
  let which = '';
  if (columns.value?.length) which = `: ${columns.value.join(', ')}`;
  else if (!columns.loading) which = " (the port's personal-data columns)";
  return (
    <Alert severity="warning" data-testid="access-action-personal-data">
      Personal data in clear{which}. Approving lets {request.grantee} read them
      unmasked.
    </Alert>
  );
}

/**
 * Confirms one change of a request with a comment (the why kept in its
 * history); an extension also asks for how many more days. Approving says
 * for how long, and what personal data it unmasks.
 */
export function AccessActionDialog(props: {
  request: AccessRequest;
  action: AccessRequestOperation;
  /** Set when the decision is on the pending extension, not the request. */
  extension?: boolean;
  /** The port's second-level approvers; empty: one approval decides. */
  secondLevel?: string[];
  onClose: () => void;
  onDone: (updated: AccessRequest) => void;
}) {
  const { request, action, extension, onClose, onDone } = props;
  const secondLevel = props.secondLevel ?? [];
  const api = useApi(dataMeshApiRef);
  const [comment, setComment] = useState('');
  const [days, setDays] = useState('30');
  const [errors, setErrors] = useState<{ comment?: string; duration?: string }>(
    {},
  );
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  // the consumer's cancel says what it does: withdraw the ask, or end the access
  const granted = holdsGrant(request.state);
  const cancelVerb = granted ? 'Give up access' : 'Withdraw request';
  const verb = action === 'cancel' ? cancelVerb : VERBS[action];
  const consumer = inWords(request.consumer, 'group');
  const title =
    action === 'cancel'
      ? `${
          granted ? 'Give up the access' : 'Withdraw the request'
        } of ${consumer} to ${request.outputPort}`
      : `${verb}${
          extension ? ' the extension of' : ''
        } access for ${consumer} to ${request.outputPort}`;

  const submit = async () => {
    setFailure(undefined);
    const n = Number(days);
    if (action === 'extend' && (!Number.isInteger(n) || n < 1)) {
      setErrors({ duration: 'A whole number of days, at least 1' });
      return;
    }
    setErrors({});
    setSending(true);
    try {
      onDone(
        await api.actOnAccessRequest(request.id, action, {
          ...(comment.trim() ? { comment: comment.trim() } : {}),
          ...(action === 'extend' ? { duration: `${n}d` } : {}),
        }),
      );
    } catch (e) {
      const refused = refusedField(e as Error, FIELDS);
      if (refused) setErrors({ [refused.field]: refused.message });
      else setFailure(errorMessage(e as Error));
      setSending(false);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-label={title}>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Requested by{' '}
          <EntityDisplayName entityRef={request.requester} defaultKind="user" />
          : {request.purpose}
        </Typography>
        {action === 'approve' && !extension && (
          <Typography
            variant="body2"
            color="textSecondary"
            gutterBottom
            data-testid="access-action-duration"
          >
            For {durationInDays(request.duration)} from the approval.
          </Typography>
        )}
        {action === 'approve' && request.pii && (
          <PersonalDataToApprove request={request} />
        )}
        {action === 'approve' && secondLevel.length > 0 && (
          <Typography
            variant="body2"
            gutterBottom
            data-testid="access-action-levels"
          >
            {request.firstApproval ? (
              <>
                The second of two approvals:{' '}
                <EntityDisplayName
                  entityRef={request.firstApproval.by}
                  defaultKind="user"
                />{' '}
                gave the first. Approving {extension ? 'extends' : 'grants'} it.
              </>
            ) : (
              `The first of two approvals: a second-level approver of ${
                request.outputPort
              } (${secondLevel
                .map(ref => inWords(ref, 'group'))
                .join(', ')}) decides after you; it is ${
                extension ? 'extended' : 'granted'
              } then.`
            )}
          </Typography>
        )}
        {action === 'cancel' && (
          <Typography
            variant="body2"
            color="textSecondary"
            gutterBottom
            data-testid="access-action-cancel"
          >
            {granted
              ? `The role ${request.grantee} loses the grant now, for everyone in ${request.consumer}; ask again to read it later.`
              : 'The owners are told; nothing is left for them to decide.'}
          </Typography>
        )}
        {extension && request.extension && (
          <Typography
            variant="body2"
            gutterBottom
            data-testid="access-action-extension"
          >
            Extension to {formatExpiry(request.extension.expiresAt)} asked by{' '}
            {request.extension.requestedBy}
            {request.extension.comment ? `: ${request.extension.comment}` : ''}
          </Typography>
        )}
        {action === 'extend' && (
          <TextField
            id="access-extend-days"
            margin="normal"
            type="number"
            label="More days"
            value={days}
            onChange={e => setDays(e.target.value)}
            error={!!errors.duration}
            helperText={
              errors.duration ??
              'Counted from the current expiry; the owners approve it'
            }
            inputProps={{ min: 1 }}
          />
        )}
        <TextField
          fullWidth
          multiline
          minRows={2}
          id="access-action-comment"
          margin="normal"
          label="Comment"
          value={comment}
          onChange={e => setComment(e.target.value)}
          error={!!errors.comment}
          helperText={errors.comment ?? 'Why; kept in the request history'}
        />
        {failure && <Alert severity="error">{failure}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color={
            action === 'approve' || action === 'extend'
              ? 'primary'
              : 'secondary'
          }
          variant="contained"
          onClick={submit}
          disabled={sending}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
