import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { DataMeshUnreachableError } from '../../api';

/** What went wrong, in terms a product owner or the platform team can act on. */
export function InfrastructureLoadError(props: { error: Error }) {
  const { error } = props;
  const status =
    error.name === 'ResponseError'
      ? (error as { statusCode?: number }).statusCode
      : undefined;
  const cause = (error as { cause?: { name?: string; message?: string } })
    .cause;
  const message =
    error.name === 'ResponseError' && cause?.message
      ? cause.message
      : error.message;
  let title: string;
  let hint: string | undefined;
  if (
    error instanceof DataMeshUnreachableError ||
    error.name === 'DataMeshUnreachableError' ||
    error instanceof TypeError
  ) {
    title = 'The data mesh backend could not be reached';
    hint =
      'Drift is computed by @datamesh/plugin-data-mesh-backend; check that the backend runs with the plugin installed.';
  } else if (status === 502) {
    title = 'The warehouse did not answer';
    hint =
      'The platform team can check the warehouse connection (dataMesh.warehouse in app-config).';
  } else if (status === 404) {
    title = 'Not found by the data mesh backend (404)';
    hint =
      'The product may not be in the catalog yet, or the backend runs without an infrastructure API.';
  } else if (status === 401 || status === 403) {
    title = `Not allowed to read the infrastructure (${status})`;
  } else {
    title = `Infrastructure could not be checked${
      status ? ` (${status})` : ''
    }`;
  }
  return (
    <Alert severity="error" data-testid="infra-error">
      <AlertTitle>{title}</AlertTitle>
      <div>{message}</div>
      {hint && <div>{hint}</div>}
    </Alert>
  );
}
