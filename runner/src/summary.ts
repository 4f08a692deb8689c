import type { CleanupReport } from './cleanup/report.js';
import type { Cycle } from './model.js';

/** Lines of a plain-text table with padded columns, header first. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A result's reason; in maintenance, the window's reason first, then what Rally said underneath. */
function reasonCell(s: Cycle['services'][number]): string {
  if (s.state !== 'maintenance' || !s.maintenance) return s.reason ?? '';
  const underneath = `Rally: ${(s.underlying ?? 'error').toUpperCase()}${s.reason ? ` - ${s.reason}` : ''}`;
  return `until ${s.maintenance.end} (${s.maintenance.reason}); ${underneath}`;
}

/** The per-service table `rally-monitor run-once` prints. */
export function summaryTable(cycle: Cycle): string {
  const rows = cycle.services.map((s) => [
    s.service,
    s.state.toUpperCase(),
    s.durationSeconds === null ? '-' : `${s.durationSeconds.toFixed(1)} s`,
    s.workloads.length === 0 ? '-' : `${s.workloads.filter((w) => w.state === 'pass').length}/${s.workloads.length}`,
    reasonCell(s).slice(0, 100),
  ]);
  const skipped = cycle.services.flatMap((s) =>
    (s.skipped ?? []).map((w) => `skipped: ${s.service} ${w.scenario}: ${w.reason}`)
  );
  const notes = [
    ...skipped,
    ...cycle.services.flatMap((s) => (s.logProblem ? [`log: ${s.service}: ${s.logProblem}`] : [])),
  ];
  return [
    ...formatTable(['SERVICE', 'STATE', 'DURATION', 'WORKLOADS OK', 'REASON'], rows),
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
    `cycle ${cycle.id}: ${cycle.status.toUpperCase()} in ${cycle.durationSeconds.toFixed(1)} s${cycle.reason ? ` (${cycle.reason})` : ''}`,
  ].join('\n');
}

/**
 * What `rally-monitor run-once` prints of the leak scans around its cycle: the Rally-named resources that appeared
 * during the cycle and are still there (its leaks), how many older ones the cloud holds, and apart from those how many
 * names only look like Rally's (no Rally task here is known to have made them: maybe another tenant's, which a purge
 * leaves alone unless it includes them).
 */
export function leakSummary(runId: string, report: CleanupReport | null): string[] {
  if (!report) return ['leaks: not scanned (the leak scan failed; see the log above)'];
  const left = report.leaks.filter((leak) => leak.runId === runId);
  const unattributed = report.leaks.filter(
    (leak) => leak.runId !== runId && leak.attribution === 'unattributed'
  ).length;
  const older = report.leaks.length - left.length - unattributed;
  const unlisted = report.services.filter((s) => s.state === 'failed').map((s) => s.service);
  return [
    left.length === 0
      ? 'leaks: none left by this cycle'
      : `leaks: ${left.length} Rally-named resource${left.length === 1 ? '' : 's'} left by this cycle:`,
    ...left.map((leak) => `  ${leak.service} ${leak.type} ${leak.name} (${leak.id})`),
    ...(older > 0
      ? [
          `leaks: ${older} older Rally-named resource${older === 1 ? '' : 's'} in the cloud; \`rally-monitor cleanup\` lists them`,
        ]
      : []),
    ...(unattributed > 0
      ? [
          unattributed === 1
            ? "leaks: 1 more looks like Rally's but is not attributed to any Rally task: left alone unless a purge includes it"
            : `leaks: ${unattributed} more look like Rally's but are not attributed to any Rally task: left alone unless a purge includes them`,
        ]
      : []),
    ...(unlisted.length > 0 ? [`leaks: could not list ${unlisted.join(', ')}; their leaks are unknown`] : []),
  ];
}
