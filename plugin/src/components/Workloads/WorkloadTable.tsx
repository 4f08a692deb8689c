import React from 'react';
import { Icon, useStyles2 } from '@grafana/ui';

import type { SkippedWorkload, Workload } from '../../api/types';
import { formatDuration, formatSeconds } from '../../utils/format';
import { getTableStyles } from '../../utils/styles';
import { StateBadge } from '../StateBadge/StateBadge';
import { SlowerBadge } from '../SlowerBadge/SlowerBadge';
import { describeRegression, regressedActions } from '../../status/regressions';

/** Every workload of a service's task: state, iterations, SLA criteria with their verdicts, durations. */
export function WorkloadTable({ workloads }: { workloads: Workload[] }) {
  const styles = useStyles2(getTableStyles);
  if (workloads.length === 0) {
    return <div className={styles.secondary}>No workload ran.</div>;
  }
  return (
    <table className={styles.table} aria-label="Workloads">
      <thead>
        <tr>
          <th>Scenario</th>
          <th>State</th>
          <th>Iterations</th>
          <th>SLA</th>
          <th>Duration p50 / p95</th>
          <th>Load time</th>
        </tr>
      </thead>
      <tbody>
        {workloads.map((w) => (
          <tr key={w.key} data-testid={`workload-${w.key}`}>
            <td>
              {w.key}
              {w.subtask !== w.scenario && <div className={styles.secondary}>{w.subtask}</div>}
            </td>
            <td>
              <StateBadge state={w.state} />
              {w.reason && <div className={styles.secondary}>{w.reason}</div>}
              <SlowerBadge regressed={regressedActions([w])} testId={`slower-${w.key}`} />
              {regressedActions([w]).map((r) => (
                <div key={r.action} className={styles.secondary}>
                  {describeRegression(r)}
                </div>
              ))}
            </td>
            <td>
              {w.iterations}
              {w.failedIterations > 0 && <span className={styles.secondary}> ({w.failedIterations} failed)</span>}
            </td>
            <td>
              {w.sla.length === 0 && <span className={styles.secondary}>none</span>}
              {w.sla.map((c) => (
                <div key={c.criterion} aria-label={`SLA ${c.criterion} ${c.success ? 'passed' : 'failed'}`}>
                  <Icon name={c.success ? 'check' : 'times'} /> {c.criterion}
                  <div className={styles.detail}>{c.detail}</div>
                </div>
              ))}
            </td>
            <td>
              {w.durationSeconds
                ? `${formatSeconds(w.durationSeconds.p50)} / ${formatSeconds(w.durationSeconds.p95)}`
                : '-'}
            </td>
            <td>{formatDuration(w.loadDurationSeconds * 1000)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Distinct iteration errors with their messages and tracebacks. */
export function FailureList({ workloads }: { workloads: Workload[] }) {
  const styles = useStyles2(getTableStyles);
  const failing = workloads.filter((w) => w.errors.length > 0 || w.state !== 'pass');
  if (failing.length === 0) {
    return <div className={styles.secondary}>No failures.</div>;
  }
  return (
    <div>
      {failing.map((w) => (
        <div key={w.key} data-testid={`failures-${w.key}`}>
          <h5>{w.key}</h5>
          {w.reason && <p>{w.reason}</p>}
          {w.errors.map((e, i) => (
            <details key={i}>
              <summary>
                <strong>{e.type}</strong>: {e.message}{' '}
                {e.count > 1 && <span className={styles.secondary}>×{e.count}</span>}
              </summary>
              <pre className={styles.pre}>{e.traceback}</pre>
            </details>
          ))}
        </div>
      ))}
    </div>
  );
}

/**
 * Workloads of the scenario file that were left out this cycle because something they need is absent (an external
 * network for floating IPs): not run, so neither green nor red, and the operator sees why.
 */
export function SkippedWorkloads({ skipped }: { skipped?: SkippedWorkload[] }) {
  const styles = useStyles2(getTableStyles);
  if (!skipped || skipped.length === 0) {
    return null;
  }
  return (
    <div aria-label="Skipped workloads">
      <h5>Not run this cycle</h5>
      <ul>
        {skipped.map((s) => (
          <li key={s.scenario} data-testid={`skipped-${s.scenario}`}>
            {s.scenario}: <span className={styles.secondary}>{s.reason}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
