import React from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import {
  cellAt,
  DataplaneMatrix as Matrix,
  formatLatency,
  formatLoss,
  isLossy,
  isUnreachable,
  LatencyLevel,
  latencyLevel,
  PairCell,
  Zone,
  zoneKey,
  zoneName,
} from '../../status/dataplane';

const LEVEL_COLORS: Record<LatencyLevel, string> = {
  fast: 'green',
  fair: 'yellow',
  slow: 'orange',
  alerting: 'red',
  none: 'transparent',
};

export const LEVEL_LEGEND: Array<[LatencyLevel, string]> = [
  ['fast', 'p95 up to 50 ms'],
  ['fair', 'up to 250 ms'],
  ['slow', 'up to 1 s'],
  ['alerting', 'above 1 s (the latency alert)'],
];

function describe(cell: PairCell): string {
  const parts = [`${zoneName(cell.src)} to ${zoneName(cell.dst)}: p95 ${formatLatency(cell.p95Seconds)}`];
  parts.push(`loss ${formatLoss(cell.loss)}`);
  if (isLossy(cell)) {
    parts.push('loss above 5%');
  }
  if (isUnreachable(cell)) {
    parts.push('unreachable');
  }
  return parts.join(', ');
}

/** Rows: the probing zone; columns: the probed zone; a cell per pair that has canaries on both sides. */
export function DataplaneMatrix({
  matrix,
  selected,
  onSelect,
}: {
  matrix: Matrix;
  selected?: { src: Zone; dst: Zone };
  onSelect: (src: Zone, dst: Zone) => void;
}) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const isSelected = (src: Zone, dst: Zone) =>
    selected !== undefined && zoneKey(selected.src) === zoneKey(src) && zoneKey(selected.dst) === zoneKey(dst);
  return (
    <table className={styles.table} aria-label="Availability zone matrix">
      <thead>
        <tr>
          <th className={styles.corner}>from \ to</th>
          {matrix.zones.map((zone) => (
            <th key={zoneKey(zone)}>{zoneName(zone)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.zones.map((src) => (
          <tr key={zoneKey(src)}>
            <th scope="row">{zoneName(src)}</th>
            {matrix.zones.map((dst) => {
              const cell = cellAt(matrix, src, dst);
              if (!cell) {
                return (
                  <td key={zoneKey(dst)} className={styles.empty} title="No canary probes this pair">
                    –
                  </td>
                );
              }
              const level = latencyLevel(cell.p95Seconds);
              const lossy = isLossy(cell);
              const unreachable = isUnreachable(cell);
              const color = LEVEL_COLORS[level];
              return (
                <td key={zoneKey(dst)}>
                  <button
                    type="button"
                    aria-label={describe(cell)}
                    aria-pressed={isSelected(src, dst)}
                    data-level={level}
                    data-lossy={lossy ? 'true' : undefined}
                    className={cx(
                      styles.cell,
                      (lossy || unreachable) && styles.marked,
                      isSelected(src, dst) && styles.selected
                    )}
                    style={{
                      background: color === 'transparent' ? undefined : theme.visualization.getColorByName(color),
                    }}
                    onClick={() => onSelect(src, dst)}
                  >
                    <span className={styles.latency}>{formatLatency(cell.p95Seconds)}</span>
                    {(lossy || unreachable) && (
                      <span className={styles.mark}>
                        ⚠ {lossy ? `loss ${formatLoss(cell.loss)}` : ''}
                        {lossy && unreachable ? ', ' : ''}
                        {unreachable ? 'unreachable' : ''}
                      </span>
                    )}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    borderCollapse: 'separate',
    borderSpacing: theme.spacing(0.5),
    th: {
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
      padding: theme.spacing(0.5, 1),
    },
    'th[scope="row"]': { textAlign: 'right' },
  }),
  corner: css({ fontSize: theme.typography.bodySmall.fontSize }),
  empty: css({ textAlign: 'center', color: theme.colors.text.disabled }),
  cell: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    minWidth: 110,
    minHeight: 52,
    width: '100%',
    border: `2px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    color: '#000',
    cursor: 'pointer',
    padding: theme.spacing(0.5),
  }),
  marked: css({ border: `3px dashed ${theme.colors.error.main}` }),
  selected: css({ outline: `3px solid ${theme.colors.primary.main}`, outlineOffset: 1 }),
  latency: css({ fontWeight: theme.typography.fontWeightBold }),
  mark: css({ fontSize: theme.typography.bodySmall.fontSize, fontWeight: theme.typography.fontWeightBold }),
});
