import React, { useState } from 'react';
import { dateTimeFormat } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import type { PurgeScope, ServiceName } from '../../api/types';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { useAudit, useCleanupReport } from '../../hooks/useRunner';
import type { LeakFilter } from '../../status/leaks';
import { formatDuration } from '../../utils/format';
import { canPurge } from '../../utils/roles';
import { getTableStyles } from '../../utils/styles';
import { AuditLog } from './AuditLog';
import { LeakTable } from './LeakTable';
import { PurgeFlow } from './PurgeFlow';

/** The filter on screen is the purge's scope, so an Admin purges what they are looking at. */
function scopeOf(filter: LeakFilter): PurgeScope {
  return {
    ...(filter.service ? { services: [filter.service as ServiceName] } : {}),
    ...(filter.type ? { types: [filter.type] } : {}),
  };
}

export function Cleanup() {
  const styles = useStyles2(getTableStyles);
  const report = useCleanupReport();
  const audit = useAudit();
  const [filter, setFilter] = useState<LeakFilter>({});
  const failed = report.data?.services.filter((s) => s.state === 'failed') ?? [];

  let body: React.ReactNode;
  if (report.error) {
    body = <RunnerErrorAlert error={report.error} onRetry={() => void report.refetch()} />;
  } else if (!report.data) {
    body = <LoadingPlaceholder text="Scanning for leaked resources…" />;
  } else {
    const data = report.data;
    body = (
      <Stack direction="column" gap={2}>
        <div className={styles.secondary}>
          Scanned {dateTimeFormat(data.scannedAt)} in {formatDuration(data.durationSeconds * 1000)}. Only resources
          named the way Rally names them are listed.
          {data.refresh === 'rate-limited' && (
            <div>
              The runner scanned moments ago, so this is that scan: it scans again on request once its refresh interval
              (RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL) has passed.
            </div>
          )}
        </div>
        {failed.length > 0 && (
          <Alert severity="warning" title="Some services could not be scanned">
            {failed.map((s) => (
              <div key={s.service}>
                {s.service}:{' '}
                {s.error ??
                  s.types
                    .filter((t) => t.state === 'failed')
                    .map((t) => `${t.type}: ${t.error ?? 'failed'}`)
                    .join('; ')}
                . Its leaks are unknown, not zero.
              </div>
            ))}
          </Alert>
        )}
        {canPurge() && data.leaks.length > 0 && (
          // A confirmed purge invalidates the leak report and the audit log (usePurge): both are read again.
          <PurgeFlow scope={scopeOf(filter)} />
        )}
        {data.leaks.length === 0 ? (
          <Alert severity="success" title="No leaked resources">
            The last scan found no Rally-named resources{failed.length ? ' in the services it could list' : ''}.
          </Alert>
        ) : (
          <LeakTable leaks={data.leaks} onFilterChange={setFilter} />
        )}
      </Stack>
    );
  }

  return (
    <PluginPage subTitle="Resources Rally leaked in the cloud, attributed to the run that made them">
      <Stack direction="column" gap={2}>
        <Stack justifyContent="flex-end">
          <Button variant="secondary" icon="sync" onClick={report.scanNow} disabled={report.scanning}>
            {report.scanning ? 'Scanning…' : 'Scan now'}
          </Button>
        </Stack>
        {body}
        <h3>Audit log</h3>
        <AuditLog audit={audit} />
      </Stack>
    </PluginPage>
  );
}

export default Cleanup;
