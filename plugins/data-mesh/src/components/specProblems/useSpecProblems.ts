import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { dataMeshApiRef, type SpecProblemsFilter } from '../../api';

/** How often the lists follow the catalog: it re-reads a location every few seconds. */
export const SPEC_PROBLEMS_REFRESH_MS = 10_000;

/**
 * Failing spec files, re-read every `refreshMs` so a fixed spec leaves the
 * list (and a broken one joins it) without a reload. The previous answer
 * stays shown while the next one loads.
 */
export function useSpecProblems(
  filter: SpecProblemsFilter = {},
  refreshMs: number = SPEC_PROBLEMS_REFRESH_MS,
) {
  const api = useApi(dataMeshApiRef);
  const { mine, owner } = filter;
  const state = useAsyncRetry(
    () => api.listSpecProblems({ mine, owner }),
    [api, mine, owner],
  );
  useInterval(state.retry, refreshMs > 0 ? refreshMs : null);
  return state;
}
