import { CopyTextButton, InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import {
  type Dataset,
  type QualityCheck,
  describeQualityCheck,
} from '@datamesh/plugin-data-mesh-common';
import {
  ClassificationChip,
  EmptyHint,
  NotADataProductCard,
  PiiChip,
  useDataProductEntity,
} from './common';

const useStyles = makeStyles(theme => ({
  dataset: {
    marginBottom: theme.spacing(3),
    '&:last-child': { marginBottom: 0 },
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  table: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontFamily: 'monospace',
    fontSize: '0.85rem',
  },
  columnName: {
    fontFamily: 'monospace',
    whiteSpace: 'nowrap',
  },
  // Backstage's theme breaks cell text anywhere, which in a narrow card
  // splits "varchar(6)" after its 6; a type of a few words' length stays on
  // one line, a long nested one (struct<...>) may still wrap
  shortType: {
    whiteSpace: 'nowrap',
  },
  keyIcon: {
    fontSize: '1rem',
    verticalAlign: 'middle',
    marginLeft: theme.spacing(0.5),
    color: theme.palette.warning?.dark ?? '#a84b00',
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  },
  required: {
    color: theme.palette.error.main,
    marginLeft: 2,
  },
}));

/** Longest column type kept on one line ("timestamp_ntz(9)", "decimal(38,10)"). */
const SHORT_TYPE_LENGTH = 24;

/** The data-quality checks a dataset or column promises, in words, as one chip. */
function QualityChecksChip(props: { checks?: QualityCheck[]; testId: string }) {
  const checks = props.checks ?? [];
  if (!checks.length) return null;
  return (
    <Tooltip
      title={
        <>
          {checks.map((c, i) => (
            <div key={i}>{describeQualityCheck(c)}</div>
          ))}
        </>
      }
    >
      <Chip
        size="small"
        variant="outlined"
        label={`${checks.length} quality check${
          checks.length === 1 ? '' : 's'
        }`}
        aria-label={`Quality checks: ${checks
          .map(describeQualityCheck)
          .join('; ')}`}
        data-testid={props.testId}
      />
    </Tooltip>
  );
}

function DatasetSection(props: { dataset: Dataset }) {
  const classes = useStyles();
  const { dataset } = props;
  const columns = dataset.columns;
  const piiCount = columns.filter(c => c.pii).length;
  return (
    <Box
      className={classes.dataset}
      data-testid={`dataset-${dataset.name}`}
      component="section"
    >
      <div className={classes.heading}>
        <Typography variant="h6" component="h3">
          {dataset.title ?? dataset.name}
        </Typography>
        {dataset.title && dataset.title !== dataset.name && (
          <Typography variant="body2" color="textSecondary">
            ({dataset.name})
          </Typography>
        )}
        {piiCount > 0 && (
          <Typography variant="body2" color="error">
            {piiCount} PII column{piiCount === 1 ? '' : 's'}
          </Typography>
        )}
        <QualityChecksChip
          checks={dataset.quality}
          testId={`dataset-quality-${dataset.name}`}
        />
      </div>
      {dataset.table && (
        <div className={classes.table}>
          Table: <span data-testid="dataset-table">{dataset.table}</span>
          <CopyTextButton
            text={dataset.table}
            tooltipText="Table name copied"
            aria-label={`Copy table name of ${dataset.name}`}
          />
        </div>
      )}
      {dataset.description && (
        <Typography variant="body2" paragraph>
          {dataset.description}
        </Typography>
      )}
      {columns.length === 0 ? (
        <EmptyHint>No columns declared for this dataset.</EmptyHint>
      ) : (
        <Table size="small" aria-label={`Columns of ${dataset.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Column</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Description</TableCell>
              <TableCell>Classification</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {columns.map(column => (
              <TableRow
                key={column.name}
                data-testid={`column-${dataset.name}-${column.name}`}
              >
                <TableCell className={classes.columnName}>
                  {column.name}
                  {column.required && (
                    <Tooltip title="Required (not null)">
                      <span className={classes.required}>*</span>
                    </Tooltip>
                  )}
                  {column.primaryKey && (
                    <Tooltip title="Primary key">
                      <VpnKeyIcon
                        className={classes.keyIcon}
                        aria-label="Primary key"
                        data-testid="primary-key"
                      />
                    </Tooltip>
                  )}
                </TableCell>
                <TableCell
                  className={
                    column.type.length <= SHORT_TYPE_LENGTH
                      ? classes.shortType
                      : undefined
                  }
                >
                  <code>{column.type}</code>
                </TableCell>
                <TableCell>{column.description}</TableCell>
                <TableCell>
                  <div className={classes.chips}>
                    {column.pii && <PiiChip />}
                    {column.criticalDataElement && (
                      <Chip
                        size="small"
                        variant="outlined"
                        label="Critical"
                        title="Critical data element: the business depends on it"
                        data-testid="critical-data-element"
                      />
                    )}
                    {column.classification && (
                      <ClassificationChip
                        classification={column.classification}
                      />
                    )}
                    <QualityChecksChip
                      checks={column.quality}
                      testId="column-quality"
                    />
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

/**
 * The product's datasets with their physical tables and column schemas,
 * marking personal data (PII), classification and primary keys.
 *
 * @public
 */
export function DatasetsCard(props: { title?: string }) {
  const entity = useDataProductEntity();
  const title = props.title ?? 'Datasets';
  if (!entity) return <NotADataProductCard title={title} />;
  const datasets = entity.spec.datasets ?? [];
  return (
    <InfoCard title={title}>
      {datasets.length === 0 ? (
        <EmptyHint>This data product declares no datasets.</EmptyHint>
      ) : (
        datasets.map(dataset => (
          <DatasetSection key={dataset.name} dataset={dataset} />
        ))
      )}
    </InfoCard>
  );
}
