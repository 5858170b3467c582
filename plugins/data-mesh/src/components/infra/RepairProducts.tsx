/*
 * Repairing several products from the drift page: after a warehouse
 * incident (grants taken away, a schema dropped by hand) the platform team
 * applies every drifting product's plan in one go instead of one product
 * page at a time. Each product goes through the same endpoint, permission
 * (`data-mesh.infrastructure.apply`: owners and admins) and audit trail as
 * the Infrastructure card's Repair; products the user may not apply are
 * listed, not sent.
 */
import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import useAsync from 'react-use/esm/useAsync';
import {
  type InfrastructureDriftItem,
  dataMeshInfrastructureApplyPermission,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { appliedText, planApplicable } from './ApplyInfrastructure';

/** Products of `items` with a plan to apply. */
export function applicableItems(
  items: InfrastructureDriftItem[],
): InfrastructureDriftItem[] {
  return items.filter(i => planApplicable(i.status, i.steps + i.destructive));
}

/** What happened to one product: not sent, refused by the policy, applied, failed. */
type Outcome =
  | { kind: 'applied'; text: string; error: boolean }
  | { kind: 'failed'; text: string }
  | { kind: 'skipped'; text: string };

function RepairDialog(props: {
  items: InfrastructureDriftItem[];
  onClose: (changed: boolean) => void;
}) {
  const { items, onClose } = props;
  const api = useApi(dataMeshApiRef);
  const permissionApi = useApi(permissionApiRef);
  // the policy's answer per product, asked once when the dialog opens
  const allowed = useAsync(async () => {
    const answers = await Promise.all(
      items.map(i =>
        permissionApi.authorize({
          permission: dataMeshInfrastructureApplyPermission,
          resourceRef: i.entityRef,
        }),
      ),
    );
    return new Set(
      items
        .filter((_, n) => answers[n].result === AuthorizeResult.ALLOW)
        .map(i => i.entityRef),
    );
  }, [items, permissionApi]);
  const [allowDestructive, setAllowDestructive] = useState(false);
  const [outcomes, setOutcomes] = useState(new Map<string, Outcome>());
  const [running, setRunning] = useState(false);
  const [done, setDone] = useState(false);

  const mine = items.filter(i => allowed.value?.has(i.entityRef));
  const destructive = mine.reduce((n, i) => n + i.destructive, 0);

  const run = async () => {
    setRunning(true);
    const record = (ref: string, outcome: Outcome) =>
      setOutcomes(before => new Map(before).set(ref, outcome));
    // one after the other: each apply introspects and changes the warehouse
    for (const item of mine) {
      if (item.steps === 0 && !allowDestructive) {
        record(item.entityRef, {
          kind: 'skipped',
          text: 'Only revokes or drops: not sent.',
        });
        continue;
      }
      try {
        const { namespace, name } = parseEntityRef(item.entityRef);
        const applied = await api.applyInfrastructure(
          { namespace, name },
          { allowDestructive },
        );
        record(item.entityRef, {
          kind: 'applied',
          text: appliedText(applied),
          error: Boolean(applied.error),
        });
      } catch (e) {
        record(item.entityRef, {
          kind: 'failed',
          text: `Not applied: ${errorMessage(e as Error)}`,
        });
      }
    }
    setRunning(false);
    setDone(true);
  };

  const outcomeOf = (item: InfrastructureDriftItem) => {
    if (!allowed.value?.has(item.entityRef)) {
      return (
        <Typography variant="body2" color="textSecondary">
          Only its owners or an admin may apply its plan: not sent.
        </Typography>
      );
    }
    const outcome = outcomes.get(item.entityRef);
    if (!outcome) return null;
    const failed =
      outcome.kind === 'failed' ||
      (outcome.kind === 'applied' && outcome.error);
    return (
      <Typography
        variant="body2"
        color={failed ? 'error' : 'textPrimary'}
        data-testid={`repair-outcome-${item.entityRef}`}
      >
        {outcome.text}
      </Typography>
    );
  };

  const sent = [...outcomes.values()].filter(o => o.kind !== 'skipped').length;
  return (
    <Dialog
      open
      onClose={() => !running && onClose(done)}
      fullWidth
      maxWidth="md"
      aria-labelledby="repair-products-title"
    >
      <DialogTitle id="repair-products-title">
        Apply the plans of {items.length} data product
        {items.length === 1 ? '' : 's'}
      </DialogTitle>
      <DialogContent>
        {allowed.loading && <Progress />}
        {allowed.error && (
          <Typography color="error">
            Who may apply could not be checked:{' '}
            {errorMessage(allowed.error as Error)}
          </Typography>
        )}
        {allowed.value && (
          <>
            <Typography variant="body2" gutterBottom>
              You may apply {mine.length} of them; each is assessed afresh and
              kept in its audit trail, as its Infrastructure card's Repair does.
              {running &&
                ` Applying ${Math.min(sent + 1, mine.length)} of ${
                  mine.length
                }…`}
            </Typography>
            <ul data-testid="repair-products">
              {items.map(item => (
                <li key={item.entityRef}>
                  <Typography variant="body2" component="div">
                    <EntityRefLink
                      entityRef={item.entityRef}
                      title={item.title}
                    />{' '}
                    — {item.steps} change{item.steps === 1 ? '' : 's'}
                    {item.destructive
                      ? `, ${item.destructive} revoke or drop`
                      : ''}
                  </Typography>
                  {outcomeOf(item)}
                </li>
              ))}
            </ul>
            {destructive > 0 && (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={allowDestructive}
                    disabled={running || done}
                    onChange={e => setAllowDestructive(e.target.checked)}
                  />
                }
                label={`Also revoke and drop what the specs do not declare (${destructive})`}
              />
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose(done)} disabled={running}>
          {done ? 'Close' : 'Cancel'}
        </Button>
        {!done && (
          <Button
            color="primary"
            variant="contained"
            onClick={run}
            disabled={running || mine.length === 0}
          >
            Apply {mine.length} plan{mine.length === 1 ? '' : 's'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

/**
 * "Repair or provision n…" for the products shown that have a plan to
 * apply; `onDone` after a run (the page checks the warehouse again).
 */
export function RepairProducts(props: {
  items: InfrastructureDriftItem[];
  onDone: () => void;
}) {
  // the products shown when the dialog opened: it asks the policy about these
  const [chosen, setChosen] = useState<InfrastructureDriftItem[]>();
  const items = applicableItems(props.items);
  if (items.length === 0 && !chosen) return null;
  return (
    <>
      {items.length > 0 && (
        <Button
          variant="outlined"
          color="primary"
          onClick={() => setChosen(items)}
        >
          Repair or provision {items.length}…
        </Button>
      )}
      {chosen && (
        <RepairDialog
          items={chosen}
          onClose={changed => {
            setChosen(undefined);
            if (changed) props.onDone();
          }}
        />
      )}
    </>
  );
}
