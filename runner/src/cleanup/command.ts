// `rally-monitor cleanup`: scan and print the leaks; with --purge, show the dry run, ask (unless --yes), delete.
// Exit codes: 0 nothing leaked (or all purged), 2 leaks remain, a service could not be scanned, or a deletion
// failed, 1 the command itself could not run.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { formatTable } from '../summary.js';
import type { Leak } from './leak.js';
import type { CleanupReport } from './report.js';
import { parsePurgeRequest, PurgeRequestError } from './purge.js';
import { openCleanup } from './setup.js';
import { tasksOnDisk } from './tasks.js';
import { join } from 'node:path';

export const CLEANUP_USAGE = `  rally-monitor cleanup     scan the cloud for resources Rally leaked and print them
      [--purge [--yes]]     delete those older than RALLY_MONITOR_CLEANUP_MIN_AGE (asks first unless --yes)
      [--service S]... [--type T]... [--run RUN] [--id ID]...   narrow the purge
      [--include-unattributed]   also purge resources whose task no Rally database here knows
      [--json]              print the scan (or the purge outcome) as JSON`;

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Answers a yes/no question; false when nobody can answer (no terminal). */
  confirm: (question: string) => Promise<boolean>;
}

export function terminalIo(): CommandIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
      } finally {
        prompt.close();
      }
    },
  };
}

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  }
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

export function leakTable(leaks: readonly Leak[]): string[] {
  return formatTable(
    ['SERVICE', 'TYPE', 'NAME', 'ID', 'PROJECT', 'AGE', 'RUN', 'ATTRIBUTION'],
    leaks.map((l) => [
      l.service,
      l.type,
      l.name,
      l.id,
      l.project ?? '-',
      formatAge(l.ageSeconds),
      l.runId ?? `task ${l.taskPrefix}…`,
      l.attribution,
    ])
  );
}

export function scanSummary(services: CleanupReport['services']): string[] {
  return services
    .filter((s) => s.state !== 'absent')
    .map((s) =>
      s.state === 'ok'
        ? `${s.service}: scanned, ${s.types.reduce((n, t) => n + t.count, 0)} Rally-named`
        : `${s.service}: SCAN FAILED - ${s.error ?? 'unknown error'}`
    );
}

export async function cleanupCommand(
  config: Config,
  argv: string[],
  logger: Logger,
  secrets: readonly string[],
  io: CommandIo = terminalIo()
): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: {
        purge: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        service: { type: 'string', multiple: true },
        type: { type: 'string', multiple: true },
        run: { type: 'string' },
        id: { type: 'string', multiple: true },
        'include-unattributed': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.err(`rally-monitor cleanup: ${(error as Error).message}\n${CLEANUP_USAGE}`);
    return 1;
  }
  if (options.yes && !options.purge) {
    io.err('rally-monitor cleanup: --yes only makes sense with --purge');
    return 1;
  }
  let request;
  try {
    request = parsePurgeRequest({
      ...(options.service ? { services: options.service } : {}),
      ...(options.type ? { types: options.type } : {}),
      ...(options.run ? { runId: options.run } : {}),
      ...(options.id ? { ids: options.id } : {}),
      ...(options['include-unattributed'] ? { includeUnattributed: true } : {}),
    });
  } catch (error) {
    if (!(error instanceof PurgeRequestError)) throw error;
    io.err(`rally-monitor cleanup: ${error.message.replace('malformed purge request: ', '')}`);
    return 1;
  }
  const cleanup = await openCleanup(config, {
    logger,
    secrets,
    tasks: () => tasksOnDisk(join(config.dataDir, 'runs')),
  });
  try {
    io.err('scanning every service in the catalog for Rally-named resources...');
    if (!options.purge) {
      const report = await cleanup.scan();
      if (options.json) io.out(JSON.stringify(report, null, 2));
      else {
        io.out(report.leaks.length === 0 ? 'no Rally-named resources found' : leakTable(report.leaks).join('\n'));
        io.out('');
        for (const line of scanSummary(report.services)) io.out(line);
      }
      return report.leaks.length === 0 && report.services.every((s) => s.state !== 'failed') ? 0 : 2;
    }

    const dryRun = await cleanup.purge(request, 'cli');
    if (!options.json) {
      for (const line of scanSummary(cleanup.latest()?.services ?? [])) io.err(line);
      if (dryRun.tooYoung.length > 0) {
        io.err(
          `${dryRun.tooYoung.length} younger than the minimum age (${formatAge(dryRun.minAgeSeconds)}) are left alone`
        );
      }
      for (const { leak, reason, detail } of dryRun.leftOut) {
        io.err(`left out (${reason}): ${leak.service} ${leak.type} ${leak.name} (${leak.id}): ${detail}`);
      }
    }
    if (dryRun.candidates.length === 0) {
      if (options.json) io.out(JSON.stringify(dryRun, null, 2));
      else io.out('nothing to purge');
      return dryRun.failedServices.length > 0 ? 2 : 0;
    }
    if (!options.json) {
      io.out('would delete, in this order:');
      io.out(leakTable(dryRun.candidates).join('\n'));
    }
    if (!options.yes && !(await io.confirm(`Delete these ${dryRun.candidates.length} resources?`))) {
      if (options.json) io.out(JSON.stringify(dryRun, null, 2));
      io.err('nothing deleted (confirm at the prompt, or pass --yes)');
      return 2;
    }
    let done = 0;
    // Only what was shown and confirmed goes, even if more qualifies by now.
    const shown = { ...request.scope, ids: dryRun.candidates.map((leak) => leak.id) };
    const outcome = await cleanup.purge({ confirm: true, scope: shown }, 'cli', (result) => {
      done += 1;
      const { leak } = result;
      io.err(
        `[${done}] ${result.outcome === 'deleted' ? 'deleted' : 'FAILED '} ${leak.service} ${leak.type} ${leak.name} (${leak.id})${result.error ? `: ${result.error}` : ''}`
      );
    });
    const failed = outcome.results.filter((r) => r.outcome === 'failed').length;
    if (options.json) io.out(JSON.stringify(outcome, null, 2));
    else io.out(`deleted ${outcome.results.length - failed}, failed ${failed}; the audit log is ${cleanup.audit.path}`);
    if (outcome.stopped) {
      io.err(`PURGE STOPPED: ${outcome.stopped}; ${outcome.candidates.length - outcome.results.length} not attempted`);
    }
    return failed > 0 || outcome.failedServices.length > 0 || outcome.stopped ? 2 : 0;
  } finally {
    await cleanup.stop();
  }
}
