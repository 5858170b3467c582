import type { QualityProductItem } from '@datamesh/plugin-data-mesh-common';
import Typography from '@material-ui/core/Typography';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Where a product's data-quality checks stand, in a few words ("2 checks
 * failing", "1 warning", "3 checks pass"), the checks' keys in its title:
 * a line under a product's health on the Data products page and My data
 * products. `pending`: it declares checks without results yet. Nothing
 * for a product without checks, or while unknown.
 */
export function QualityLine(props: {
  quality: QualityProductItem | undefined;
  pending?: boolean;
  prefix?: string;
}) {
  const { quality, pending, prefix = 'Quality: ' } = props;
  let text: string;
  let title: string;
  let failing = false;
  if (quality?.failing.length) {
    failing = true;
    text = `${plural(quality.failing.length, 'check')} failing`;
    title = `Blocking checks failing or not measured: ${quality.failing.join(
      ', ',
    )}`;
  } else if (quality?.warnings.length) {
    text = plural(quality.warnings.length, 'warning');
    title = `Warnings failing: ${quality.warnings.join(', ')}`;
  } else if (quality) {
    text = `${plural(quality.checks, 'check')} pass`;
    title = 'Every data-quality check passed its latest run';
  } else if (pending) {
    text = 'not measured yet';
    title = 'Declares data-quality checks the portal has not measured yet';
  } else {
    return null;
  }
  return (
    <Typography
      variant="caption"
      display="block"
      color={failing ? 'error' : 'textSecondary'}
      title={title}
      data-testid="quality"
    >
      {prefix}
      {text}
    </Typography>
  );
}
