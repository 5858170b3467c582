import Grid from '@material-ui/core/Grid';
import { DataProductAboutCard } from './DataProductAboutCard';
import {
  DataProductLineageCard,
  DataProductLineageCardProps,
} from './DataProductLineageCard';
import { DataSharingAgreementCard } from './DataSharingAgreementCard';
import { DatasetsCard } from './DatasetsCard';
import { InputPortsCard } from './InputPortsCard';
import { DataProductLifecycleBanner } from './lifecycle/DataProductLifecycleBanner';
import { OutputPortsCard } from './OutputPortsCard';
import { DataQualityCard } from './quality/DataQualityCard';
import { SloHealthCard } from './slo/SloHealth';

/**
 * The whole data product page in one grid: about, SLO health and lineage,
 * then ports, datasets and the data-sharing agreement. Meant for legacy apps' entity
 * page route `/`; the new frontend system places the same cards on the
 * catalog's overview instead.
 *
 * @public
 */
export function DataProductOverview(props: {
  /** Passed to the lineage card, e.g. to raise `maxDepth`. */
  lineage?: DataProductLineageCardProps;
}) {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <DataProductLifecycleBanner />
      </Grid>
      <Grid item xs={12} md={5}>
        <Grid container direction="column" spacing={3}>
          <Grid item>
            <DataProductAboutCard />
          </Grid>
          <Grid item>
            <SloHealthCard />
          </Grid>
        </Grid>
      </Grid>
      <Grid item xs={12} md={7}>
        <DataProductLineageCard {...props.lineage} />
      </Grid>
      <Grid item xs={12} md={6}>
        <OutputPortsCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <InputPortsCard />
      </Grid>
      <Grid item xs={12}>
        <DatasetsCard />
      </Grid>
      <Grid item xs={12}>
        <DataQualityCard />
      </Grid>
      <Grid item xs={12}>
        <DataSharingAgreementCard />
      </Grid>
    </Grid>
  );
}
