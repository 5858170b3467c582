import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InputPort, accessRef } from '@datamesh/plugin-data-mesh-common';
import {
  InputAccessCell,
  inputRequest,
  useInputAccess,
} from './access/InputAccess';
import {
  BREAKABLE_IDENTIFIER,
  EmptyHint,
  NotADataProductCard,
  WHOLE_WORDS,
  useDataProductEntity,
} from './common';
import { ProductSloStatus } from './slo/ProductSloStatus';

const TYPE_LABELS: Record<string, string> = {
  'data-product': 'Data product',
  dataset: 'Dataset',
  api: 'API',
};

const useStyles = makeStyles({
  // with the health and access columns the names were cut into syllables
  table: { '& td, & th': WHOLE_WORDS },
  identifier: BREAKABLE_IDENTIFIER,
  inClear: { marginTop: 4 },
});

function InputSource(props: { port: InputPort }) {
  const { port } = props;
  const classes = useStyles();
  if (port.type === 'data-product' && port.dataProduct) {
    return (
      <>
        <EntityRefLink entityRef={port.dataProduct} defaultKind="DataProduct" />
        {port.outputPort && (
          <Typography variant="body2" color="textSecondary" component="span">
            {' '}
            via port{' '}
            <code className={classes.identifier}>{port.outputPort}</code>
          </Typography>
        )}
      </>
    );
  }
  if (port.source) {
    return <code className={classes.identifier}>{port.source}</code>;
  }
  return (
    <Typography variant="body2" color="textSecondary" component="span">
      Source not declared
    </Typography>
  );
}

/**
 * Where the product's data comes from: upstream data products (linked, the
 * same edges the lineage graph draws) with their SLO health (an upstream
 * breach is soon this product's), and sources outside the mesh. Its
 * owners also see whether the product may read each upstream port (its
 * access requests) and ask for what it may not.
 *
 * @public
 */
export function InputPortsCard(props: { title?: string }) {
  const entity = useDataProductEntity();
  const access = useInputAccess(entity);
  const classes = useStyles();
  const title = props.title ?? 'Input ports';
  if (!entity) return <NotADataProductCard title={title} />;
  const ports = entity.spec.inputPorts ?? [];
  // what it reads of other products: their health, and for its owners its access
  const readsProducts = ports.some(p => p.type === 'data-product');
  const showAccess = access.shown && !access.error && readsProducts;
  return (
    <InfoCard title={title} noPadding={ports.length > 0}>
      {ports.length === 0 ? (
        <EmptyHint>This data product declares no input ports.</EmptyHint>
      ) : (
        <Table size="small" aria-label="Input ports" className={classes.table}>
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Source</TableCell>
              {readsProducts && <TableCell>Health</TableCell>}
              <TableCell>Description</TableCell>
              {showAccess && <TableCell>This product's access</TableCell>}
            </TableRow>
          </TableHead>
          <TableBody>
            {ports.map(port => (
              <TableRow key={port.name} data-testid={`input-port-${port.name}`}>
                <TableCell>
                  <strong>{port.title ?? port.name}</strong>
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    variant="outlined"
                    label={TYPE_LABELS[port.type] ?? port.type}
                  />
                </TableCell>
                <TableCell>
                  <InputSource port={port} />
                </TableCell>
                {readsProducts && (
                  <TableCell>
                    {port.type === 'data-product' && port.dataProduct && (
                      <ProductSloStatus
                        product={accessRef(port.dataProduct, 'dataproduct')}
                      />
                    )}
                  </TableCell>
                )}
                <TableCell>
                  {port.description}
                  {port.personalDataInClear && (
                    <Typography variant="body2" component="div">
                      <Chip
                        size="small"
                        label="Personal data in clear"
                        title="The product reads this input's personal-data columns unmasked; its access requests ask for them"
                        className={classes.inClear}
                      />
                    </Typography>
                  )}
                </TableCell>
                {showAccess && (
                  <TableCell>
                    {access.requests && (
                      <InputAccessCell
                        product={entity}
                        port={port}
                        request={inputRequest(access.requests, port)}
                        onRequested={access.reload}
                      />
                    )}
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
