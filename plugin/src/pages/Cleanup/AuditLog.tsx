import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';

import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import type { useAudit } from '../../hooks/useRunner';
import { runLink } from '../../utils/links';
import { getTableStyles } from '../../utils/styles';

/** Every deletion and failed deletion of every purge, newest first. */
export function AuditLog({ audit }: { audit: ReturnType<typeof useAudit> }) {
  const styles = useStyles2(getTableStyles);
  if (audit.error) {
    return <RunnerErrorAlert error={audit.error} onRetry={() => void audit.refetch()} />;
  }
  if (!audit.data) {
    return <LoadingPlaceholder text="Loading the audit log…" />;
  }
  if (audit.data.entries.length === 0) {
    return <div className={styles.secondary}>Nothing has been purged yet.</div>;
  }
  return (
    <table className={styles.table} aria-label="Audit log">
      <thead>
        <tr>
          <th>When</th>
          <th>Outcome</th>
          <th>Resource</th>
          <th>Project</th>
          <th>Run</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        {audit.data.entries.map((e, i) => (
          <tr key={`${e.at}-${e.id}-${i}`}>
            <td>{dateTimeFormat(e.at)}</td>
            <td>
              {e.outcome}
              {e.error && <div className={styles.secondary}>{e.error}</div>}
            </td>
            <td>
              {e.service} {e.type} {e.name}
            </td>
            <td>{e.project ?? '-'}</td>
            <td>{e.runId ? <TextLink href={runLink(e.runId)}>{e.runId}</TextLink> : '-'}</td>
            <td>{e.trigger}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
