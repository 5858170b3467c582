import { ReactNode } from 'react';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import Typography from '@material-ui/core/Typography';
import { DataMeshUnreachableError } from '../../api';

/** The backend's own message from a `ResponseError`, else the error's. */
export function errorMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (
    error.name === 'ResponseError' &&
    cause instanceof Error &&
    cause.message
  ) {
    return cause.message;
  }
  return error.message;
}

function statusOf(error: Error): number | undefined {
  return error.name === 'ResponseError'
    ? (error as { statusCode?: number }).statusCode
    : undefined;
}

/**
 * Why SLO data could not be loaded, in terms an owner can act on: the
 * backend could not be reached at all, or it answered with an error of its
 * own (shown verbatim).
 */
export function SloLoadError(props: { error: Error; what?: string }) {
  const { error } = props;
  const what = props.what ?? 'SLOs';
  const status = statusOf(error);
  let title: string;
  let hint: ReactNode;
  if (
    error instanceof DataMeshUnreachableError ||
    error.name === 'DataMeshUnreachableError'
  ) {
    title = `The SLO service could not be reached, so ${what} cannot be shown`;
    hint =
      'SLOs are computed by @datamesh/plugin-data-mesh-backend; check that the backend is running and has the plugin installed.';
  } else if (status === 404) {
    title = `The SLO service does not know this path (404), so ${what} cannot be shown`;
    hint =
      'The backend may run without @datamesh/plugin-data-mesh-backend, or an older version of it.';
  } else if (status === 401 || status === 403) {
    title = `Not allowed to read ${what} (${status})`;
  } else {
    title = `The SLO service failed to answer${status ? ` (${status})` : ''}`;
  }
  return (
    <Alert severity="error" data-testid="slo-load-error">
      <AlertTitle>{title}</AlertTitle>
      <div>{errorMessage(error)}</div>
      {hint && <div>{hint}</div>}
    </Alert>
  );
}

/**
 * One line saying a part of a page could not be loaded and why, while the
 * rest of the page shows: "Readers are unavailable: <why>".
 */
export function UnavailableNote(props: {
  error: Error;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      display="block"
      data-testid={props.testId}
    >
      {props.children}: {errorMessage(props.error)}
    </Typography>
  );
}
