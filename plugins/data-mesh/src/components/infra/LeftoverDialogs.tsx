/*
 * The Left behind section's dialogs: dropping a product's leftovers (its
 * name typed to confirm) and keeping them on purpose (a reason asked).
 */
import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import type {
  InfrastructureLeftover,
  InfrastructureLeftoverRole,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { ActionDialog } from './ActionDialog';

const useDialogStyles = makeStyles({
  schema: { wordBreak: 'break-all' },
});

/** A product's leftovers: its schemas and its roles. */
export interface ProductLeftoverSet {
  schemas: InfrastructureLeftover[];
  roles: InfrastructureLeftoverRole[];
}

/** The name to type to confirm: the product's, as its ref names it. */
export const nameOf = (product: string) => parseEntityRef(product).name;

/** Drop…: the product's leftovers, once its name is typed. */
export function ConfirmDrop(props: {
  product: string;
  left: ProductLeftoverSet;
  onClose: () => void;
  onDropped: (dropped: string[]) => void;
}) {
  const { product, left, onClose, onDropped } = props;
  const { schemas, roles } = left;
  const classes = useDialogStyles();
  const api = useApi(dataMeshApiRef);
  const [typed, setTyped] = useState('');
  const name = nameOf(product);
  const drop = async () => {
    const { namespace } = parseEntityRef(product);
    const result = await api.dropLeftovers(
      { namespace, name },
      {
        ...(schemas.length
          ? {
              schemas: schemas.map(s => ({
                database: s.database,
                schema: s.schema,
              })),
            }
          : {}),
        ...(roles.length ? { roles: roles.map(r => r.name) } : {}),
      },
    );
    onDropped(result.dropped);
  };
  return (
    <ActionDialog
      id="leftover-drop"
      title={`Drop what ${name} left behind?`}
      action="Drop them"
      ready={typed.trim() === name}
      run={drop}
      refused="Nothing was dropped"
      onClose={onClose}
    >
      {busy => (
        <>
          <DialogContentText component="div">
            {schemas.length > 0 &&
              'These schemas are dropped from the warehouse with everything in them. '}
            {roles.length > 0 &&
              'These roles are dropped: whoever holds them loses them. '}
            This cannot be undone: make sure no one still needs them.
            <ul>
              {[...schemas, ...roles].map(s => (
                <li key={s.qualified}>
                  <code className={classes.schema}>{s.qualified}</code>
                </li>
              ))}
            </ul>
          </DialogContentText>
          <TextField
            fullWidth
            id="leftover-drop-confirm"
            label={`Type ${name} to confirm`}
            value={typed}
            onChange={e => setTyped(e.target.value)}
            disabled={busy}
          />
        </>
      )}
    </ActionDialog>
  );
}

/** Longest reason the API takes. */
const REASON_MAX = 500;

/**
 * Keep…: the product's leftovers kept on purpose, with a reason — no
 * longer told nor counted as needing anyone, still listed and droppable.
 */
export function KeepLeftovers(props: {
  product: string;
  onClose: () => void;
  onKept: () => void;
}) {
  const { product, onClose, onKept } = props;
  const api = useApi(dataMeshApiRef);
  const [reason, setReason] = useState('');
  const name = nameOf(product);
  const keep = async () => {
    const { namespace } = parseEntityRef(product);
    await api.keepLeftovers({ namespace, name }, { reason: reason.trim() });
    onKept();
  };
  return (
    <ActionDialog
      id="leftover-keep"
      title={`Keep what ${name} left behind?`}
      action="Keep them"
      color="primary"
      ready={reason.trim() !== ''}
      run={keep}
      refused="Not kept"
      onClose={onClose}
    >
      {busy => (
        <>
          <DialogContentText>
            Kept schemas and roles stay in the warehouse and on this list with
            your reason, but no one is told of them and the home page no longer
            counts them. They can still be dropped, and kept no longer.
          </DialogContentText>
          <TextField
            fullWidth
            multiline
            id="leftover-keep-reason"
            label="Why they are kept"
            helperText="e.g. a legal hold, or another portal's product on this warehouse"
            value={reason}
            onChange={e => setReason(e.target.value.slice(0, REASON_MAX))}
            disabled={busy}
          />
        </>
      )}
    </ActionDialog>
  );
}
