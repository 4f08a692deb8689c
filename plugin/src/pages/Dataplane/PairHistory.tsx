import React from 'react';
import { LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { SeriesChart } from '../../components/SeriesChart/SeriesChart';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { usePairHistory } from '../../hooks/useDataplane';
import { useTimeRange } from '../../hooks/useTimeRange';
import { formatLatency, formatLoss, pairSelector, Point, seriesPoints, Zone, zoneName } from '../../status/dataplane';

function Figures({ points, format, testId }: { points: Point[]; format: (v: number) => string; testId: string }) {
  if (points.length === 0) {
    return (
      <span data-testid={testId}>
        <Text color="secondary">no data in this range</Text>
      </span>
    );
  }
  const latest = points[points.length - 1]!.value;
  const max = Math.max(...points.map((p) => p.value));
  return (
    <span data-testid={testId}>
      latest {format(latest)}, max {format(max)}
    </span>
  );
}

/** A pair's p95 round trip and loss over the chosen range: what a click on a matrix cell opens. */
export function PairHistory({ uid, src, dst }: { uid: string; src: Zone; dst: Zone }) {
  const { range, setRange } = useTimeRange({ from: 'now-6h', to: 'now' });
  const from = range.from.valueOf();
  const to = range.to.valueOf();
  const history = usePairHistory(uid, pairSelector(src, dst), from, to);
  const title = `${zoneName(src)} to ${zoneName(dst)} over time`;
  const p95 = seriesPoints(history.data?.p95 ?? []);
  const loss = seriesPoints(history.data?.loss ?? []);
  return (
    <section aria-label={title}>
      <Stack direction="column" gap={1}>
        <Stack justifyContent="space-between" alignItems="center">
          <h3>{title}</h3>
          <TimeRangeControl value={range} onChange={setRange} />
        </Stack>
        {history.error ? (
          <RunnerErrorAlert error={history.error} onRetry={() => void history.refetch()} />
        ) : history.isPending ? (
          <LoadingPlaceholder text="Loading the pair's history…" />
        ) : (
          <>
            <div>
              <strong>p95 round trip</strong>{' '}
              <Figures points={p95} format={(v) => formatLatency(v)} testId="pair-p95" />
            </div>
            <SeriesChart points={p95} color="blue" label={`p95 round trip from ${zoneName(src)} to ${zoneName(dst)}`} />
            <div>
              <strong>Probe loss</strong> <Figures points={loss} format={(v) => formatLoss(v)} testId="pair-loss" />
            </div>
            <SeriesChart points={loss} color="red" label={`probe loss from ${zoneName(src)} to ${zoneName(dst)}`} />
          </>
        )}
      </Stack>
    </section>
  );
}
