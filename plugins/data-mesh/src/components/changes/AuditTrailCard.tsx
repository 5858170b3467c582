/*
 * The product's audit trail on its Changes tab: what the platform did to
 * the product's warehouse objects and lifecycle — applies and repairs,
 * access repairs, sandboxes made and deleted, deprecation and each step of
 * retirement — who did it, when, whether it failed and the statements
 * sent, newest first. The spec's own changes are the card above; this is
 * what was done about them (and about everything else).
 */
import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { LifecycleAuditEntry } from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { BREAKABLE_IDENTIFIER, EmptyHint, Who } from '../common';
import { errorMessage } from '../slo/SloErrors';
import { formatDateTime } from '../slo/format';
import { auditWords } from './auditWords';
import { ChangeWhere, useChangeLinks } from './ChangeWhere';

/** Entries shown before "Show all". */
const FIRST = 20;

function AuditEntry(props: { entry: LifecycleAuditEntry }) {
  const { entry } = props;
  const words = auditWords(entry, useChangeLinks());
  const [open, setOpen] = useState(false);
  return (
    <Box component="li" mb={1.5} data-testid="audit-entry">
      <Box display="flex" alignItems="baseline" style={{ gap: 8 }}>
        {words.failed && <Chip size="small" color="secondary" label="Failed" />}
        <Typography variant="body2">{words.what}</Typography>
      </Box>
      <Typography variant="caption" color="textSecondary" component="div">
        {formatDateTime(Date.parse(entry.at))} · <Who entityRef={entry.actor} />
        {words.where && (
          <>
            {' · '}
            <ChangeWhere where={words.where} />
          </>
        )}
        {words.lines.length > 0 && (
          <>
            {' · '}
            <Button
              size="small"
              color="primary"
              onClick={() => setOpen(!open)}
              aria-expanded={open}
              // an inline link in a caption, not a shouting button
              style={{
                padding: 0,
                minWidth: 0,
                verticalAlign: 'baseline',
                textTransform: 'none',
              }}
            >
              {open ? 'Hide' : 'Show'} {words.lines.length}{' '}
              {words.lines.length === 1 ? 'line' : 'lines'}
            </Button>
          </>
        )}
      </Typography>
      {words.failed && (
        <Typography
          variant="body2"
          color="error"
          style={BREAKABLE_IDENTIFIER}
          data-testid="audit-entry-error"
        >
          {words.failed}
        </Typography>
      )}
      {open && (
        <Box
          component="pre"
          m={0}
          mt={0.5}
          p={1}
          style={{ whiteSpace: 'pre-wrap', ...BREAKABLE_IDENTIFIER }}
          bgcolor="background.default"
          data-testid="audit-entry-lines"
        >
          {words.lines.join('\n')}
        </Box>
      )}
    </Box>
  );
}

/**
 * Who did what to the product, newest first (the latest 20, then all on
 * request). Everyone who may see the product may read it, as the API lets.
 */
export function AuditTrailCard(props: { namespace: string; name: string }) {
  const { namespace, name } = props;
  const api = useApi(dataMeshApiRef);
  const [all, setAll] = useState(false);
  const lifecycle = useAsync(
    () => api.getProductLifecycle({ namespace, name }),
    [api, namespace, name],
  );
  if (lifecycle.loading) {
    return (
      <InfoCard title="Audit trail">
        <Progress />
      </InfoCard>
    );
  }
  if (lifecycle.error) {
    return (
      <InfoCard title="Audit trail">
        <Alert severity="error" data-testid="audit-load-error">
          The audit trail could not be loaded: {errorMessage(lifecycle.error)}
        </Alert>
      </InfoCard>
    );
  }
  const entries = [...(lifecycle.value?.audit ?? [])].reverse();
  const shown = all ? entries : entries.slice(0, FIRST);
  return (
    <InfoCard
      title="Audit trail"
      subheader="What was done to the product's warehouse objects and lifecycle, by whom, newest first"
    >
      {entries.length === 0 ? (
        <EmptyHint>
          Nothing recorded yet: applies and repairs from the portal, sandboxes
          made or deleted there, deprecation and retirement are kept here.
        </EmptyHint>
      ) : (
        <>
          <Box component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
            {shown.map((entry, i) => (
              <AuditEntry key={`${entry.at}-${i}`} entry={entry} />
            ))}
          </Box>
          {shown.length < entries.length && (
            <Button size="small" color="primary" onClick={() => setAll(true)}>
              Show all {entries.length}
            </Button>
          )}
        </>
      )}
    </InfoCard>
  );
}
