import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { LinkModel, locationUtil, PanelProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { ContextMenu, MenuItem, useTheme2 } from '@grafana/ui';

import { SERVICE_NAMES } from '../../api/types';
import { ClickPosition, StatusTimeline } from '../../components/StatusTimeline/StatusTimeline';
import { serviceLink } from '../../utils/links';
import type { Segment } from '../../status/segments';
import { FieldLane, framesToLanes, rowAt } from './framesToLanes';
import { defaultOptions, type StatusTimelineOptions } from './options';

/** Opens a data link the way Grafana's own panels do: inside the app unless it leaves Grafana or asks for a tab. */
function followLink(link: LinkModel) {
  const path = locationUtil.stripBaseFromUrl(link.href);
  if (link.target === '_blank' || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    window.open(link.href, link.target ?? '_self');
  } else {
    locationService.push(path);
  }
}

/** Without data links, a cell opens its service in the app, for the lane's own cloud and region. */
function defaultTarget(lane: FieldLane, segment: Segment): string | undefined {
  const labels = lane.field.labels ?? {};
  if (!labels.service || !(SERVICE_NAMES as readonly string[]).includes(labels.service)) {
    return undefined;
  }
  return serviceLink(labels.service, {
    cloud: labels.cloud,
    region: labels.region,
    from: segment.start,
    to: segment.end,
  });
}

export function StatusTimelinePanel({
  data,
  options,
  timeRange,
  timeZone,
  width,
  height,
}: PanelProps<StatusTimelineOptions>) {
  const theme = useTheme2();
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const maxGapMs = options.maxGapSeconds > 0 ? options.maxGapSeconds * 1000 : undefined;
  const lanes = useMemo(
    () => framesToLanes(data.series, from, to, maxGapMs, theme),
    [data.series, from, to, maxGapMs, theme]
  );
  const colors = useMemo(
    () => ({
      pass: options.passColor,
      fail: options.failColor,
      error: options.errorColor,
      // Panels saved before maintenance existed have no such option.
      maintenance: options.maintenanceColor ?? defaultOptions.maintenanceColor,
    }),
    [options.passColor, options.failColor, options.errorColor, options.maintenanceColor]
  );
  const [menu, setMenu] = useState<{ at: ClickPosition; links: LinkModel[] } | null>(null);

  // The field's data links (field config, interpolated by Grafana with this lane's labels) come first.
  const onCellClick = (lane: FieldLane, segment: Segment, at: ClickPosition) => {
    const links = lane.field.getLinks?.({ valueRowIndex: rowAt(lane, segment.start) }) ?? [];
    if (links.length === 1) {
      followLink(links[0]!);
    } else if (links.length > 1) {
      setMenu({ at, links });
    } else {
      const target = defaultTarget(lane, segment);
      if (target) {
        locationService.push(target);
      }
    }
  };

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
      {menu && (
        <ContextMenu
          x={menu.at.x}
          y={menu.at.y}
          onClose={() => setMenu(null)}
          renderMenuItems={() =>
            menu.links.map((link, i) => (
              <MenuItem
                key={`${i}:${link.href}`}
                label={link.title}
                url={link.href}
                target={link.target}
                icon={link.target === '_blank' ? 'external-link-alt' : 'link'}
                onClick={link.onClick}
              />
            ))
          }
        />
      )}
    </div>
  );
}
