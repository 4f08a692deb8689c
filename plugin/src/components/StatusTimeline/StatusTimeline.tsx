import React, { useId, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2, TimeZone } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { Segment, SegmentState, STATE_LABELS, Uptime } from '../../status/segments';
import { formatDuration, formatRatio } from '../../utils/format';

/** Text and colour of a state as the data says it, e.g. from a panel's value mappings. */
export interface StateDisplay {
  text?: string;
  color?: string;
}

export interface TimelineLane {
  /** Shown on the left of the lane. */
  name: string;
  /** Tells lanes apart when names repeat; defaults to name. */
  key?: string;
  segments: Segment[];
  uptime: Uptime;
  /** Overrides of the states' labels and colours for this lane only. */
  states?: Partial<Record<SegmentState, StateDisplay>>;
}

/** Where a click landed, for a menu at that spot. */
export interface ClickPosition {
  x: number;
  y: number;
}

export type GapStyle = 'hatched' | 'empty';

export interface TimelineColors {
  pass: string;
  fail: string;
  error: string;
  maintenance: string;
}

export const DEFAULT_TIMELINE_COLORS: TimelineColors = {
  pass: 'green',
  fail: 'red',
  error: 'gray',
  maintenance: 'blue',
};

export interface StatusTimelineProps<L extends TimelineLane = TimelineLane> {
  lanes: L[];
  from: number;
  to: number;
  colors?: TimelineColors;
  gapStyle?: GapStyle;
  showUptime?: boolean;
  showLegend?: boolean;
  laneHeight?: number;
  timeZone?: TimeZone;
  onCellClick?: (lane: L, segment: Segment, at: ClickPosition) => void;
}

interface HoverState {
  lane: number;
  segment: number;
  x: number;
  y: number;
}

export function StatusTimeline<L extends TimelineLane = TimelineLane>({
  lanes,
  from,
  to,
  colors = DEFAULT_TIMELINE_COLORS,
  gapStyle = 'hatched',
  showUptime = true,
  showLegend = true,
  laneHeight = 24,
  timeZone,
  onCellClick,
}: StatusTimelineProps<L>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const patternId = `gap-${useId().replace(/:/g, '')}`;
  const [hover, setHover] = useState<HoverState | null>(null);
  const span = Math.max(to - from, 1);

  const fills = useMemo<Record<SegmentState, string>>(
    () => ({
      pass: theme.visualization.getColorByName(colors.pass),
      fail: theme.visualization.getColorByName(colors.fail),
      error: theme.visualization.getColorByName(colors.error),
      maintenance: theme.visualization.getColorByName(colors.maintenance),
      nodata: gapStyle === 'hatched' ? `url(#${patternId})` : 'transparent',
    }),
    [theme, colors, gapStyle, patternId]
  );

  // One handler per lane reads the cell from data attributes: thousands of cells must not mean thousands of closures.
  const cellAt = (target: EventTarget): { lane: number; segment: number } | null => {
    const el = target as SVGElement;
    const lane = el.getAttribute?.('data-lane');
    const segment = el.getAttribute?.('data-segment');
    return lane === null || segment === null || lane === undefined
      ? null
      : { lane: Number(lane), segment: Number(segment) };
  };

  const onMouseOver = (event: React.MouseEvent) => {
    const cell = cellAt(event.target);
    setHover(cell ? { ...cell, x: event.clientX, y: event.clientY } : null);
  };

  const onClick = (event: React.MouseEvent) => {
    const cell = cellAt(event.target);
    const lane = cell && lanes[cell.lane];
    const segment = lane && lane.segments[cell.segment];
    if (lane && segment && segment.state !== 'nodata' && onCellClick) {
      onCellClick(lane, segment, { x: event.clientX, y: event.clientY });
    }
  };

  if (lanes.length === 0) {
    return <div className={styles.empty}>No status series in this time range.</div>;
  }

  const hovered = hover ? lanes[hover.lane]?.segments[hover.segment] : undefined;
  const hoveredLane = hover ? lanes[hover.lane] : undefined;
  const format = (t: number) => dateTimeFormat(t, { timeZone });

  return (
    <div className={styles.container} data-testid="status-timeline">
      <svg width="0" height="0" className={styles.defs} aria-hidden>
        <defs>
          <pattern id={patternId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="transparent" />
            <line x1="0" y1="0" x2="0" y2="6" stroke={theme.colors.text.disabled} strokeWidth="2" />
          </pattern>
        </defs>
      </svg>
      {lanes.map((lane, laneIndex) => (
        <div
          className={styles.row}
          key={`${lane.key ?? lane.name}-${laneIndex}`}
          data-testid={`timeline-lane-${lane.name}`}
        >
          <div className={styles.name} title={lane.name}>
            {lane.name}
          </div>
          <svg
            className={styles.lane}
            height={laneHeight}
            role="img"
            aria-label={`${lane.name} status timeline`}
            onMouseOver={onMouseOver}
            onMouseLeave={() => setHover(null)}
            onClick={onClick}
          >
            {lane.segments.map((segment, segmentIndex) => (
              <rect
                key={segment.start}
                data-lane={laneIndex}
                data-segment={segmentIndex}
                data-state={segment.state}
                x={`${((segment.start - from) / span) * 100}%`}
                width={`${((segment.end - segment.start) / span) * 100}%`}
                height="100%"
                fill={lane.states?.[segment.state]?.color ?? fills[segment.state]}
                className={segment.state !== 'nodata' && onCellClick ? styles.clickable : undefined}
              />
            ))}
          </svg>
          {showUptime && (
            <div className={styles.uptime} data-testid={`uptime-${lane.name}`}>
              <span title="Pass time over tested (pass + fail) time">{formatRatio(lane.uptime.ratio)}</span>
              {lane.uptime.errorMs > 0 && (
                <span className={styles.errorTime} title="Time the monitor could not test, excluded from uptime">
                  error {formatDuration(lane.uptime.errorMs)}
                </span>
              )}
              {lane.uptime.maintenanceMs > 0 && (
                <span className={styles.errorTime} title="Time in maintenance windows, excluded from uptime">
                  maintenance {formatDuration(lane.uptime.maintenanceMs)}
                </span>
              )}
            </div>
          )}
        </div>
      ))}
      {showLegend && (
        <div className={styles.legend} aria-label="Legend">
          {(['pass', 'fail', 'error', 'maintenance', 'nodata'] as const).map((state) =>
            state === 'nodata' && gapStyle === 'empty' ? null : (
              <span key={state} className={styles.legendItem}>
                <svg width="14" height="14" aria-hidden>
                  <rect width="14" height="14" fill={fills[state]} stroke={theme.colors.border.medium} />
                </svg>
                {STATE_LABELS[state]}
              </span>
            )
          )}
        </div>
      )}
      {hover && hovered && hoveredLane && (
        <div role="tooltip" className={styles.tooltip} style={{ left: hover.x + 12, top: hover.y + 12 }}>
          <div>
            <strong>{hoveredLane.name}</strong>:{' '}
            {hoveredLane.states?.[hovered.state]?.text ?? STATE_LABELS[hovered.state]}
          </div>
          <div>
            {format(hovered.start)} to {format(hovered.end)}
          </div>
          {hovered.detail && <div>{hovered.detail}</div>}
          <div>Duration {formatDuration(hovered.end - hovered.start)}</div>
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5), width: '100%' }),
  defs: css({ position: 'absolute' }),
  row: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  name: css({
    width: 110,
    flexShrink: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    color: theme.colors.text.primary,
  }),
  lane: css({
    flex: 1,
    minWidth: 0,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
  }),
  clickable: css({ cursor: 'pointer' }),
  uptime: css({
    width: 130,
    flexShrink: 0,
    display: 'flex',
    flexDirection: 'column',
    fontVariantNumeric: 'tabular-nums',
    color: theme.colors.text.primary,
  }),
  errorTime: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  legend: css({ display: 'flex', gap: theme.spacing(2), flexWrap: 'wrap', color: theme.colors.text.secondary }),
  legendItem: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  tooltip: css({
    position: 'fixed',
    zIndex: theme.zIndex.tooltip,
    background: theme.colors.background.elevated,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z3,
    padding: theme.spacing(1),
    pointerEvents: 'none',
  }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
});
