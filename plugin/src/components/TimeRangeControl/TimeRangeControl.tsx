import React from 'react';
import { dateTime, TimeRange } from '@grafana/data';
import { TimeRangePicker } from '@grafana/ui';

function absolute(from: number, to: number): TimeRange {
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
}

/** Grafana's time picker, with its back/forward/zoom buttons acting on the page's range. */
export function TimeRangeControl({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const from = value.from.valueOf();
  const to = value.to.valueOf();
  const half = Math.round((to - from) / 2);
  return (
    <TimeRangePicker
      value={value}
      onChange={onChange}
      onChangeTimeZone={() => {}}
      onMoveBackward={() => onChange(absolute(from - half, to - half))}
      onMoveForward={() => onChange(absolute(from + half, to + half))}
      onZoom={() => onChange(absolute(from - half, to + half))}
    />
  );
}
