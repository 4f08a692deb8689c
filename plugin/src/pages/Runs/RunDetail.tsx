import React from 'react';
import { useParams } from 'react-router-dom';
import { dateTimeFormat } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { StateBadge } from '../../components/StateBadge/StateBadge';
import { ArtifactLinks } from '../../components/Workloads/ArtifactLinks';
import { FailureList, SkippedWorkloads, WorkloadTable } from '../../components/Workloads/WorkloadTable';
import { useRun } from '../../hooks/useRunner';
import { formatDuration } from '../../utils/format';
import { runsLink } from '../../utils/links';
import { getTableStyles } from '../../utils/styles';

const RUN_ID = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/;

export function RunDetail() {
  const { id = '' } = useParams();
  const valid = RUN_ID.test(id);
  const run = useRun(valid ? id : undefined);
  const styles = useStyles2(getTableStyles);

  let body: React.ReactNode;
  if (!valid) {
    body = (
      <Alert severity="error" title="Malformed run id">
        “{id}” is not a run id (they look like 20261122T001500Z-3fa2c1).
      </Alert>
    );
  } else if (run.error) {
    body = <RunnerErrorAlert error={run.error} onRetry={() => void run.refetch()} />;
  } else if (!run.data) {
    body = <LoadingPlaceholder text="Loading the run…" />;
  } else {
    const cycle = run.data;
    body = (
      <Stack direction="column" gap={2}>
        <div>
          <StateBadge state={cycle.status} /> {cycle.trigger} cycle on {cycle.cloud} / {cycle.region}, started{' '}
          {dateTimeFormat(cycle.startedAt)}, took {formatDuration(cycle.durationSeconds * 1000)}
          {cycle.reason && <div className={styles.secondary}>{cycle.reason}</div>}
        </div>
        {cycle.services.map((s) => (
          <section key={s.service} data-testid={`run-service-${s.service}`} aria-label={s.service}>
            <h3>
              {s.service} <StateBadge state={s.state} />
            </h3>
            {s.reason && <p className={styles.secondary}>{s.reason}</p>}
            {s.logProblem && (
              <Alert severity="warning" title="Rally's log of this task is incomplete">
                {s.logProblem}
              </Alert>
            )}
            {s.state !== 'absent' && (
              <Stack direction="column" gap={1}>
                <Stack>
                  <ArtifactLinks runId={cycle.id} result={s} size="sm" />
                  {s.taskUuid && (
                    <span className={styles.secondary}>
                      Rally task {s.taskUuid} ({s.taskStatus})
                    </span>
                  )}
                </Stack>
                <WorkloadTable workloads={s.workloads} />
                <SkippedWorkloads skipped={s.skipped} />
                {s.workloads.some((w) => w.errors.length > 0) && <FailureList workloads={s.workloads} />}
              </Stack>
            )}
          </section>
        ))}
      </Stack>
    );
  }

  return (
    <PluginPage
      pageNav={{ text: valid ? id : 'Run', parentItem: { text: 'Runs', url: runsLink({}) } }}
      subTitle="Every workload of the cycle, with Rally's own reports"
    >
      {body}
    </PluginPage>
  );
}

export default RunDetail;
