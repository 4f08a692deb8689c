import React, { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { dateTimeFormat } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, LinkButton, LoadingPlaceholder, Stack, TextLink, useStyles2 } from '@grafana/ui';

import { SERVICE_NAMES, ServiceName } from '../../api/types';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { StateBadge } from '../../components/StateBadge/StateBadge';
import { LatencySparkline } from '../../components/Workloads/LatencySparkline';
import { ArtifactLinks } from '../../components/Workloads/ArtifactLinks';
import { FailureList, SkippedWorkloads, WorkloadTable } from '../../components/Workloads/WorkloadTable';
import { SlowerBadge } from '../../components/SlowerBadge/SlowerBadge';
import { BaselineChart } from '../../components/Workloads/BaselineChart';
import { useBaselines, useLatestCycle, useMaintenanceWindows, useServiceRuns } from '../../hooks/useRunner';
import { regressedActions } from '../../status/regressions';
import { useTimeRange } from '../../hooks/useTimeRange';
import { actionLatencies } from '../../status/latency';
import { formatSeconds } from '../../utils/format';
import { runLink, runsLink, serviceDashboardLink } from '../../utils/links';
import { getTableStyles } from '../../utils/styles';

export function Service() {
  const { service = '' } = useParams();
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
    return (
      <PluginPage>
        <Alert severity="error" title="Unknown service">
          “{service}” is not a service the runner tests. Known services: {SERVICE_NAMES.join(', ')}.
        </Alert>
      </PluginPage>
    );
  }
  return <ServiceView service={service as ServiceName} />;
}

function ServiceView({ service }: { service: ServiceName }) {
  const styles = useStyles2(getTableStyles);
  const { range, setRange } = useTimeRange();
  const from = range.from.valueOf();
  const to = range.to.valueOf();
  const latest = useLatestCycle();
  const runs = useServiceRuns(service, from, to);
  const result = latest.data?.services.find((s) => s.service === service);
  // A timeline lane of another cloud or region links here too: this app reads one runner, so it says whose it is.
  const [params] = useSearchParams();
  const asked = { cloud: params.get('cloud') ?? undefined, region: params.get('region') ?? undefined };
  const otherRunner =
    latest.data !== undefined &&
    ((asked.cloud !== undefined && asked.cloud !== latest.data.cloud) ||
      (asked.region !== undefined && asked.region !== latest.data.region));
  // A runner too old for maintenance windows answers 404 here: then no banner, and nothing else changes.
  const windows = useMaintenanceWindows();
  const activeWindow = windows.data?.windows.find((w) => w.state === 'active' && w.services.includes(service));
  const latencies = useMemo(() => (runs.data ? actionLatencies(runs.data, service) : []), [runs.data, service]);

  let body: React.ReactNode;
  if (latest.isPending) {
    body = <LoadingPlaceholder text="Loading the latest cycle…" />;
  } else if (latest.error?.kind === 'not-found') {
    body = (
      <Alert severity="info" title="No cycle yet">
        The runner has not completed a cycle yet.
      </Alert>
    );
  } else if (latest.error) {
    body = <RunnerErrorAlert error={latest.error} onRetry={() => void latest.refetch()} />;
  } else if (otherRunner) {
    body = (
      <div data-testid="other-runner">
        <Alert severity="warning" title="Another runner's service">
          The link asks for {service} in cloud {asked.cloud ?? latest.data!.cloud}, region{' '}
          {asked.region ?? latest.data!.region}; this app reads the runner of cloud {latest.data!.cloud}, region{' '}
          {latest.data!.region}.{' '}
          <TextLink href={serviceDashboardLink({ service, cloud: asked.cloud, region: asked.region, from, to })} inline>
            Open the Service dashboard for that cloud and region
          </TextLink>
        </Alert>
      </div>
    );
  } else if (!result || result.state === 'absent') {
    body = (
      <Alert severity="info" title="Not tested">
        {service} was not tested in the last cycle
        {result?.reason ? `: ${result.reason}` : ' (absent from the Keystone catalog)'}.
      </Alert>
    );
  } else {
    const cycleId = latest.data!.id;
    body = (
      <Stack direction="column" gap={2}>
        <div>
          <StateBadge state={result.state} />{' '}
          <SlowerBadge regressed={regressedActions(result.workloads)} testId="service-slower" /> in cycle{' '}
          <TextLink href={runLink(cycleId)}>{cycleId}</TextLink>
          {result.finishedAt && <> finished {dateTimeFormat(result.finishedAt)}</>}
          {result.state === 'maintenance' && (
            <div data-testid="maintenance-result">
              Maintenance window: {result.maintenance?.reason ?? 'no reason kept'}; Rally said{' '}
              {result.underlying ?? 'nothing'}
            </div>
          )}
          {result.reason && <div className={styles.secondary}>{result.reason}</div>}
        </div>
        {result.logProblem && (
          <Alert severity="warning" title="Rally's log of this task is incomplete">
            {result.logProblem}
          </Alert>
        )}
        <Stack>
          <ArtifactLinks runId={cycleId} result={result} />
          <LinkButton variant="secondary" icon="history" href={runsLink({ service, from, to })}>
            Runs
          </LinkButton>
        </Stack>
        <h3>Scenarios</h3>
        <WorkloadTable workloads={result.workloads} />
        <SkippedWorkloads skipped={result.skipped} />
        <h3>Failures</h3>
        <FailureList workloads={result.workloads} />
      </Stack>
    );
  }

  return (
    <PluginPage subTitle={`Scenarios, SLA verdicts, latency and failures of ${service}`}>
      <Stack direction="column" gap={2}>
        <Stack justifyContent="flex-end">
          <TimeRangeControl value={range} onChange={setRange} />
        </Stack>
        <h2>{service}</h2>
        {activeWindow && (
          <div data-testid="maintenance-banner">
            <Alert
              severity="info"
              title={`In maintenance until ${dateTimeFormat(activeWindow.end)} (${activeWindow.reason})`}
            >
              Results of {service} are recorded as maintenance and its alerts are held back until the window ends.
            </Alert>
          </div>
        )}
        {body}
        <h3>Against the usual</h3>
        <BaselineTable service={service} />
        <h3>Atomic action latency</h3>
        {runs.error ? (
          <RunnerErrorAlert error={runs.error} onRetry={runs.refetch} />
        ) : runs.isPending ? (
          <LoadingPlaceholder text="Loading recent cycles…" />
        ) : latencies.length === 0 ? (
          <div className={styles.secondary}>No atomic action timings in this time range.</div>
        ) : (
          <table className={styles.table} aria-label="Atomic action latency">
            <thead>
              <tr>
                <th>Action</th>
                <th>Latest p50</th>
                <th>Latest p95</th>
                <th>Over time (p50 solid, p95 dashed)</th>
              </tr>
            </thead>
            <tbody>
              {latencies.map((a) => {
                const last = a.points[a.points.length - 1]!;
                return (
                  <tr key={a.id} data-testid={`latency-${a.id}`}>
                    <td>
                      {a.action}
                      <div className={styles.secondary}>{a.workload}</div>
                    </td>
                    <td>{formatSeconds(last.p50)}</td>
                    <td>{formatSeconds(last.p95)}</td>
                    <td>
                      <LatencySparkline points={a.points} label={a.id} />
                      <span className={styles.secondary}>
                        {a.points.length === 1 ? '1 cycle' : `${a.points.length} cycles`}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Stack>
    </PluginPage>
  );
}

const VERDICT_TEXT = { learning: 'learning', usual: 'usual', slow: 'slow', regressed: 'regressed' } as const;

/**
 * Each atomic action's p95 per cycle against its own baseline band (GET /api/baselines): what "slower than usual"
 * stands on. The runner keeps the history of its retention window; every cycle of it is drawn.
 */
function BaselineTable({ service }: { service: ServiceName }) {
  const styles = useStyles2(getTableStyles);
  const baselines = useBaselines(service);
  if (baselines.isPending) {
    return <LoadingPlaceholder text="Loading the baselines…" />;
  }
  if (baselines.error?.kind === 'not-found') {
    return (
      <div className={styles.secondary} data-testid="baselines-unavailable">
        This runner does not judge slow-downs (it has no /api/baselines): update it to see each action against its usual
        speed.
      </div>
    );
  }
  if (baselines.error) {
    return <RunnerErrorAlert error={baselines.error} onRetry={() => void baselines.refetch()} />;
  }
  const actions = baselines.data.actions;
  if (actions.length === 0) {
    return <div className={styles.secondary}>No atomic action timings in the runner&apos;s history.</div>;
  }
  return (
    <table className={styles.table} aria-label="Atomic actions against their baseline">
      <thead>
        <tr>
          <th>Action</th>
          <th>Verdict</th>
          <th>Latest p95</th>
          <th>Usual (median)</th>
          <th>Slow above</th>
          <th>p95 per cycle against the usual band</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((trend) => {
          const id = `${trend.workload} / ${trend.action}`;
          const last = trend.points[trend.points.length - 1];
          const latest = trend.latest;
          return (
            <tr key={id} data-testid={`baseline-${id}`}>
              <td>
                {trend.action}
                <div className={styles.secondary}>{trend.workload}</div>
              </td>
              <td>
                {latest ? VERDICT_TEXT[latest.verdict] : 'not judged'}
                {latest?.verdict === 'learning' && (
                  <div className={styles.secondary}>{latest.samples} earlier cycles so far</div>
                )}
                {latest && latest.slowCycles > 0 && (
                  <div className={styles.secondary}>
                    {latest.slowCycles === 1 ? '1 slow cycle' : `${latest.slowCycles} slow cycles in a row`}
                  </div>
                )}
              </td>
              <td>{formatSeconds(last?.p95Seconds)}</td>
              <td>{formatSeconds(latest?.medianSeconds ?? undefined)}</td>
              <td>{formatSeconds(latest?.thresholdSeconds ?? undefined)}</td>
              <td>
                <BaselineChart points={trend.points} label={id} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export default Service;
