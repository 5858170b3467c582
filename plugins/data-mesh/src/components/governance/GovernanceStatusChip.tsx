import Chip from '@material-ui/core/Chip';
import type { GovernanceStatus } from '@datamesh/plugin-data-mesh-common';

const LABEL: Record<GovernanceStatus, string> = {
  pass: 'pass',
  warn: 'warn',
  fail: 'fail',
  'not-evaluated': 'not evaluated',
};

const COLOR: Record<GovernanceStatus, 'primary' | 'secondary' | 'default'> = {
  pass: 'primary',
  warn: 'default',
  fail: 'secondary',
  'not-evaluated': 'default',
};

/** pass / warn / fail / not evaluated, as text (never colour alone). */
export function GovernanceStatusChip(props: { status: GovernanceStatus }) {
  return (
    <Chip
      size="small"
      variant={props.status === 'warn' ? 'outlined' : 'default'}
      color={COLOR[props.status]}
      label={LABEL[props.status]}
    />
  );
}
