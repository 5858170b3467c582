import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type AccessRequest,
  dataMeshAccessExtendPermission,
  dataMeshAccessRequestDecidePermission,
  dataMeshAccessRevokePermission,
  holdsGrant,
  mayApproveNow,
  type PortApproverPlace,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessRequestOperation } from '../../api';
import { AccessActionDialog } from './AccessActionDialog';
import { mayReject } from './rules';

/**
 * The changes the signed-in user may make to one request: owners and
 * admins (the permission policy's answer for the product) approve or reject
 * a pending request or extension and revoke a granted one; the port's
 * approvers (ODCS roles naming them) approve or reject too — on a port
 * with second-level approvers, the second approval is theirs alone, and
 * not the first approver's (`mayApproveNow`); the requester
 * and the members of the consumer ask to extend a granted access, and
 * cancel it (withdraw a pending request, give up a granted access). Approve
 * and reject are never offered to the requester of the request, nor those of
 * an extension to whoever asked for it, whatever the policy says.
 */
export function AccessRequestActions(props: {
  request: AccessRequest;
  /** The signed-in user's entity ref, lower-case. */
  me: string;
  /** Where the user stands among the port's approvers (its ODCS roles naming them or a group of theirs). */
  approval?: PortApproverPlace;
  /** The user is a member of the request's consumer (its team, or the team owning the consumer product). */
  member?: boolean;
  onChanged: (updated: AccessRequest) => void;
}) {
  const { request, me, approval, member, onChanged } = props;
  const resourceRef = request.product;
  const decide = usePermission({
    permission: dataMeshAccessRequestDecidePermission,
    resourceRef,
  });
  const decideExtension = usePermission({
    permission: dataMeshAccessExtendPermission,
    resourceRef,
  });
  const revoke = usePermission({
    permission: dataMeshAccessRevokePermission,
    resourceRef,
  });
  const [open, setOpen] = useState<{
    action: AccessRequestOperation;
    extension?: boolean;
  }>();

  const isRequester = request.requester.toLowerCase() === me;
  const granted = holdsGrant(request.state);
  const buttons: {
    label: string;
    action: AccessRequestOperation;
    extension?: boolean;
  }[] = [];
  if (!isRequester && request.state === 'pending') {
    if (mayApproveNow(request, me, approval, decide.allowed)) {
      buttons.push({ label: 'Approve', action: 'approve' });
    }
    if (mayReject(approval, decide.allowed)) {
      buttons.push({ label: 'Reject', action: 'reject' });
    }
  }
  if (
    !isRequester &&
    granted &&
    request.extension &&
    request.extension.requestedBy.toLowerCase() !== me
  ) {
    if (mayApproveNow(request, me, approval, decideExtension.allowed)) {
      buttons.push({
        label: 'Approve extension',
        action: 'approve',
        extension: true,
      });
    }
    if (mayReject(approval, decideExtension.allowed)) {
      buttons.push({
        label: 'Reject extension',
        action: 'reject',
        extension: true,
      });
    }
  }
  if (granted && revoke.allowed) {
    buttons.push({ label: 'Revoke', action: 'revoke' });
  }
  if (
    (isRequester || member) &&
    granted &&
    request.expiresAt &&
    !request.extension
  ) {
    buttons.push({ label: 'Extend', action: 'extend' });
  }
  if ((isRequester || member) && (granted || request.state === 'pending')) {
    buttons.push({
      label: granted ? 'Give up' : 'Withdraw',
      action: 'cancel',
    });
  }
  if (buttons.length === 0) return null;

  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {buttons.map(b => (
        <Button
          key={b.label}
          size="small"
          variant="outlined"
          color={
            b.action === 'reject' ||
            b.action === 'revoke' ||
            b.action === 'cancel'
              ? 'secondary'
              : 'primary'
          }
          onClick={() => setOpen(b)}
          aria-label={`${b.label} request ${request.id}`}
        >
          {b.label}
        </Button>
      ))}
      {open && (
        <AccessActionDialog
          request={request}
          action={open.action}
          extension={open.extension}
          secondLevel={approval?.secondLevel ?? []}
          onClose={() => setOpen(undefined)}
          onDone={updated => {
            setOpen(undefined);
            onChanged(updated);
          }}
        />
      )}
    </Box>
  );
}
