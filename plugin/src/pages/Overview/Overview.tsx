import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { locationService, PluginPage } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack, TextLink, useStyles2 } from '@grafana/ui';

import { DEFAULT_PROMETHEUS_UID } from '../../api/prometheusApi';
import type { Cycle, Health } from '../../api/types';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { StateBadge } from '../../components/StateBadge/StateBadge';
import { SlowerBadge } from '../../components/SlowerBadge/SlowerBadge';
import { regressedActions } from '../../status/regressions';
import { StatusTimeline } from '../../components/StatusTimeline/StatusTimeline';
import { useHealth, useHistoryRange, useLatestCycle, useStartRun } from '../../hooks/useRunner';
import { useTimeRange } from '../../hooks/useTimeRange';
import { historyLanes } from '../../status/historyLanes';
import { formatDuration, formatRatio } from '../../utils/format';
import { runLink, runsLink, serviceLink } from '../../utils/links';
import { canRunCycles } from '../../utils/roles';
import { getTableStyles } from '../../utils/styles';
import { DataplaneLane } from './DataplaneLane';

export function Overview({ prometheusUid = DEFAULT_PROMETHEUS_UID }: { prometheusUid?: string }) {
  const styles = useStyles2(getStyles);
  const { range, setRange, refresh: refreshRange } = useTimeRange();
  const from = range.from.valueOf();
  const to = range.to.valueOf();
  const relativeTo = typeof range.raw.to === 'string' && range.raw.to.startsWith('now');
  // When a cycle ends, the data layer reads the latest cycle and the history again; a relative range also needs a
  // new "now", or the run that just ended falls after its end.
  const health = useHealth({ onCycleEnd: () => relativeTo && refreshRange() });
  const latest = useLatestCycle();
  const history = useHistoryRange(from, to);
  const startRun = useStartRun();

  const refresh = () => {
    void health.refetch();
    void latest.refetch();
    // A new "now" reloads the history of a relative range; an absolute one is read again as it is.
    if (relativeTo) {
      refreshRange();
    } else {
      void history.refetch();
    }
  };

  const running = health.data?.running;
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Stack justifyContent="flex-end">
          {canRunCycles() && (
            <Button icon="play" onClick={() => startRun.mutate()} disabled={startRun.isPending || running}>
              {running ? 'Cycle running…' : 'Run now'}
            </Button>
          )}
          <TimeRangeControl value={range} onChange={setRange} />
          <Button variant="secondary" icon="sync" onClick={refresh} aria-label="Refresh" />
        </Stack>
        {startRun.error && <RunnerErrorAlert error={startRun.error} />}
        {startRun.data && (
          <div data-testid="run-started">
            <Alert
              severity={running === false ? 'success' : 'info'}
              title={running === false ? 'Cycle finished' : 'Cycle started'}
            >
              Cycle <TextLink href={runLink(startRun.data.id)}>{startRun.data.id}</TextLink>{' '}
              {running === false ? 'has finished; the results below include it.' : 'is running.'}
            </Alert>
          </div>
        )}
        <OverviewBody health={health.data} latest={latest} history={history} from={from} to={to} styles={styles} />
        <DataplaneLane uid={prometheusUid} />
      </Stack>
    </PluginPage>
  );
}

interface BodyProps {
  health?: Health;
  latest: ReturnType<typeof useLatestCycle>;
  history: ReturnType<typeof useHistoryRange>;
  from: number;
  to: number;
  styles: ReturnType<typeof getStyles>;
}

function OverviewBody({ health, latest, history, from, to, styles }: BodyProps) {
  const cycle: Cycle | undefined = latest.data;
  const tested = useMemo(() => cycle?.services.filter((s) => s.state !== 'absent') ?? [], [cycle]);
  const absent = useMemo(() => cycle?.services.filter((s) => s.state === 'absent') ?? [], [cycle]);
  const maxGapMs = health ? health.staleAfterSeconds * 1000 : undefined;
  const lanes = useMemo(
    () =>
      history.data
        ? historyLanes(
            history.data.items,
            tested.map((s) => s.service),
            from,
            to,
            maxGapMs
          )
        : [],
    [history.data, tested, from, to, maxGapMs]
  );

  if (latest.isPending) {
    return <LoadingPlaceholder text="Loading the latest cycle…" />;
  }
  if (latest.error?.kind === 'not-found') {
    return (
      <Alert severity="info" title="No cycle yet">
        The runner has not completed a cycle yet. Results appear here after its first scheduled run
        {health?.running ? ' (one is running now)' : ''}.
      </Alert>
    );
  }
  if (latest.error) {
    return <RunnerErrorAlert error={latest.error} onRetry={() => void latest.refetch()} />;
  }
  if (!cycle) {
    return null;
  }
  const uptimeOf = (service: string) => lanes.find((l) => l.name === service)?.uptime;

  return (
    <Stack direction="column" gap={2}>
      {health?.status === 'unhealthy' && (
        <Alert severity="warning" title="Runner unhealthy">
          {health.reason ?? 'The runner reports itself unhealthy.'} The states below may be stale.
        </Alert>
      )}
      <div className={styles.summary}>
        Cloud <strong>{cycle.cloud}</strong>, region <strong>{cycle.region}</strong>: last cycle{' '}
        <TextLink href={runLink(cycle.id)}>{cycle.id}</TextLink>{' '}
        <StateBadge state={cycle.status} tooltip={cycle.reason} /> finished {dateTimeFormat(cycle.finishedAt)}
      </div>
      <table className={styles.table} aria-label="Services">
        <thead>
          <tr>
            <th>Service</th>
            <th>State</th>
            <th title="Pass time over tested (pass + fail) time in the chosen range">Uptime</th>
            <th title="Time the monitor could not test; excluded from uptime">Error time</th>
            <th>Last run</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {tested.map((s) => {
            const uptime = uptimeOf(s.service);
            return (
              <tr key={s.service} data-testid={`service-row-${s.service}`}>
                <td>
                  <TextLink href={serviceLink(s.service)} inline={false}>
                    {s.service}
                  </TextLink>
                </td>
                <td>
                  <StateBadge state={s.state} /> <SlowerBadge regressed={regressedActions(s.workloads)} />
                  {s.reason && <div className={styles.secondary}>{s.reason}</div>}
                </td>
                <td>{history.isPending ? '…' : formatRatio(uptime?.ratio ?? null)}</td>
                <td>{uptime && uptime.errorMs > 0 ? formatDuration(uptime.errorMs) : '-'}</td>
                <td>{s.finishedAt ? dateTimeFormat(s.finishedAt) : '-'}</td>
                <td>{s.durationSeconds !== null ? formatDuration(s.durationSeconds * 1000) : '-'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {absent.length > 0 && (
        <div className={styles.secondary} data-testid="absent-services">
          Not tested: {absent.map((s) => `${s.service} (${s.reason ?? 'absent from the Keystone catalog'})`).join(', ')}
        </div>
      )}
      <h3>Status timeline</h3>
      {history.error ? (
        <RunnerErrorAlert error={history.error} onRetry={() => void history.refetch()} />
      ) : history.isPending ? (
        <LoadingPlaceholder text="Loading history…" />
      ) : (
        <StatusTimeline
          lanes={lanes}
          from={from}
          to={to}
          showUptime={false}
          onCellClick={(lane, segment) =>
            locationService.push(runsLink({ service: lane.key, from: segment.start, to: segment.end }))
          }
        />
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getTableStyles(theme),
  summary: css({ color: theme.colors.text.primary }),
});

export default Overview;
