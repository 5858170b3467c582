import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import WarningIcon from '@material-ui/icons/Warning';
import type { InfrastructureStatus } from '@datamesh/plugin-data-mesh-common';

const useStyles = makeStyles((theme: Theme) => ({
  inSync: {
    backgroundColor: theme.palette.success?.main ?? '#2e7d32',
    color: theme.palette.success?.contrastText ?? '#fff',
    '& svg': { color: 'inherit' },
  },
  drift: {
    backgroundColor: theme.palette.warning?.main ?? '#ed6c02',
    color: theme.palette.warning?.contrastText ?? '#000',
    fontWeight: theme.typography.fontWeightBold as number,
    '& svg': { color: 'inherit' },
  },
  conflict: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
    fontWeight: theme.typography.fontWeightBold as number,
    '& svg': { color: 'inherit' },
  },
  neutral: {
    color: theme.palette.text.secondary,
    borderColor: theme.palette.text.secondary,
    '& svg': { color: 'inherit' },
  },
}));

/** Each status's label and what it means. */
export const STATUS_TEXT: Record<
  InfrastructureStatus,
  { label: string; title: string }
> = {
  'in-sync': {
    label: 'In sync',
    title: 'The warehouse matches the declared state',
  },
  drift: {
    label: 'Drift',
    title:
      'The warehouse differs from the declared state; its repair plan brings it back',
  },
  'not-provisioned': {
    label: 'Not provisioned',
    title: "None of the product's schemas and roles exist yet",
  },
  conflict: {
    label: 'Conflict',
    title:
      'An object of the same name belongs to something else; nothing is changed until it is resolved',
  },
  invalid: {
    label: 'Invalid spec',
    title: 'No warehouse names can be made from this spec',
  },
};

/**
 * In-sync / drift status of a product's warehouse objects. Icon and label
 * differ per status so it reads without colour.
 * @public
 */
export function InfrastructureStatusChip(props: {
  status: InfrastructureStatus;
  /** Replaces the label, e.g. "Drift: 3 changes". */
  label?: string;
  /** Makes the chip a toggle button, e.g. a filter… */
  onClick?: () => void;
  /** … and whether it is on. */
  pressed?: boolean;
}) {
  const classes = useStyles();
  const { status, onClick, pressed } = props;
  const text = STATUS_TEXT[status];
  const common = {
    size: 'small' as const,
    label: props.label ?? text.label,
    title: text.title,
    'data-testid': `infra-status-${status}`,
    ...(onClick
      ? { onClick, clickable: true, 'aria-pressed': Boolean(pressed) }
      : {}),
  };
  switch (status) {
    case 'in-sync':
      return (
        <Chip
          {...common}
          icon={<CheckCircleIcon />}
          className={classes.inSync}
        />
      );
    case 'drift':
      return (
        <Chip {...common} icon={<WarningIcon />} className={classes.drift} />
      );
    case 'conflict':
      return (
        <Chip {...common} icon={<ErrorIcon />} className={classes.conflict} />
      );
    default:
      return (
        <Chip
          {...common}
          variant="outlined"
          icon={<HelpOutlineIcon />}
          className={classes.neutral}
        />
      );
  }
}
