import React from 'react';
import { Badge } from '@grafana/ui';

import type { RegressedAction } from '../../status/regressions';
import { describeRegression } from '../../status/regressions';

/**
 * "Slower than usual": some atomic action's p95 has been above its own baseline for the runner's number of
 * consecutive cycles (RALLY_MONITOR_REGRESSION_CYCLES). Nothing when none has.
 */
export function SlowerBadge({ regressed, testId }: { regressed: RegressedAction[]; testId?: string }) {
  if (regressed.length === 0) {
    return null;
  }
  return (
    <span data-testid={testId}>
      <Badge
        color="orange"
        icon="clock-nine"
        text="Slower than usual"
        tooltip={regressed.map(describeRegression).join('; ')}
      />
    </span>
  );
}
