import React from 'react';
import { useTheme2 } from '@grafana/ui';

import type { Point } from '../../status/dataplane';

const WIDTH = 480;
const HEIGHT = 80;

/** One series over time as a line, scaled to its own maximum (the figures beside it carry the numbers). */
export function SeriesChart({ points, label, color }: { points: Point[]; label: string; color: string }) {
  const theme = useTheme2();
  if (points.length === 0) {
    return null;
  }
  const t0 = points[0]!.time;
  const span = Math.max(points[points.length - 1]!.time - t0, 1);
  const max = Math.max(...points.map((p) => p.value), 1e-9);
  const xy = points
    .map(
      (p) => `${(((p.time - t0) / span) * WIDTH).toFixed(1)},${(HEIGHT - (p.value / max) * (HEIGHT - 2)).toFixed(1)}`
    )
    .join(' ');
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
      <rect x={0} y={0} width={WIDTH} height={HEIGHT} fill={theme.colors.background.secondary} />
      <polyline points={xy} fill="none" stroke={theme.visualization.getColorByName(color)} strokeWidth={1.5} />
    </svg>
  );
}
