import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';

import type { AuditEntry } from '../../api/types';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import type { useAudit } from '../../hooks/useRunner';
import { runLink } from '../../utils/links';
import { getTableStyles } from '../../utils/styles';

const resourceKey = (e: AuditEntry) => `${e.service}/${e.type}/${e.id}`;

/**
 * The runner writes two entries per deletion (docs/api.md, AuditEntry): the intent ("deleting"), on disk before the
 * DELETE, then the outcome. One row per deletion: its outcome, or, for an intent that never got one (the purge
 * stopped or the runner died in between), "interrupted", since the resource may or may not be gone.
 */
export function auditRows(entries: readonly AuditEntry[]): Array<AuditEntry & { interrupted: boolean }> {
  const rows: Array<AuditEntry & { interrupted: boolean }> = [];
  // Newest first: an outcome is met before its intent. Each outcome answers the next older intent of its resource.
  const awaitingIntent = new Map<string, number>();
  for (const e of entries) {
    const key = resourceKey(e);
    if (e.outcome !== 'deleting') {
      awaitingIntent.set(key, (awaitingIntent.get(key) ?? 0) + 1);
      rows.push({ ...e, interrupted: false });
      continue;
    }
    const waiting = awaitingIntent.get(key) ?? 0;
    if (waiting > 0) {
      awaitingIntent.set(key, waiting - 1);
    } else {
      rows.push({ ...e, interrupted: true });
    }
  }
  return rows;
}

/** Every deletion of every purge, newest first: deleted, failed, or interrupted between its intent and its outcome. */
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
        {auditRows(audit.data.entries).map((e, i) => (
          <tr key={`${e.at}-${e.id}-${i}`}>
            <td>{dateTimeFormat(e.at)}</td>
            <td>
              {e.interrupted ? (
                <span title="The intent to delete was recorded, but no outcome: the purge stopped or the runner died in between. The next scan shows whether it is gone.">
                  interrupted (may be deleted)
                </span>
              ) : (
                e.outcome
              )}
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
