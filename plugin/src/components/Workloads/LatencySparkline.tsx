import React from 'react';
import { useTheme2 } from '@grafana/ui';

import type { LatencyPoint } from '../../status/latency';

const WIDTH = 240;
const HEIGHT = 40;

/** p50 (solid) and p95 (dashed) of one atomic action across cycles. */
export function LatencySparkline({ points, label }: { points: LatencyPoint[]; label: string }) {
  const theme = useTheme2();
  if (points.length < 2) {
    return null;
  }
  const t0 = points[0]!.time;
  const span = Math.max(points[points.length - 1]!.time - t0, 1);
  const max = Math.max(...points.map((p) => p.p95), 1e-9);
  const line = (pick: (p: LatencyPoint) => number) =>
    points
      .map(
        (p) => `${(((p.time - t0) / span) * WIDTH).toFixed(1)},${(HEIGHT - (pick(p) / max) * (HEIGHT - 2)).toFixed(1)}`
      )
      .join(' ');
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label={`${label} p50 and p95 over time`}>
      <polyline
        points={line((p) => p.p95)}
        fill="none"
        stroke={theme.visualization.getColorByName('orange')}
        strokeDasharray="4 2"
      />
      <polyline points={line((p) => p.p50)} fill="none" stroke={theme.visualization.getColorByName('blue')} />
    </svg>
  );
}
