import React from 'react';
import { Badge, BadgeColor, IconName } from '@grafana/ui';

import type { CycleStatus, ServiceState } from '../../api/types';

const LOOK: Record<ServiceState | CycleStatus, { color: BadgeColor; icon: IconName; text: string }> = {
  pass: { color: 'green', icon: 'check', text: 'Pass' },
  fail: { color: 'red', icon: 'times', text: 'Fail' },
  error: { color: 'darkgrey', icon: 'exclamation-triangle', text: 'Error' },
  absent: { color: 'darkgrey', icon: 'minus', text: 'Absent' },
  maintenance: { color: 'blue', icon: 'wrench', text: 'Maintenance' },
  aborted: { color: 'orange', icon: 'ban', text: 'Aborted' },
  timeout: { color: 'orange', icon: 'clock-nine', text: 'Timeout' },
  skipped: { color: 'darkgrey', icon: 'arrow-right', text: 'Skipped' },
};

/** Colour plus icon plus word, so the state reads in both themes and without colour vision. */
export function StateBadge({ state, tooltip }: { state: ServiceState | CycleStatus; tooltip?: string }) {
  const look = LOOK[state] ?? { color: 'darkgrey' as BadgeColor, icon: 'question-circle' as IconName, text: state };
  return <Badge color={look.color} icon={look.icon} text={look.text} tooltip={tooltip} />;
}
