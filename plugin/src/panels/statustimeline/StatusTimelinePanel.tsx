import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { PanelProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';

import { StatusTimeline, TimelineLane } from '../../components/StatusTimeline/StatusTimeline';
import { runsLink } from '../../utils/links';
import type { Segment } from '../../status/segments';
import { framesToLanes } from './framesToLanes';
import type { StatusTimelineOptions } from './options';

export function StatusTimelinePanel({ data, options, timeRange, timeZone, width, height }: PanelProps<StatusTimelineOptions>) {
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const maxGapMs = options.maxGapSeconds > 0 ? options.maxGapSeconds * 1000 : undefined;
  const lanes = useMemo(() => framesToLanes(data.series, from, to, maxGapMs), [data.series, from, to, maxGapMs]);
  const colors = useMemo(
    () => ({ pass: options.passColor, fail: options.failColor, error: options.errorColor }),
    [options.passColor, options.failColor, options.errorColor]
  );
  const onCellClick = (lane: TimelineLane, segment: Segment) =>
    locationService.push(runsLink({ service: lane.key ?? lane.name, from: segment.start, to: segment.end }));

  return (
    <div className={css({ width, height, overflow: 'auto' })}>
      <StatusTimeline
        lanes={lanes}
        from={from}
        to={to}
        colors={colors}
        gapStyle={options.gapStyle}
        showUptime={options.showUptime}
        showLegend={options.showLegend}
        timeZone={timeZone}
        onCellClick={onCellClick}
      />
    </div>
  );
}
