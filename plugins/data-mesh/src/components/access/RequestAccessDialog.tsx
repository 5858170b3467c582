import { useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  type AccessRequest,
  type DataProductEntityV1alpha1,
  type OutputPort,
  coveringRequest,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import {
  AgreementSections,
  agreementSections,
} from '../DataSharingAgreementCard';
import { errorMessage } from '../slo/SloErrors';
import { AccessStateChip } from './AccessStateChip';
import { useConsumerOptions, useSignedInUser } from './hooks';
import {
  portDeniesPii,
  portDurationLimits,
  formatExpiry,
  portPiiColumns,
  refusedField,
} from './rules';

const FIELDS = ['consumer', 'purpose', 'pii', 'duration', 'agreement'] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;

// The error field each input clears when it changes.
const FIELD_OF: Record<keyof Form, Field> = {
  consumer: 'consumer',
  purpose: 'purpose',
  pii: 'pii',
  days: 'duration',
  accepted: 'agreement',
};

interface Form {
  consumer: string;
  purpose: string;
  pii: boolean;
  days: string;
  accepted: boolean;
}

/** What the form refuses before asking the backend (which checks again). */
function validate(
  form: Form,
  limits: { maxDays?: number },
  hasAgreement: boolean,
): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.consumer) errors.consumer = 'Choose on whose behalf you ask';
  if (!form.purpose.trim()) errors.purpose = 'A purpose is required';
  const days = Number(form.days);
  if (!Number.isInteger(days) || days < 1) {
    errors.duration = 'A whole number of days, at least 1';
  } else if (limits.maxDays && days > limits.maxDays) {
    errors.duration = `At most ${limits.maxDays} days on this port`;
  }
  if (hasAgreement && !form.accepted) {
    errors.agreement = 'Accept the data-sharing agreement to send the request';
  }
  return errors;
}

const STATE_SENTENCES: Partial<Record<AccessRequest['state'], string>> = {
  pending: 'The owners of the product have been asked to decide.',
  approved:
    "Approved at once (the port's policy, or the product is your team's own); the warehouse grant follows.",
  active: 'Access is granted.',
};

/**
 * The "Request access" form of one output port: on whose behalf, purpose,
 * personal data (only when the port's dataset has PII columns), duration
 * within the port's policy, and the product's data-sharing agreement, which
 * the requester accepts. Refusals naming a field are shown on that field.
 */
export function RequestAccessDialog(props: {
  product: DataProductEntityV1alpha1;
  port: OutputPort;
  open: boolean;
  onClose: () => void;
  /** The open requests on this port the user reads with (theirs and their teams'). */
  existing?: AccessRequest[];
  /** On whose behalf, chosen beforehand (e.g. the product reading this port as an input). */
  consumer?: string;
  /**
   * What the consuming product's spec asks (its input port): the form
   * starts with its purpose, and with personal data in clear when the
   * input says it needs them and the port can give them.
   */
  ask?: { purpose: string; pii: boolean };
}) {
  const { product, port, open, onClose } = props;
  const api = useApi(dataMeshApiRef);
  const user = useSignedInUser();
  const consumers = useConsumerOptions(user.value?.groups);
  const limits = portDurationLimits(port);
  const piiColumns = portDeniesPii(port) ? [] : portPiiColumns(product, port);
  const agreement = product.spec.dataSharingAgreement ?? {};
  const hasAgreement = agreementSections(agreement).length > 0;
  const [form, setForm] = useState<Form>({
    consumer: props.consumer ?? '',
    purpose: props.ask?.purpose ?? '',
    pii: Boolean(props.ask?.pii) && piiColumns.length > 0,
    days: String(limits.defaultDays),
    accepted: false,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const [created, setCreated] = useState<AccessRequest>();

  const options = consumers.value ?? [];
  const consumer =
    form.consumer || (options.length === 1 ? options[0].ref : '');
  // an open request of this consumer already gives what is asked (with
  // personal data if asked): a second one would only make the owners decide twice
  const covering = coveringRequest(props.existing ?? [], {
    consumer,
    pii: form.pii,
  });
  const update = (patch: Partial<Form>) => {
    setForm(f => ({ ...f, ...patch }));
    setErrors(e => {
      const next = { ...e };
      for (const key of Object.keys(patch) as (keyof Form)[]) {
        delete next[FIELD_OF[key]];
      }
      return next;
    });
  };

  const submit = async () => {
    const found = validate({ ...form, consumer }, limits, hasAgreement);
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length) return;
    setSending(true);
    try {
      setCreated(
        await api.createAccessRequest({
          product: stringifyEntityRef(product),
          outputPort: port.name,
          consumer,
          purpose: form.purpose.trim(),
          pii: form.pii,
          duration: `${Number(form.days)}d`,
        }),
      );
    } catch (e) {
      const refused = refusedField(e as Error, FIELDS);
      if (refused) setErrors({ [refused.field]: refused.message });
      else setFailure(errorMessage(e as Error));
    } finally {
      setSending(false);
    }
  };

  const title = `Request access to ${port.title ?? port.name}`;
  if (created) {
    return (
      <Dialog open={open} onClose={onClose} aria-label={title}>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent data-testid="access-request-created">
          <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
            <Typography>Your request was sent:</Typography>
            <AccessStateChip state={created.state} />
          </Box>
          <Typography variant="body2">
            {STATE_SENTENCES[created.state]} Follow it on your My access page;
            the warehouse role that will hold the grant is{' '}
            <code>{created.grantee}</code>.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} color="primary">
            Close
          </Button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-label={title}
    >
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {(user.loading || consumers.loading) && <Progress />}
        {(user.error || consumers.error) && (
          <Alert severity="warning">
            Your groups could not be loaded:{' '}
            {errorMessage((user.error ?? consumers.error)!)}
          </Alert>
        )}
        {user.value && user.value.groups.length === 0 && (
          <Alert severity="info">
            You belong to no group, so there is no team to request access for.
            Ask to be added to your team's group in the catalog.
          </Alert>
        )}
        <TextField
          select
          id="access-consumer"
          fullWidth
          margin="normal"
          label="On behalf of"
          value={consumer}
          onChange={e => update({ consumer: e.target.value })}
          error={!!errors.consumer}
          helperText={
            errors.consumer ??
            "A team's role, or a data product's service role, receives the grant"
          }
        >
          {options.map(o => (
            <MenuItem key={o.ref} value={o.ref}>
              {o.label}
            </MenuItem>
          ))}
        </TextField>
        {covering && (
          <Alert severity="info" data-testid="access-request-covered">
            {covering.state === 'pending'
              ? `${covering.requester} already asked for this on ${covering.consumer}'s behalf; it waits for the owners.`
              : `${covering.consumer} already reads this port (${
                  covering.state
                }, until ${formatExpiry(
                  covering.expiresAt,
                )}); extend it from My access rather than asking again.`}
          </Alert>
        )}
        <TextField
          fullWidth
          multiline
          id="access-purpose"
          minRows={2}
          margin="normal"
          label="Purpose"
          required
          value={form.purpose}
          onChange={e => update({ purpose: e.target.value })}
          error={!!errors.purpose}
          helperText={
            errors.purpose ??
            'What you will use the data for; the owners decide on it'
          }
        />
        {piiColumns.length > 0 && (
          <Box>
            <FormControlLabel
              control={
                <Checkbox
                  checked={form.pii}
                  onChange={e => update({ pii: e.target.checked })}
                />
              }
              label={`I need the personal-data columns in clear (${piiColumns.join(
                ', ',
              )})`}
            />
            <FormHelperText error={!!errors.pii}>
              {errors.pii ?? 'Without this, those columns are masked for you.'}
            </FormHelperText>
          </Box>
        )}
        {props.ask?.pii && portDeniesPii(port) && (
          <FormHelperText>
            The input port asks for personal data in clear, but this port never
            grants it: its personal-data columns are masked.
          </FormHelperText>
        )}
        <TextField
          id="access-duration"
          margin="normal"
          label="Duration (days)"
          type="number"
          value={form.days}
          onChange={e => update({ days: e.target.value })}
          error={!!errors.duration}
          helperText={
            errors.duration ??
            (limits.maxDays
              ? `At most ${limits.maxDays} days on this port`
              : 'How long the access lasts once approved')
          }
          inputProps={{ min: 1, max: limits.maxDays }}
        />
        <Box mt={2}>
          <Typography variant="subtitle1">Data-sharing agreement</Typography>
          {hasAgreement ? (
            <>
              <AgreementSections agreement={agreement} />
              <FormControlLabel
                control={
                  <Checkbox
                    checked={form.accepted}
                    onChange={e => update({ accepted: e.target.checked })}
                  />
                }
                label="I accept the data-sharing agreement"
              />
              {errors.agreement && (
                <FormHelperText error>{errors.agreement}</FormHelperText>
              )}
            </>
          ) : (
            <Typography variant="body2" color="textSecondary">
              This product declares no data-sharing agreement.
            </Typography>
          )}
        </Box>
        {failure && (
          <Box mt={2}>
            <Alert severity="error">{failure}</Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={sending}
        >
          Send request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
