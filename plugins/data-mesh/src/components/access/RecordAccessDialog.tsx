import { useEffect, useState } from 'react';
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
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type {
  AccessRequest,
  DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { AccessStateChip } from './AccessStateChip';
import { type ConsumerOption, useAnyConsumerOptions } from './hooks';
import {
  formatExpiry,
  portDeniesPii,
  portDurationLimits,
  portPiiColumns,
  refusedField,
} from './rules';

const FIELDS = [
  'outputPort',
  'consumer',
  'purpose',
  'pii',
  'duration',
  'requestedBy',
  'comment',
] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;

interface Form {
  outputPort: string;
  consumer: ConsumerOption | null;
  purpose: string;
  pii: boolean;
  days: string;
  requestedBy: string;
  comment: string;
}

/** What the dialog opens with: from a grant made by hand, who reads, whether in clear, where it came from. */
export interface RecordAccessInitial {
  /** Entity ref of the consumer group or data product. */
  consumer?: string;
  pii?: boolean;
  comment?: string;
}

/**
 * "Record existing access" of a product's owners: access agreed before the
 * portal (a grant made by hand, a ticket, a contract) for any team or data
 * product of the catalog, recorded as approved by them and granted through
 * a role of its own; from then on it is like any other request. The
 * backend checks everything again; refusals naming a field show on it.
 */
export function RecordAccessDialog(props: {
  product: DataProductEntityV1alpha1;
  open: boolean;
  /** Filled in beforehand, e.g. from a grant made by hand found as access drift. */
  initial?: RecordAccessInitial;
  onClose: () => void;
  /** Called once the access is recorded, e.g. to reload the table. */
  onRecorded: (request: AccessRequest) => void;
}) {
  const { product, open, onClose, initial } = props;
  const api = useApi(dataMeshApiRef);
  const ports = product.spec.outputPorts ?? [];
  const consumers = useAnyConsumerOptions(open);
  const [form, setForm] = useState<Form>({
    outputPort: ports[0]?.name ?? '',
    consumer: null,
    purpose: '',
    pii: initial?.pii ?? false,
    days: '',
    requestedBy: '',
    comment: initial?.comment ?? '',
  });
  // the consumer named beforehand, once the catalog's options are loaded
  const initialConsumer = initial?.consumer?.toLowerCase();
  useEffect(() => {
    if (!initialConsumer || !consumers.value) return;
    const option = consumers.value.find(
      o => o.ref.toLowerCase() === initialConsumer,
    );
    if (option) setForm(f => (f.consumer ? f : { ...f, consumer: option }));
  }, [initialConsumer, consumers.value]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const [recorded, setRecorded] = useState<AccessRequest>();

  const port = ports.find(p => p.name === form.outputPort);
  const limits = port ? portDurationLimits(port) : undefined;
  const piiColumns =
    port && !portDeniesPii(port) ? portPiiColumns(product, port) : [];
  const days = form.days || String(limits?.defaultDays ?? '');
  const update = (patch: Partial<Form>, field: Field) => {
    setForm(f => ({ ...f, ...patch }));
    setErrors(e => ({ ...e, [field]: undefined }));
  };

  const submit = async () => {
    const found: FieldErrors = {};
    if (!port) found.outputPort = 'Choose the port the consumer reads';
    if (!form.consumer) found.consumer = 'Choose who reads it';
    if (!form.purpose.trim()) found.purpose = 'A purpose is required';
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1) {
      found.duration = 'A whole number of days, at least 1';
    } else if (limits?.maxDays && n > limits.maxDays) {
      found.duration = `At most ${limits.maxDays} days on this port`;
    }
    setErrors(found);
    setFailure(undefined);
    if (Object.values(found).some(Boolean)) return;
    setSending(true);
    try {
      const request = await api.recordAccessAgreement({
        product: stringifyEntityRef(product),
        outputPort: form.outputPort,
        consumer: form.consumer!.ref,
        purpose: form.purpose.trim(),
        pii: form.pii,
        duration: `${n}d`,
        ...(form.requestedBy.trim()
          ? { requestedBy: form.requestedBy.trim() }
          : {}),
        ...(form.comment.trim() ? { comment: form.comment.trim() } : {}),
      });
      setRecorded(request);
      props.onRecorded(request);
    } catch (e) {
      const refused = refusedField(e as Error, FIELDS);
      if (refused) setErrors({ [refused.field]: refused.message });
      else setFailure(errorMessage(e as Error));
    } finally {
      setSending(false);
    }
  };

  const title = 'Record existing access';
  if (recorded) {
    return (
      <Dialog open={open} onClose={onClose} aria-label={title}>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent data-testid="access-recorded">
          <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
            <Typography>
              Recorded for {form.consumer?.label ?? recorded.consumer}:
            </Typography>
            <AccessStateChip state={recorded.state} />
          </Box>
          <Typography variant="body2">
            It expires on {formatExpiry(recorded.expiresAt)}; the warehouse role{' '}
            <code>{recorded.role}</code> holds the grant for{' '}
            <code>{recorded.grantee}</code>. A grant made by hand that it
            replaces now shows as access drift, which the repair drops.
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
        <Typography variant="body2" color="textSecondary">
          For a consumer that already reads this product under an agreement made
          before the portal. It is recorded as approved by you and granted in
          the warehouse; from then on it expires, is extended and revoked like
          any request.
        </Typography>
        <TextField
          select
          id="record-port"
          fullWidth
          margin="normal"
          label="Output port"
          value={form.outputPort}
          onChange={e => update({ outputPort: e.target.value }, 'outputPort')}
          error={!!errors.outputPort}
          helperText={errors.outputPort}
        >
          {ports.map(p => (
            <MenuItem key={p.name} value={p.name}>
              {p.title ?? p.name}
            </MenuItem>
          ))}
        </TextField>
        {consumers.loading && <Progress />}
        {consumers.error && (
          <Alert severity="warning">
            The catalog's teams and products could not be loaded:{' '}
            {errorMessage(consumers.error)}
          </Alert>
        )}
        <Autocomplete
          id="record-consumer"
          options={consumers.value ?? []}
          groupBy={o => (o.kind === 'group' ? 'Teams' : 'Data products')}
          getOptionLabel={o => o.label}
          getOptionSelected={(a, b) => a.ref === b.ref}
          value={form.consumer}
          onChange={(_, value) => update({ consumer: value }, 'consumer')}
          renderInput={params => (
            <TextField
              {...params}
              margin="normal"
              label="Consumer"
              error={!!errors.consumer}
              helperText={
                errors.consumer ??
                'The team (its team role) or data product (its service role) that reads it'
              }
            />
          )}
        />
        <TextField
          fullWidth
          multiline
          id="record-purpose"
          minRows={2}
          margin="normal"
          label="Purpose"
          required
          value={form.purpose}
          onChange={e => update({ purpose: e.target.value }, 'purpose')}
          error={!!errors.purpose}
          helperText={errors.purpose ?? 'What the consumer uses the data for'}
        />
        {piiColumns.length > 0 && (
          <FormControlLabel
            control={
              <Checkbox
                checked={form.pii}
                onChange={e => update({ pii: e.target.checked }, 'pii')}
              />
            }
            label={`Personal-data columns in clear (${piiColumns.join(', ')})`}
          />
        )}
        <TextField
          id="record-duration"
          margin="normal"
          label="Duration (days, from today)"
          type="number"
          value={days}
          onChange={e => update({ days: e.target.value }, 'duration')}
          error={!!errors.duration}
          helperText={
            errors.duration ??
            (limits?.maxDays
              ? `At most ${limits.maxDays} days on this port`
              : undefined)
          }
          inputProps={{ min: 1, max: limits?.maxDays }}
        />
        <TextField
          id="record-requested-by"
          fullWidth
          margin="normal"
          label="Asked for by (optional)"
          value={form.requestedBy}
          onChange={e => update({ requestedBy: e.target.value }, 'requestedBy')}
          error={!!errors.requestedBy}
          helperText={
            errors.requestedBy ??
            'A user or group ref, e.g. user:default/jane.doe; told before it expires. You, if left empty'
          }
        />
        <TextField
          id="record-comment"
          fullWidth
          margin="normal"
          label="Where it was agreed (optional)"
          value={form.comment}
          onChange={e => update({ comment: e.target.value }, 'comment')}
          error={!!errors.comment}
          helperText={
            errors.comment ?? 'A ticket or contract; kept in the history'
          }
        />
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
          Record access
        </Button>
      </DialogActions>
    </Dialog>
  );
}
