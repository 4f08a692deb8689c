import React from 'react';
import { useSearchParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack, Text, TextLink } from '@grafana/ui';

import { DEFAULT_PROMETHEUS_UID } from '../../api/prometheusApi';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { useDataplaneMatrix } from '../../hooks/useDataplane';
import { DataplaneSummary, formatLatency, summarize, Zone, zoneName } from '../../status/dataplane';
import { DataplaneMatrix, LEVEL_LEGEND } from './DataplaneMatrix';
import { PairHistory } from './PairHistory';

export const DATAPLANE_DASHBOARD_URL = '/d/rally-dataplane/rally-monitor-dataplane';

/** The chosen pair lives in the URL (?sdc=&saz=&ddc=&daz=), so a link opens the same pair. */
function selectedPair(params: URLSearchParams): { src: Zone; dst: Zone } | undefined {
  const [sdc, saz, ddc, daz] = ['sdc', 'saz', 'ddc', 'daz'].map((name) => params.get(name));
  if (sdc === null || saz === null || ddc === null || daz === null) {
    return undefined;
  }
  return { src: { datacenter: sdc, az: saz }, dst: { datacenter: ddc, az: daz } };
}

export function summaryText(summary: DataplaneSummary): string {
  const parts = [`${summary.zones} availability zones, ${summary.pairs} pairs probed`];
  if (summary.unreachablePairs.length > 0) {
    parts.push(`${summary.unreachablePairs.length} of ${summary.pairs} pairs unreachable`);
  }
  if (summary.lossyPairs.length > 0) {
    parts.push(`${summary.lossyPairs.length} with loss above 5%`);
  }
  if (summary.slowestPair) {
    const { src, dst, p95Seconds } = summary.slowestPair;
    parts.push(`slowest p95 ${formatLatency(p95Seconds)} (${zoneName(src)} to ${zoneName(dst)})`);
  }
  return parts.join('; ');
}

export function Dataplane({ prometheusUid = DEFAULT_PROMETHEUS_UID }: { prometheusUid?: string }) {
  const matrix = useDataplaneMatrix(prometheusUid);
  const [params, setParams] = useSearchParams();
  const selected = selectedPair(params);
  const select = (src: Zone, dst: Zone) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set('sdc', src.datacenter);
      next.set('saz', src.az);
      next.set('ddc', dst.datacenter);
      next.set('daz', dst.az);
      return next;
    });

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Stack justifyContent="space-between" alignItems="center">
          <Text color="secondary">
            Latency and loss between availability zones, from the canaries probing each other (p95 and loss over the
            last 5 minutes). Click a pair for its history.
          </Text>
          <Stack>
            <TextLink href={DATAPLANE_DASHBOARD_URL} inline={false}>
              Dataplane dashboard
            </TextLink>
            <Button variant="secondary" icon="sync" onClick={() => void matrix.refetch()} aria-label="Refresh" />
          </Stack>
        </Stack>
        {matrix.error ? (
          <RunnerErrorAlert error={matrix.error} onRetry={() => void matrix.refetch()} />
        ) : matrix.isPending ? (
          <LoadingPlaceholder text="Loading the canaries' figures…" />
        ) : matrix.data.cells.length === 0 ? (
          <Alert severity="info" title="No canaries">
            Prometheus (data source {prometheusUid}) has no figures from any canary agent. Deploy canaries with{' '}
            <code>rally-monitor canary deploy</code> and make sure Prometheus scrapes them (the canary scrape job, fed
            by the runner&apos;s <code>/api/canary/targets</code>).
          </Alert>
        ) : (
          <>
            <div data-testid="dataplane-summary">{summaryText(summarize(matrix.data))}</div>
            <DataplaneMatrix matrix={matrix.data} selected={selected} onSelect={select} />
            <Text color="secondary" variant="bodySmall">
              Colour: {LEVEL_LEGEND.map(([, text]) => text).join(', ')} (green, yellow, orange, red). A dashed red
              border and ⚠ mark a pair losing more than 5% of its probes or whose peers stopped answering.
            </Text>
            {selected && <PairHistory uid={prometheusUid} src={selected.src} dst={selected.dst} />}
          </>
        )}
      </Stack>
    </PluginPage>
  );
}

export default Dataplane;
