import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, Checkbox, Field, Input, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import { SERVICE_NAMES, type MaintenanceWindow, type ServiceName } from '../../api/types';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { useCancelMaintenance, useDeclareMaintenance, useMaintenanceWindows } from '../../hooks/useRunner';
import { canManageMaintenance } from '../../utils/roles';
import { getTableStyles } from '../../utils/styles';

const STATE_TEXT: Record<MaintenanceWindow['state'], string> = {
  upcoming: 'Upcoming',
  active: 'Active',
  ended: 'Ended',
  cancelled: 'Cancelled',
};

/** A time as typed: ISO 8601 with an offset as it is, one without an offset in the browser's local time. */
function typedTime(value: string): string | null {
  const time = new Date(value.trim());
  return value.trim() === '' || Number.isNaN(time.getTime()) ? null : time.toISOString();
}

function silenceText(window: MaintenanceWindow): string {
  const { silence } = window;
  if (silence.state === 'disabled') {
    return 'no Alertmanager: the alert rules hold alerts back';
  }
  return `silence ${silence.state}${silence.error ? `: ${silence.error}` : ''}`;
}

export function Maintenance() {
  const styles = useStyles2(getTableStyles);
  const windows = useMaintenanceWindows();
  const cancel = useCancelMaintenance();
  const manage = canManageMaintenance();

  return (
    <PluginPage subTitle="Windows in which results are recorded as maintenance and alerts are held back">
      <Stack direction="column" gap={2}>
        {manage && <DeclareForm />}
        <h3>Windows</h3>
        {cancel.error && <RunnerErrorAlert error={cancel.error} />}
        {windows.isPending ? (
          <LoadingPlaceholder text="Loading maintenance windows…" />
        ) : windows.error ? (
          <RunnerErrorAlert error={windows.error} onRetry={() => void windows.refetch()} />
        ) : windows.data.windows.length === 0 ? (
          <div className={styles.secondary}>No maintenance windows.</div>
        ) : (
          <table className={styles.table} aria-label="Maintenance windows">
            <thead>
              <tr>
                <th>State</th>
                <th>Services</th>
                <th>From</th>
                <th>To</th>
                <th>Reason</th>
                <th>Alertmanager</th>
                {manage && <th />}
              </tr>
            </thead>
            <tbody>
              {windows.data.windows.map((w) => (
                <tr key={w.id} data-testid={`window-${w.id}`}>
                  <td>
                    <Badge
                      color={w.state === 'active' ? 'blue' : w.state === 'upcoming' ? 'purple' : 'darkgrey'}
                      text={STATE_TEXT[w.state]}
                    />
                  </td>
                  <td>{w.services.join(', ')}</td>
                  <td>{dateTimeFormat(w.start)}</td>
                  <td>{dateTimeFormat(w.cancelledAt ?? w.end)}</td>
                  <td>
                    {w.reason}
                    <div className={styles.secondary}>
                      {w.id}
                      {w.source === 'provisioning' ? ' (provisioned)' : ''}
                    </div>
                  </td>
                  <td className={w.silence.state === 'failed' ? styles.secondary : undefined}>{silenceText(w)}</td>
                  {manage && (
                    <td>
                      {(w.state === 'active' || w.state === 'upcoming') && (
                        <Button
                          size="sm"
                          variant="secondary"
                          aria-label={`Cancel window ${w.id}`}
                          disabled={cancel.isPending}
                          onClick={() => cancel.mutate(w.id)}
                        >
                          Cancel
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Stack>
    </PluginPage>
  );
}

function DeclareForm() {
  const styles = useStyles2(getStyles);
  const declare = useDeclareMaintenance();
  const [services, setServices] = useState<ServiceName[]>([]);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const toggle = (service: ServiceName) =>
    setServices((current) =>
      current.includes(service)
        ? current.filter((s) => s !== service)
        : SERVICE_NAMES.filter((s) => s === service || current.includes(s))
    );

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const endTime = typedTime(end);
    const startTime = start.trim() === '' ? undefined : typedTime(start);
    if (!endTime || startTime === null) {
      setProblem('Start and end must be times such as 2026-12-01T22:00 (local time) or 2026-12-01T22:00:00Z.');
      return;
    }
    setProblem(null);
    // The runner checks the rest (services, overlaps, past, length) and says what is wrong.
    declare.mutate({ services, ...(startTime ? { start: startTime } : {}), end: endTime, reason });
  };

  return (
    <form onSubmit={submit} className={styles.form} aria-label="Declare a maintenance window">
      <h3>Declare a window</h3>
      <Field label="Services">
        <Stack wrap="wrap">
          {SERVICE_NAMES.map((service) => (
            <Checkbox
              key={service}
              label={service}
              value={services.includes(service)}
              onChange={() => toggle(service)}
            />
          ))}
        </Stack>
      </Field>
      <Stack>
        <Field label="Start" description="Empty: now">
          <Input
            id="maintenance-start"
            value={start}
            placeholder="2026-12-01T22:00"
            onChange={(e) => setStart(e.currentTarget.value)}
          />
        </Field>
        <Field label="End">
          <Input
            id="maintenance-end"
            value={end}
            placeholder="2026-12-02T02:00"
            onChange={(e) => setEnd(e.currentTarget.value)}
          />
        </Field>
      </Stack>
      <Field label="Reason" description="Shown on every result of the window and on its Alertmanager silence">
        <Input id="maintenance-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      </Field>
      {problem && <Alert severity="error" title={problem} />}
      {declare.error && <RunnerErrorAlert error={declare.error} />}
      {declare.data && (
        <Alert severity="success" title={`Window ${declare.data.id} declared`}>
          {declare.data.services.join(', ')} until {dateTimeFormat(declare.data.end)}: {silenceText(declare.data)}
        </Alert>
      )}
      <Button type="submit" icon="wrench" disabled={declare.isPending}>
        Declare window
      </Button>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ maxWidth: 720, display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
});

export default Maintenance;
