// The one place that turns status samples (1 pass, 0 fail, -1 error; docs/metrics.md; 2 maintenance, which the
// runner's history gives and a panel query can, from rally_service_maintenance) into state segments and uptime. The timeline panel (from data frames) and the Overview page (from the runner's history) both use it.

import type { CycleSummary, ServiceName, ServiceState } from '../api/types';

export type SegmentState = 'pass' | 'fail' | 'error' | 'maintenance' | 'nodata';

/** The status code of a result taken in a maintenance window: never exported by the runner's status gauges. */
export const MAINTENANCE_CODE = 2;

export interface StatusPoint {
  /** Epoch milliseconds. */
  time: number;
  /** A status code; null, undefined or anything else means no data at that time. */
  value: number | null | undefined;
  /** What the hover says of the state, e.g. a maintenance window's reason. */
  detail?: string;
}

export interface Segment {
  state: SegmentState;
  start: number;
  end: number;
  /** Present when the samples said more than their state (a maintenance window's reason). */
  detail?: string;
}

export interface SegmentOptions {
  from: number;
  to: number;
  /**
   * The longest interval between two samples that still joins them. A longer silence is a gap (no data is not
   * green): the earlier sample covers one step of the series and no more. Defaults to twice the step.
   */
  maxGapMs?: number;
  /** The series' step, e.g. the query interval Grafana puts on a time field; defaults to the median interval. */
  stepMs?: number;
}

export interface Uptime {
  passMs: number;
  failMs: number;
  errorMs: number;
  /** Time in maintenance windows: neither up nor down, excluded like error time. */
  maintenanceMs: number;
  noDataMs: number;
  /** Pass time over pass + fail time, 0..1; error, maintenance and no-data time are excluded. Null when nothing was tested. */
  ratio: number | null;
}

export const STATE_LABELS: Record<SegmentState, string> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error (not tested)',
  maintenance: 'Maintenance',
  nodata: 'No data',
};

export function stateOfCode(value: number | null | undefined): SegmentState {
  switch (value) {
    case 1:
      return 'pass';
    case 0:
      return 'fail';
    case -1:
      return 'error';
    case MAINTENANCE_CODE:
      return 'maintenance';
    default:
      return 'nodata';
  }
}

export function codeOfServiceState(state: ServiceState): number | null {
  switch (state) {
    case 'pass':
      return 1;
    case 'fail':
      return 0;
    case 'error':
      return -1;
    case 'maintenance':
      return MAINTENANCE_CODE;
    default:
      return null;
  }
}

/** Median of the intervals between consecutive sorted times, or undefined with fewer than two samples. */
export function medianStepMs(sortedTimes: ArrayLike<number>): number | undefined {
  if (sortedTimes.length < 2) {
    return undefined;
  }
  // A typed array sorts numerically without a comparator: this runs on every panel render.
  const steps = new Float64Array(sortedTimes.length - 1);
  for (let i = 1; i < sortedTimes.length; i++) {
    steps[i - 1] = sortedTimes[i]! - sortedTimes[i - 1]!;
  }
  steps.sort();
  return steps[Math.floor(steps.length / 2)];
}

function push(segments: Segment[], state: SegmentState, start: number, end: number, detail?: string) {
  if (end <= start) {
    return;
  }
  const last = segments[segments.length - 1];
  if (last && last.state === state && last.end === start && last.detail === detail) {
    last.end = end;
    return;
  }
  segments.push(detail === undefined ? { state, start, end } : { state, start, end, detail });
}

/**
 * Segments covering exactly [from, to]: each sample holds until the next one when they are at most maxGapMs apart;
 * otherwise it covers one step and the rest of the silence is 'nodata'. The end of the range counts as the next
 * sample of the last one. Adjacent segments of the same state are merged.
 */
export function buildSegments(points: StatusPoint[], options: SegmentOptions): Segment[] {
  const sorted = isSortedByTime(points.map((p) => p.time)) ? points : [...points].sort((a, b) => a.time - b.time);
  return buildSegmentsFromColumns(
    sorted.map((p) => p.time),
    sorted.map((p) => p.value),
    options,
    sorted.some((p) => p.detail !== undefined) ? sorted.map((p) => p.detail) : undefined
  );
}

/** The same from a data frame's time and value columns, which must be sorted by time (as query results are). */
export function buildSegmentsFromColumns(
  times: ArrayLike<number>,
  values: ArrayLike<number | null | undefined>,
  options: SegmentOptions,
  details?: ArrayLike<string | undefined>
): Segment[] {
  const { from, to } = options;
  const step = options.stepMs !== undefined && options.stepMs > 0 ? options.stepMs : medianStepMs(times);
  const maxGap = options.maxGapMs ?? (step !== undefined ? 2 * step : to - from);
  // What a sample covers when the next one is too far away: its own step, never more than the gap allowed.
  const lone = step !== undefined ? Math.min(step, maxGap) : maxGap;
  const segments: Segment[] = [];
  let cursor = from;
  const count = times.length;
  for (let i = 0; i < count; i++) {
    const time = times[i]!;
    const start = time > from ? time : from;
    const next = i + 1 < count ? times[i + 1]! : to;
    const held = next - time <= maxGap ? next : time + lone;
    const end = held < to ? held : to;
    if (end <= start) {
      continue;
    }
    if (start > cursor) {
      push(segments, 'nodata', cursor, start);
    }
    push(segments, stateOfCode(values[i]), start > cursor ? start : cursor, end, details?.[i]);
    if (end > cursor) {
      cursor = end;
    }
  }
  if (cursor < to) {
    push(segments, 'nodata', cursor, to);
  }
  return segments;
}

export function isSortedByTime(times: ArrayLike<number>): boolean {
  for (let i = 1; i < times.length; i++) {
    if (times[i]! < times[i - 1]!) {
      return false;
    }
  }
  return true;
}

export function computeUptime(segments: Segment[]): Uptime {
  const totals: Uptime = { passMs: 0, failMs: 0, errorMs: 0, maintenanceMs: 0, noDataMs: 0, ratio: null };
  for (const s of segments) {
    const d = s.end - s.start;
    if (s.state === 'pass') {
      totals.passMs += d;
    } else if (s.state === 'fail') {
      totals.failMs += d;
    } else if (s.state === 'error') {
      totals.errorMs += d;
    } else if (s.state === 'maintenance') {
      totals.maintenanceMs += d;
    } else {
      totals.noDataMs += d;
    }
  }
  const tested = totals.passMs + totals.failMs;
  totals.ratio = tested > 0 ? totals.passMs / tested : null;
  return totals;
}

/** What the hover says of a result in maintenance: the window's reason, and what Rally said underneath. */
export function maintenanceDetail(result: CycleSummary['services'][number]): string {
  const reason = result.maintenance?.reason ?? 'maintenance window';
  return result.underlying ? `${reason} (Rally: ${result.underlying})` : reason;
}

/** One service's states from the runner's history: a cycle's verdict holds from when it finished. */
export function historyPoints(cycles: CycleSummary[], service: ServiceName): StatusPoint[] {
  const points: StatusPoint[] = [];
  for (const cycle of cycles) {
    const result = cycle.services.find((s) => s.service === service);
    if (result) {
      const time = Date.parse(cycle.finishedAt);
      const value = codeOfServiceState(result.state);
      points.push(
        result.state === 'maintenance' ? { time, value, detail: maintenanceDetail(result) } : { time, value }
      );
    }
  }
  return points.sort((a, b) => a.time - b.time);
}
