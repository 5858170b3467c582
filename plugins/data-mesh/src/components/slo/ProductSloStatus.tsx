import { fleetKey } from '../../fleet/joinFleet';
import { useSharedFleet } from '../../fleet/useFleetHealth';
import { SloStatusChip } from './SloStatusChip';

/**
 * The SLO health of a product known by its ref (a request's product, an
 * input's upstream), from the fleet every row on screen shares: what a
 * consumer checks before trusting what they read. `—` when the product has
 * no monitors (or the fleet is unavailable).
 */
export function ProductSloStatus(props: { product: string }) {
  const fleet = useSharedFleet();
  const status = fleet.value?.get(fleetKey(props.product))?.status;
  if (fleet.loading) return null;
  if (!status) {
    return (
      <span
        title={
          fleet.error
            ? `SLO health is unavailable: ${fleet.error.message}`
            : 'No SLO monitors for this product'
        }
      >
        —
      </span>
    );
  }
  return <SloStatusChip status={status} />;
}
