import { useState } from 'react';
import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { RetirementPanel } from './RetirementPanel';

const day = (iso?: string) => iso?.slice(0, 10) ?? 'an unknown date';

/**
 * A banner over a deprecated (or retiring) product's page: when it retires,
 * what replaces it, and whether new access requests are still taken; for
 * its owners, once the date has come, the retirement (RetirementPanel).
 * Renders nothing for a live product, and nothing when the lifecycle
 * cannot be read (the page must not fail over a banner).
 * @public
 */
export function DataProductLifecycleBanner() {
  const { entity } = useEntity();
  const api = useApi(dataMeshApiRef);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const [version, setVersion] = useState(0);
  const { value } = useAsync(
    () => api.getProductLifecycle({ namespace, name }),
    [api, namespace, name, version],
  );
  if (!value || value.state === 'live') return null;
  const retiring = value.state !== 'deprecated';
  return (
    <div data-testid="lifecycle-banner">
      <WarningPanel
        severity={retiring ? 'error' : 'warning'}
        title={
          retiring
            ? `This data product is ${value.state}`
            : `Deprecated: this data product retires on ${day(value.retireAt)}`
        }
        defaultExpanded
      >
        {value.successor ? (
          <Typography variant="body2">
            Move to its successor <EntityRefLink entityRef={value.successor} />.
          </Typography>
        ) : (
          <Typography variant="body2">It has no successor.</Typography>
        )}
        {value.reason && (
          <Typography variant="body2">Reason: {value.reason}</Typography>
        )}
        <Typography variant="body2">
          {!retiring && value.acceptNewRequests
            ? 'Its owners still take new access requests.'
            : 'New access requests are refused.'}
        </Typography>
        <RetirementPanel
          lifecycle={value}
          namespace={namespace}
          name={name}
          onChanged={() => setVersion(v => v + 1)}
        />
      </WarningPanel>
    </div>
  );
}
