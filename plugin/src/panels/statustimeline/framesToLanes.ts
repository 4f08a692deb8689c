import { DataFrame, FieldType, getFieldDisplayName } from '@grafana/data';

import type { TimelineLane } from '../../components/StatusTimeline/StatusTimeline';
import { buildSegments, buildSegmentsFromColumns, computeUptime, isSortedByTime } from '../../status/segments';

/**
 * One lane per numeric field of any frame that has a time field, e.g. one per series of `rally_service_status`.
 * The lane's key is the `service` label when there is one, so a click can open that service's runs.
 */
export function framesToLanes(frames: DataFrame[], from: number, to: number, maxGapMs?: number): TimelineLane[] {
  const lanes: TimelineLane[] = [];
  for (const frame of frames) {
    const timeField = frame.fields.find((f) => f.type === FieldType.time);
    if (!timeField) {
      continue;
    }
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const segments = isSortedByTime(timeField.values)
        ? buildSegmentsFromColumns(timeField.values, field.values, { from, to, maxGapMs })
        : buildSegments(
            field.values.map((value, i) => ({ time: timeField.values[i], value })),
            { from, to, maxGapMs }
          );
      const name = field.labels?.service ?? getFieldDisplayName(field, frame, frames);
      lanes.push({ name, key: field.labels?.service ?? name, segments, uptime: computeUptime(segments) });
    }
  }
  return lanes;
}

