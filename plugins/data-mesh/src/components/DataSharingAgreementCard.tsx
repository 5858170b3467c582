import { InfoCard, MarkdownContent } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { DataSharingAgreement } from '@datamesh/plugin-data-mesh-common';
import { EmptyHint, NotADataProductCard, useDataProductEntity } from './common';

/** Display order and headings; the order follows a consumer's questions. */
type Section = keyof DataSharingAgreement & string;
const SECTIONS: { key: Section; heading: string }[] = [
  { key: 'purpose', heading: 'Purpose' },
  { key: 'usage', heading: 'Usage' },
  { key: 'limitations', heading: 'Limitations' },
  { key: 'approval', heading: 'Approval' },
  { key: 'termination', heading: 'Termination' },
  { key: 'instructions', heading: 'How to request access' },
];

const useStyles = makeStyles(theme => ({
  section: {
    marginBottom: theme.spacing(2),
    '&:last-child': { marginBottom: 0 },
  },
  heading: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: '0.75rem',
    fontWeight: 'bold',
    letterSpacing: 0.5,
  },
}));

/**
 * The terms under which the product may be consumed. Only the sections the
 * owner wrote are shown.
 *
 * @public
 */
export function DataSharingAgreementCard(props: { title?: string }) {
  const classes = useStyles();
  const entity = useDataProductEntity();
  const title = props.title ?? 'Data-sharing agreement';
  if (!entity) return <NotADataProductCard title={title} />;
  const agreement = entity.spec.dataSharingAgreement ?? {};
  const present = SECTIONS.filter(({ key }) => {
    const text = agreement[key];
    return typeof text === 'string' && text.trim() !== '';
  });
  return (
    <InfoCard title={title}>
      {present.length === 0 ? (
        <EmptyHint>
          No data-sharing agreement is declared for this product. Ask the owner
          before using its data; owners declare one under
          spec.dataSharingAgreement.
        </EmptyHint>
      ) : (
        present.map(({ key, heading }) => (
          <section
            key={key}
            className={classes.section}
            data-testid={`agreement-${key}`}
          >
            <Typography variant="h6" component="h3" className={classes.heading}>
              {heading}
            </Typography>
            <MarkdownContent content={agreement[key] as string} />
          </section>
        ))
      )}
    </InfoCard>
  );
}
