import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { errorMessage } from '../slo/SloErrors';

/** Why access requests could not be shown, with the backend's own message. */
export function AccessLoadError(props: { error: Error; what: string }) {
  return (
    <Alert severity="error" data-testid="access-load-error">
      <AlertTitle>{`${props.what} could not be loaded`}</AlertTitle>
      {errorMessage(props.error)}
    </Alert>
  );
}
