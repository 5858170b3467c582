import Chip from '@material-ui/core/Chip';
import { CSSProperties } from 'react';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import type { SloStatus } from '@datamesh/plugin-data-mesh-common';
import { STATUS_LABELS } from './format';

/** Fallbacks for themes without the MUI v4 `success` palette. */
export const SLO_STATUS_FALLBACK_COLORS = {
  ok: '#2e7d32',
  breaching: '#d32f2f',
};

/**
 * Colours per status, inline rather than through makeStyles: a status
 * chip's colour is its message, so it must not depend on the order in which
 * style sheets happen to be injected next to MUI's own Chip styles.
 */
export function sloStatusStyle(status: SloStatus, theme: Theme): CSSProperties {
  if (status === 'ok') {
    return {
      backgroundColor:
        theme.palette.success?.main ?? SLO_STATUS_FALLBACK_COLORS.ok,
      color: theme.palette.success?.contrastText ?? '#fff',
    };
  }
  if (status === 'breaching') {
    return {
      backgroundColor: theme.palette.error.main,
      color: theme.palette.error.contrastText,
      fontWeight: theme.typography.fontWeightBold as number,
    };
  }
  return {
    color: theme.palette.text.secondary,
    borderColor: theme.palette.text.secondary,
  };
}

const useStyles = makeStyles({
  // icons take the label colour
  chip: { '& svg': { color: 'inherit' } },
});

/**
 * The status of an objective or a product. Icon and label differ per status
 * so it reads without colour; `title` says what the status means.
 *
 * @public
 */
export function SloStatusChip(props: {
  status: SloStatus;
  size?: 'small' | 'medium';
  /** Replaces the label, e.g. "2 of 3 breaching". */
  label?: string;
  title?: string;
}) {
  const classes = useStyles();
  const theme = useTheme<Theme>();
  const { status } = props;
  const common = {
    className: classes.chip,
    style: sloStatusStyle(status, theme),
    size: props.size ?? ('small' as const),
    label: props.label ?? STATUS_LABELS[status],
    'data-testid': `slo-status-${status}`,
  };
  if (status === 'ok') {
    return (
      <Chip
        {...common}
        icon={<CheckCircleIcon />}
        title={props.title ?? 'Every objective meets its target'}
      />
    );
  }
  if (status === 'breaching') {
    return (
      <Chip
        {...common}
        icon={<ErrorIcon />}
        title={props.title ?? 'Below target: the error budget is overspent'}
      />
    );
  }
  return (
    <Chip
      {...common}
      variant="outlined"
      icon={<HelpOutlineIcon />}
      title={
        props.title ?? 'Nothing observed yet, so nothing can be vouched for'
      }
    />
  );
}
