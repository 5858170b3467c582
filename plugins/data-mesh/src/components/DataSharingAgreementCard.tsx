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

/** The sections of the agreement the owner wrote, in display order. */
export function agreementSections(agreement: DataSharingAgreement = {}) {
  return SECTIONS.filter(({ key }) => {
    const text = agreement[key];
    return typeof text === 'string' && text.trim() !== '';
  });
}

/** The written sections of an agreement, headed; shared by the card and the request form. */
export function AgreementSections(props: { agreement: DataSharingAgreement }) {
  const classes = useStyles();
  return (
    <>
      {agreementSections(props.agreement).map(({ key, heading }) => (
        <section
          key={key}
          className={classes.section}
          data-testid={`agreement-${key}`}
        >
          <Typography variant="h6" component="h3" className={classes.heading}>
            {heading}
          </Typography>
          <MarkdownContent content={props.agreement[key] as string} />
        </section>
      ))}
    </>
  );
}

/**
 * The terms under which the product may be consumed. Only the sections the
 * owner wrote are shown.
 *
 * @public
 */
export function DataSharingAgreementCard(props: { title?: string }) {
  const entity = useDataProductEntity();
  const title = props.title ?? 'Data-sharing agreement';
  if (!entity) return <NotADataProductCard title={title} />;
  const agreement = entity.spec.dataSharingAgreement ?? {};
  return (
    <InfoCard title={title}>
      {agreementSections(agreement).length === 0 ? (
        <EmptyHint>
          No data-sharing agreement is declared for this product. Ask the owner
          before using its data; owners declare one under
          spec.dataSharingAgreement.
        </EmptyHint>
      ) : (
        <AgreementSections agreement={agreement} />
      )}
    </InfoCard>
  );
}
