import { InfoCard, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { NotADataProductCard, useDataProductEntity } from '../common';
import { formatBudget } from './format';
import { errorMessage } from './SloErrors';
import { SloStatusChip } from './SloStatusChip';
import { worstStatus } from './DataProductSlosContent';

/** Path of a product's SLO tab, from the catalog's entity route. */
export function useSloTabPath() {
  const entityRoute = useRouteRef(entityRouteRef);
  return (product: { namespace: string; name: string }) =>
    `${entityRoute({
      namespace: product.namespace,
      kind: 'dataproduct',
      name: product.name,
    })}/slos`;
}

function useProductHealth(entity: DataProductEntityV1alpha1 | undefined) {
  const api = useApi(dataMeshApiRef);
  const declared = entity?.spec.slos?.length ?? 0;
  const namespace = entity?.metadata.namespace ?? 'default';
  const name = entity?.metadata.name ?? '';
  return useAsync(async () => {
    if (!entity || declared === 0) return undefined;
    const { objectives } = await api.getProductSlos({ namespace, name });
    const measured = objectives.filter(o => o.total > 0);
    const budgets = measured
      .map(o => o.errorBudget.remaining)
      .filter((b): b is number => b !== null);
    return {
      status: worstStatus(objectives),
      objectives: objectives.length,
      breaching: objectives.filter(o => o.status === 'breaching').length,
      minBudget: budgets.length ? Math.min(...budgets) : undefined,
    };
  }, [api, namespace, name, declared]);
}

type HealthState = ReturnType<typeof useProductHealth>;

function HealthChipView(props: {
  entity: DataProductEntityV1alpha1;
  health: HealthState;
  size?: 'small' | 'medium';
}) {
  const { entity, size } = props;
  const { value, loading, error } = props.health;
  if (!entity.spec.slos?.length) {
    return (
      <Chip
        size={size ?? 'small'}
        variant="outlined"
        label="No SLOs"
        data-testid="slo-status-none"
        title="This product declares no service level objectives"
      />
    );
  }
  if (loading) return null;
  if (error || !value) {
    return (
      <Chip
        size={size ?? 'small'}
        variant="outlined"
        label="SLOs unknown"
        data-testid="slo-status-unknown"
        title={error ? errorMessage(error) : undefined}
      />
    );
  }
  return (
    <SloStatusChip
      status={value.status}
      size={size}
      label={`SLOs: ${
        value.status === 'breaching'
          ? `${value.breaching} of ${value.objectives} breaching`
          : { ok: 'OK', 'no-data': 'no data' }[value.status]
      }`}
    />
  );
}

/**
 * The product's SLO health as one chip ("SLOs: 1 of 3 breaching"), for a
 * header or a card. Renders nothing while loading; a product without SLOs
 * shows "No SLOs", an unreachable backend "SLOs unknown" with the reason as
 * its title.
 *
 * @public
 */
export function EntitySloHealthChip(props: { size?: 'small' | 'medium' }) {
  const entity = useDataProductEntity();
  const health = useProductHealth(entity);
  if (!entity) return null;
  return <HealthChipView entity={entity} health={health} size={props.size} />;
}

/**
 * Small overview card: the health chip, the lowest remaining error budget
 * and a link to the SLO tab.
 *
 * @public
 */
export function SloHealthCard() {
  const entity = useDataProductEntity();
  const health = useProductHealth(entity);
  const { value } = health;
  const sloTab = useSloTabPath();
  if (!entity) return <NotADataProductCard title="SLO health" />;
  const declared = entity.spec.slos?.length ?? 0;
  return (
    <InfoCard title="SLO health" variant="gridItem">
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <HealthChipView entity={entity} health={health} size="medium" />
        {value?.minBudget !== undefined && (
          <Typography variant="body2" color="textSecondary">
            lowest error budget: {formatBudget(value.minBudget)}
          </Typography>
        )}
      </Box>
      {health.error && (
        <Typography variant="caption" color="textSecondary" display="block">
          {errorMessage(health.error)}
        </Typography>
      )}
      {declared > 0 && (
        <Box mt={1}>
          <Link
            to={sloTab({
              namespace: entity.metadata.namespace ?? 'default',
              name: entity.metadata.name,
            })}
          >
            View{' '}
            {declared === 1 ? 'the objective' : `all ${declared} objectives`}
          </Link>
        </Box>
      )}
    </InfoCard>
  );
}
