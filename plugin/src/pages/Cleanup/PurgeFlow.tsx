import React, { useState } from 'react';
import { Alert, Button, ConfirmModal, Stack, useStyles2 } from '@grafana/ui';

import type { Leak, PurgeScope } from '../../api/types';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { usePurge } from '../../hooks/useRunner';
import { formatDuration } from '../../utils/format';
import { getTableStyles } from '../../utils/styles';

function describeScope(scope: PurgeScope): string {
  const parts = [scope.services?.join(', '), scope.types?.join(', ')].filter(Boolean);
  return parts.length ? parts.join(' / ') : 'every service and type';
}

function LeakList({ leaks, label }: { leaks: Leak[]; label: string }) {
  const styles = useStyles2(getTableStyles);
  return (
    <table className={styles.table} aria-label={label}>
      <tbody>
        {leaks.map((l) => (
          <tr key={`${l.service}/${l.type}/${l.id}`}>
            <td>{l.service}</td>
            <td>{l.type}</td>
            <td>{l.name}</td>
            <td>{formatDuration(l.ageSeconds * 1000)} old</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Admins only: step one asks the runner for a dry run of the purge in the current scope and shows it; step two,
 * after an explicit confirmation, deletes exactly the resources the dry run listed.
 */
export function PurgeFlow({ scope }: { scope: PurgeScope }) {
  const styles = useStyles2(getTableStyles);
  const preview = usePurge();
  const execute = usePurge();
  const [confirming, setConfirming] = useState(false);
  const plan = preview.data;

  const start = () => {
    execute.reset();
    preview.mutate({ confirm: false, scope });
  };
  const cancel = () => {
    preview.reset();
    setConfirming(false);
  };
  const confirm = async () => {
    setConfirming(false);
    // Exactly what the dry run showed: a leak that appeared since is left for the next dry run.
    execute.mutate(
      { confirm: true, scope: { ...(plan?.scope ?? scope), ids: plan?.candidates.map((l) => l.id) ?? [] } },
      { onSettled: () => preview.reset() }
    );
  };

  const done = execute.data;
  const deleted = done?.results.filter((r) => r.outcome === 'deleted') ?? [];
  const failed = done?.results.filter((r) => r.outcome === 'failed') ?? [];

  return (
    <Stack direction="column" gap={1}>
      {!plan && (
        <div>
          <Button
            variant="destructive"
            icon="trash-alt"
            onClick={start}
            disabled={preview.isPending || execute.isPending}
          >
            {preview.isPending ? 'Planning…' : execute.isPending ? 'Deleting…' : 'Purge…'}
          </Button>{' '}
          <span className={styles.secondary}>
            Shows a dry run of {describeScope(scope)} first; nothing is deleted yet.
          </span>
        </div>
      )}
      {preview.error && <RunnerErrorAlert error={preview.error} />}
      {execute.error && <RunnerErrorAlert error={execute.error} />}
      {plan && (
        <section aria-label="Dry run" data-testid="purge-dry-run">
          <Alert
            severity={plan.candidates.length ? 'warning' : 'info'}
            title={`Dry run: ${plan.candidates.length} resources would be deleted`}
          >
            <p>
              Scope: {describeScope(plan.scope)}. Only Rally-named resources older than{' '}
              {formatDuration(plan.minAgeSeconds * 1000)} are deleted, in dependency order.
            </p>
            {plan.tooYoung.length > 0 && (
              <p>{plan.tooYoung.length} younger resources are left alone (a cycle may still be using them).</p>
            )}
            {plan.failedServices.length > 0 && (
              <p>Not considered, because they could not be listed: {plan.failedServices.join(', ')}.</p>
            )}
          </Alert>
          {plan.candidates.length > 0 && <LeakList leaks={plan.candidates} label="Would be deleted" />}
          <Stack>
            <Button variant="destructive" onClick={() => setConfirming(true)} disabled={plan.candidates.length === 0}>
              Delete {plan.candidates.length} resources
            </Button>
            <Button variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </Stack>
          <ConfirmModal
            isOpen={confirming}
            title="Delete leaked resources"
            body={`Delete the ${plan.candidates.length} Rally-named resources of the dry run from the cloud? This cannot be undone; every deletion is written to the audit log.`}
            confirmText="Delete"
            onConfirm={confirm}
            onDismiss={() => setConfirming(false)}
          />
        </section>
      )}
      {done && (
        <Alert
          severity={failed.length ? 'error' : 'success'}
          title={`Purge done: ${deleted.length} deleted, ${failed.length} failed`}
        >
          {failed.map((f) => (
            <div key={`${f.leak.service}/${f.leak.type}/${f.leak.id}`}>
              {f.leak.service} {f.leak.type} {f.leak.name}: {f.error ?? 'failed'}
            </div>
          ))}
        </Alert>
      )}
    </Stack>
  );
}
