import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';
import type { CSSProperties } from 'react';
import type { AccessRequestState } from '@datamesh/plugin-data-mesh-common';
import { SLO_STATUS_FALLBACK_COLORS } from '../slo/SloStatusChip';

const LABELS: Record<AccessRequestState, string> = {
  pending: 'Pending',
  approved: 'Approved, awaiting grant',
  active: 'Active',
  rejected: 'Rejected',
  revoked: 'Revoked',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

const TITLES: Record<AccessRequestState, string> = {
  pending: 'Waiting for an owner of the product to decide',
  approved: 'Approved; the warehouse has not confirmed the grant yet',
  active: 'Granted in the warehouse',
  rejected: 'Rejected by an owner; nothing was granted',
  revoked: 'Revoked; the grant was taken back',
  expired: 'Expired; the grant was taken back',
  cancelled: 'Withdrawn or given up by the consumer; nothing is granted',
};

/**
 * The state of an access request, labelled in words (the colour only
 * repeats it): active filled green, pending and approved outlined, the end
 * states muted.
 */
export function AccessStateChip(props: { state: AccessRequestState }) {
  const theme = useTheme();
  const { state } = props;
  // inline, like the SLO chip: the colour must not depend on style order
  let style: CSSProperties = {};
  if (state === 'active') {
    style = {
      backgroundColor:
        theme.palette.success?.main ?? SLO_STATUS_FALLBACK_COLORS.ok,
      color: theme.palette.success?.contrastText ?? '#fff',
    };
  } else if (state === 'pending' || state === 'approved') {
    style = {
      borderColor: theme.palette.warning?.main ?? '#ed6c02',
      color: theme.palette.warning?.dark ?? '#a84b00',
    };
  }
  return (
    <Chip
      size="small"
      variant={state === 'active' ? 'default' : 'outlined'}
      label={LABELS[state]}
      title={TITLES[state]}
      style={style}
      data-testid={`access-state-${state}`}
    />
  );
}
