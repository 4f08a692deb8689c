import React from 'react';
import { useTheme2 } from '@grafana/ui';

import type { ActionTrendPoint } from '../../api/types';

const WIDTH = 240;
const HEIGHT = 48;

/**
 * One atomic action's p95 per cycle (line and dots) against its baseline band: from the median of its earlier p95s
 * up to the threshold above which the runner calls it slow. Dots of slow and regressed cycles stand out.
 */
export function BaselineChart({ points, label }: { points: ActionTrendPoint[]; label: string }) {
  const theme = useTheme2();
  if (points.length === 0) {
    return null;
  }
  const max = Math.max(...points.flatMap((p) => [p.p95Seconds, p.baseline?.thresholdSeconds ?? 0]), 1e-9);
  const step = WIDTH / points.length;
  const x = (i: number) => step * i + step / 2;
  const y = (seconds: number) => HEIGHT - 2 - (seconds / max) * (HEIGHT - 4);
  const dotColor = (verdict: string | undefined) =>
    verdict === 'regressed'
      ? theme.visualization.getColorByName('red')
      : verdict === 'slow'
        ? theme.visualization.getColorByName('orange')
        : theme.visualization.getColorByName('blue');
  return (
    <svg width={WIDTH} height={HEIGHT} role="img" aria-label={`${label} p95 against its baseline band`}>
      {points.map((p, i) => {
        const b = p.baseline;
        if (b?.medianSeconds == null || b.thresholdSeconds == null) {
          return null;
        }
        return (
          <rect
            key={`band-${p.cycleId}`}
            data-band
            x={x(i) - step / 2}
            width={step}
            y={y(b.thresholdSeconds)}
            height={Math.max(y(b.medianSeconds) - y(b.thresholdSeconds), 1)}
            fill={theme.visualization.getColorByName('green')}
            opacity={0.25}
          />
        );
      })}
      <polyline
        points={points.map((p, i) => `${x(i).toFixed(1)},${y(p.p95Seconds).toFixed(1)}`).join(' ')}
        fill="none"
        stroke={theme.visualization.getColorByName('blue')}
      />
      {points.map((p, i) => (
        <circle
          key={p.cycleId}
          data-verdict={p.baseline?.verdict ?? 'none'}
          cx={x(i)}
          cy={y(p.p95Seconds)}
          r={2}
          fill={dotColor(p.baseline?.verdict)}
        >
          <title>
            {`${new Date(p.at).toISOString()}: p95 ${p.p95Seconds.toFixed(2)} s` +
              (p.baseline?.thresholdSeconds != null
                ? `, usual ${p.baseline.medianSeconds!.toFixed(2)} s, slow above ${p.baseline.thresholdSeconds.toFixed(2)} s`
                : '') +
              (p.baseline ? ` (${p.baseline.verdict})` : '')}
          </title>
        </circle>
      ))}
    </svg>
  );
}
