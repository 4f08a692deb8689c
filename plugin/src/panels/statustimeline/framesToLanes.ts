import {
  DataFrame,
  Field,
  FieldColorModeId,
  FieldType,
  getDisplayProcessor,
  getFieldDisplayName,
  GrafanaTheme2,
} from '@grafana/data';

import type { StateDisplay, TimelineLane } from '../../components/StatusTimeline/StatusTimeline';
import {
  buildSegments,
  MAINTENANCE_CODE,
  buildSegmentsFromColumns,
  computeUptime,
  isSortedByTime,
  SegmentState,
} from '../../status/segments';

/** A lane with the field it was drawn from, for the field's data links and labels on a click. */
export interface FieldLane extends TimelineLane {
  field: Field;
  times: ArrayLike<number>;
}

const STATE_CODES: Array<[SegmentState, number]> = [
  ['pass', 1],
  ['fail', 0],
  ['error', -1],
  ['maintenance', MAINTENANCE_CODE],
];
// A colour no mapping picks: what the probe processor shows when no mapping coloured the value.
const UNMAPPED_COLOR = '#010203';

/**
 * Text and colour of each status code as the panel's value mappings say, through Grafana's own display processor
 * (`field.display`, set by applyFieldOverrides; else getDisplayProcessor). Only what a mapping sets is taken: the
 * panel's colour options stay in charge of the rest.
 */
function mappedStates(field: Field, theme: GrafanaTheme2): TimelineLane['states'] {
  if (!field.config.mappings?.length) {
    return undefined;
  }
  const display = field.display ?? getDisplayProcessor({ field, theme });
  const unmapped = getDisplayProcessor({ field: { ...field, config: { ...field.config, mappings: [] } }, theme });
  const colorProbe = getDisplayProcessor({
    field: {
      ...field,
      config: { ...field.config, color: { mode: FieldColorModeId.Fixed, fixedColor: UNMAPPED_COLOR } },
    },
    theme,
  });
  const unmappedColor = theme.visualization.getColorByName(UNMAPPED_COLOR);
  const states: Partial<Record<SegmentState, StateDisplay>> = {};
  for (const [state, code] of STATE_CODES) {
    const text = display(code).text;
    const color = colorProbe(code).color;
    const shown: StateDisplay = {
      ...(text !== unmapped(code).text ? { text } : {}),
      ...(color && color !== unmappedColor ? { color: display(code).color ?? color } : {}),
    };
    if (shown.text !== undefined || shown.color !== undefined) {
      states[state] = shown;
    }
  }
  return states;
}

/**
 * The lane's name: Grafana's display name of the field (grafana/grafana packages/grafana-data/src/field/
 * fieldState.ts, getFieldDisplayName: the field's displayName option, else the data source's name for it, which
 * Grafana's Prometheus sets from the legend format, pkg/promlib/querydata/response.go), so several clouds' or
 * regions' "nova" are told apart by the legend the dashboard chose. A frame that carries no such name (no legend)
 * is named by its service label when that alone tells the lanes apart, else by Grafana's name from all its labels.
 */
function laneName(field: Field, frame: DataFrame, frames: DataFrame[], serviceCounts: Map<string, number>): string {
  const service = field.labels?.service;
  const carriesName = Boolean(field.config.displayName || field.config.displayNameFromDS);
  if (!carriesName && service !== undefined && serviceCounts.get(service) === 1) {
    return service;
  }
  return getFieldDisplayName(field, frame, frames);
}

function countServices(frames: DataFrame[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const frame of frames) {
    for (const field of frame.fields) {
      const service = field.type === FieldType.number ? field.labels?.service : undefined;
      if (service !== undefined) {
        counts.set(service, (counts.get(service) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** One lane per numeric field of any frame that has a time field, e.g. one per series of `rally_service_status`. */
export function framesToLanes(
  frames: DataFrame[],
  from: number,
  to: number,
  maxGapMs: number | undefined,
  theme: GrafanaTheme2
): FieldLane[] {
  const lanes: FieldLane[] = [];
  const serviceCounts = countServices(frames);
  for (const frame of frames) {
    const timeField = frame.fields.find((f) => f.type === FieldType.time);
    if (!timeField) {
      continue;
    }
    // The query's step, which Grafana's Prometheus puts on the time field (config.interval, in ms).
    const stepMs = timeField.config.interval ?? undefined;
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const sorted = isSortedByTime(timeField.values);
      const segments = sorted
        ? buildSegmentsFromColumns(timeField.values, field.values, { from, to, maxGapMs, stepMs })
        : buildSegments(
            field.values.map((value, i) => ({ time: timeField.values[i], value })),
            { from, to, maxGapMs, stepMs }
          );
      const name = laneName(field, frame, frames, serviceCounts);
      lanes.push({
        name,
        key: `${lanes.length}:${name}`,
        segments,
        uptime: computeUptime(segments),
        states: mappedStates(field, theme),
        field,
        times: timeField.values,
      });
    }
  }
  return lanes;
}

/** The row of the sample a segment starting at `time` shows: the latest at or before it, in any row order. */
export function rowAt(lane: FieldLane, time: number): number {
  let row = 0;
  let best = -Infinity;
  for (let i = 0; i < lane.times.length; i++) {
    const t = lane.times[i]!;
    if (t <= time && t > best) {
      best = t;
      row = i;
    }
  }
  return row;
}
