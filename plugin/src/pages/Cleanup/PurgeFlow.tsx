import React, { useState } from 'react';
import { Alert, Button, Checkbox, ConfirmModal, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import type { Leak, PurgeScope } from '../../api/types';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { usePurge } from '../../hooks/useRunner';
import { formatDuration } from '../../utils/format';
import { getTableStyles } from '../../utils/styles';
import { LeftOutTable } from './LeftOutTable';

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

/** The scope with the unattributed opt-in as given, the key left out when off (the runner's default). */
function withOptIn(scope: PurgeScope, includeUnattributed: boolean): PurgeScope {
  const rest = { ...scope };
  delete rest.includeUnattributed;
  return includeUnattributed ? { ...rest, includeUnattributed: true } : rest;
}

/**
 * Admins only: step one asks the runner for a dry run of the purge in the current scope and shows it, with what it
 * leaves out and why; step two, after an explicit confirmation, deletes exactly the resources the dry run listed.
 * Unattributed leaks (named like Rally's, but no Rally task here made them) are only planned after an explicit
 * opt-in, which the confirmation then carries too.
 */
export function PurgeFlow({ scope }: { scope: PurgeScope }) {
  const styles = useStyles2(getTableStyles);
  const preview = usePurge();
  const execute = usePurge();
  const [open, setOpen] = useState(false);
  // The scope the dry run was asked for when the flow opened: the opt-in re-plans that, not a filter changed since.
  const [planScope, setPlanScope] = useState<PurgeScope>(scope);
  const [includeUnattributed, setIncludeUnattributed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const plan = preview.data;
  // The opt-in of the request this plan answers (data and variables belong to the same mutation).
  const planIncludes = preview.variables?.scope.includeUnattributed === true;

  const requestPlan = (base: PurgeScope, include: boolean) =>
    preview.mutate({ confirm: false, scope: withOptIn(base, include) });
  const start = () => {
    execute.reset();
    setOpen(true);
    setPlanScope(scope);
    // Off at the start of every purge: an opt-in is for the dry run it was given in.
    setIncludeUnattributed(false);
    requestPlan(scope, false);
  };
  const toggle = (include: boolean) => {
    setIncludeUnattributed(include);
    requestPlan(planScope, include);
  };
  const cancel = () => {
    preview.reset();
    setOpen(false);
    setIncludeUnattributed(false);
    setConfirming(false);
  };
  const confirm = () => {
    setConfirming(false);
    if (!plan) {
      return;
    }
    setOpen(false);
    // Exactly what the dry run showed, with its opt-in: a leak that appeared since is left for the next dry run.
    const ids = plan.candidates.map((l) => l.id);
    execute.mutate(
      { confirm: true, scope: { ...withOptIn(plan.scope, planIncludes), ids } },
      { onSettled: () => preview.reset() }
    );
  };

  const done = execute.data;
  const deleted = done?.results.filter((r) => r.outcome === 'deleted') ?? [];
  const failed = done?.results.filter((r) => r.outcome === 'failed') ?? [];
  const unattributedCandidates = plan?.candidates.filter((l) => l.attribution === 'unattributed').length ?? 0;

  return (
    <Stack direction="column" gap={1}>
      {!open && (
        <div>
          <Button variant="destructive" icon="trash-alt" onClick={start} disabled={execute.isPending}>
            {execute.isPending ? 'Deleting…' : 'Purge…'}
          </Button>{' '}
          <span className={styles.secondary}>
            Shows a dry run of {describeScope(scope)} first; nothing is deleted yet.
          </span>
        </div>
      )}
      {preview.error && <RunnerErrorAlert error={preview.error} />}
      {execute.error && <RunnerErrorAlert error={execute.error} />}
      {open && (
        <section aria-label="Dry run" data-testid="purge-dry-run">
          <Checkbox
            label="Include unattributed leaks"
            value={includeUnattributed}
            disabled={preview.isPending}
            onChange={(e) => toggle(e.currentTarget.checked)}
          />
          {includeUnattributed && (
            <Alert severity="warning" title="Unattributed leaks included">
              No Rally task of this runner or of its Rally database made these: they only have Rally-like names, so they
              may not be Rally&apos;s at all, e.g. another tenant&apos;s resources with Rally-like names, or another
              Rally&apos;s leaks. Check each one in the dry run before deleting it.
            </Alert>
          )}
          {preview.isPending && <LoadingPlaceholder text="Planning…" />}
          {plan && (
            <>
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
                {plan.leftOut.length > 0 && (
                  <p>{plan.leftOut.length} resources in scope are left out; the table below says why for each.</p>
                )}
                {plan.failedServices.length > 0 && (
                  <p>Not considered, because they could not be listed: {plan.failedServices.join(', ')}.</p>
                )}
              </Alert>
              {plan.candidates.length > 0 && <LeakList leaks={plan.candidates} label="Would be deleted" />}
              {plan.leftOut.length > 0 && (
                <>
                  <h4>Left out</h4>
                  <LeftOutTable leftOut={plan.leftOut} />
                </>
              )}
            </>
          )}
          <Stack>
            <Button
              variant="destructive"
              onClick={() => setConfirming(true)}
              disabled={!plan || preview.isPending || plan.candidates.length === 0}
            >
              Delete {plan?.candidates.length ?? 0} resources
            </Button>
            <Button variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </Stack>
          <ConfirmModal
            isOpen={confirming && !!plan}
            title="Delete leaked resources"
            body={`Delete the ${plan?.candidates.length ?? 0} Rally-named resources of the dry run from the cloud?${
              unattributedCandidates > 0
                ? ` ${unattributedCandidates} of them are unattributed and may not be Rally's.`
                : ''
            } This cannot be undone; every deletion is written to the audit log.`}
            confirmText="Delete"
            onConfirm={confirm}
            onDismiss={() => setConfirming(false)}
          />
        </section>
      )}
      {done && done.stopped !== null && (
        // Not a success: the runner stopped (the audit log could not be written) and did not attempt the rest.
        <Alert severity="error" title={`Purge stopped: ${deleted.length} deleted, ${failed.length} failed`}>
          <p>Stopped early: {done.stopped}.</p>
          {done.candidates.length > done.results.length && (
            <p>{done.candidates.length - done.results.length} not attempted; the next dry run lists what is left.</p>
          )}
          {done.results.map((r) => (
            <div key={`${r.leak.service}/${r.leak.type}/${r.leak.id}`}>
              {r.leak.service} {r.leak.type} {r.leak.name}:{' '}
              {r.outcome === 'deleted' ? 'deleted' : (r.error ?? 'failed')}
            </div>
          ))}
        </Alert>
      )}
      {done && done.stopped === null && (
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
