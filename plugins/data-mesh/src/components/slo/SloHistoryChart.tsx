import { useLayoutEffect, useRef, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { useTheme, Theme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type {
  SliceStatus,
  SloObjectiveReport,
  SloSliceReport,
} from '@datamesh/plugin-data-mesh-common';
import { formatDate, formatDateTime } from './format';
import { SLO_STATUS_FALLBACK_COLORS } from './SloStatusChip';

/**
 * Width of the chart's container. Measured, and re-measured on resize where
 * ResizeObserver exists; a container that measures 0 (a hidden tab, or a
 * DOM without layout) keeps the previous width rather than drawing nothing.
 */
function useContainerWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => {
      const w = el.getBoundingClientRect().width;
      if (w > 0) setWidth(Math.floor(w));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

interface ChartRow {
  start: number;
  label: string;
  status: SliceStatus;
  good: number;
  bad: number;
  noData: number;
  pending: number;
  passed: number;
  checks: number;
  rowCount?: number;
  lastAlteredAt?: number;
}

function toRows(history: SloSliceReport[]): ChartRow[] {
  return history.map(s => {
    const start = Date.parse(s.start);
    const lastAlteredAt = s.lastAltered ? Date.parse(s.lastAltered) : NaN;
    return {
      start,
      label: formatDate(start),
      status: s.status,
      // one unit per slice: the SLI counts slices, not checks
      good: s.status === 'good' ? 1 : 0,
      bad: s.status === 'bad' ? 1 : 0,
      noData: s.status === 'no-data' ? 1 : 0,
      pending: s.status === 'pending' ? 1 : 0,
      passed: s.good,
      checks: s.total,
      ...(s.rowCount !== undefined ? { rowCount: s.rowCount } : {}),
      ...(Number.isFinite(lastAlteredAt) ? { lastAlteredAt } : {}),
    };
  });
}

const STATUS_TEXT: Record<SliceStatus, string> = {
  good: 'good',
  bad: 'bad',
  'no-data': 'no data (counts as bad)',
  pending: 'in progress (not counted yet)',
};

function SliceTooltip(props: { active?: boolean; payload?: any[] }) {
  const row: ChartRow | undefined = props.payload?.[0]?.payload;
  if (!props.active || !row) return null;
  return (
    <div
      style={{
        background: '#fff',
        color: '#000',
        border: '1px solid #ccc',
        padding: 8,
        fontSize: 12,
      }}
    >
      <div>
        <strong>{formatDateTime(row.start)}</strong>
      </div>
      <div>Slice: {STATUS_TEXT[row.status]}</div>
      <div>
        {row.passed} of {row.checks} checks passed
      </div>
      {row.rowCount !== undefined && (
        <div>Rows: {row.rowCount.toLocaleString('en-US')}</div>
      )}
      {row.lastAlteredAt !== undefined && (
        <div>Last refresh: {formatDateTime(row.lastAlteredAt)}</div>
      )}
    </div>
  );
}

export function sliceColors(theme: Theme) {
  return {
    good: theme.palette.success?.main ?? SLO_STATUS_FALLBACK_COLORS.ok,
    bad: theme.palette.error.main ?? SLO_STATUS_FALLBACK_COLORS.breaching,
    noData: theme.palette.grey[500],
    pending: theme.palette.grey[300],
    rows: theme.palette.primary.main,
    refresh: theme.palette.secondary.main,
  };
}

/**
 * The window of one objective, slice by slice: a bar per slice coloured by
 * its outcome (the SLI is good bars / counted bars), and under it the table
 * stats the checks saw — row count as a line, the table's last refresh as
 * points — so that a bad slice can be traced to a missed load (the refresh
 * points stop climbing) or a volume drop (the line dips).
 *
 * @public
 */
export function SloHistoryChart(props: { objective: SloObjectiveReport }) {
  const { objective } = props;
  const theme = useTheme<Theme>();
  const colors = sliceColors(theme);
  const { ref, width } = useContainerWidth(640);
  const rows = toRows(objective.history);
  const counts = {
    good: rows.filter(r => r.status === 'good').length,
    bad: rows.filter(r => r.status === 'bad').length,
    noData: rows.filter(r => r.status === 'no-data').length,
    pending: rows.filter(r => r.status === 'pending').length,
  };
  const hasStats = rows.some(
    r => r.rowCount !== undefined || r.lastAlteredAt !== undefined,
  );
  const name = objective.title ?? objective.name;

  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No slice of the {objective.window} window has been observed yet.
      </Typography>
    );
  }
  return (
    <div ref={ref} data-testid={`slo-history-${objective.name}`}>
      <Typography variant="body2" data-testid="slo-history-summary">
        {counts.good} good, {counts.bad} bad
        {counts.noData > 0 ? ` (${counts.noData} without data)` : ''} of{' '}
        {objective.total} counted {objective.slice} slices
        {counts.pending > 0 ? '; today is in progress' : ''}
      </Typography>
      <BarChart
        width={width}
        height={110}
        data={rows}
        syncId={`slo-${objective.name}`}
        margin={{ top: 8, right: 56, bottom: 0, left: 56 }}
        barCategoryGap={2}
        aria-label={`Slices of ${name}`}
      >
        <XAxis
          dataKey="label"
          tick={{ fontSize: 11 }}
          interval="preserveStartEnd"
        />
        <YAxis hide domain={[0, 1]} />
        <Tooltip content={<SliceTooltip />} />
        <Legend verticalAlign="top" height={24} iconSize={10} />
        <Bar
          dataKey="good"
          name="good slice"
          stackId="slice"
          fill={colors.good}
          className="slo-slices-good"
          isAnimationActive={false}
        />
        <Bar
          dataKey="bad"
          name="bad slice"
          stackId="slice"
          fill={colors.bad}
          className="slo-slices-bad"
          isAnimationActive={false}
        />
        <Bar
          dataKey="noData"
          name="no data"
          stackId="slice"
          fill={colors.noData}
          className="slo-slices-no-data"
          isAnimationActive={false}
        />
        <Bar
          dataKey="pending"
          name="in progress"
          stackId="slice"
          fill={colors.pending}
          className="slo-slices-pending"
          isAnimationActive={false}
        />
      </BarChart>
      {hasStats && (
        <ComposedChart
          width={width}
          height={180}
          data={rows}
          syncId={`slo-${objective.name}`}
          margin={{ top: 8, right: 0, bottom: 0, left: 0 }}
          aria-label={`Row counts and last refresh of ${name}`}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="label"
            tick={{ fontSize: 11 }}
            interval="preserveStartEnd"
          />
          <YAxis
            yAxisId="rows"
            width={56}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) =>
              v >= 1000 ? `${Math.round(v / 1000)}k` : String(v)
            }
            domain={['auto', 'auto']}
          />
          <YAxis
            yAxisId="refresh"
            orientation="right"
            width={56}
            type="number"
            tick={{ fontSize: 11 }}
            domain={['dataMin', 'dataMax']}
            tickFormatter={(v: number) => formatDate(v)}
          />
          <Tooltip content={<SliceTooltip />} />
          <Legend verticalAlign="top" height={24} iconSize={10} />
          <Line
            yAxisId="rows"
            dataKey="rowCount"
            name="row count"
            stroke={colors.rows}
            dot={false}
            connectNulls
            className="slo-row-count"
            isAnimationActive={false}
          />
          <Scatter
            yAxisId="refresh"
            dataKey="lastAlteredAt"
            name="last refresh"
            fill={colors.refresh}
            className="slo-last-refresh"
            isAnimationActive={false}
          />
        </ComposedChart>
      )}
    </div>
  );
}
