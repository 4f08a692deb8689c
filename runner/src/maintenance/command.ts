// `rally-monitor maintenance add|list|cancel`: maintenance windows through the running runner's API, so the runner
// stays the one writer of its windows file and the silences follow at once. Needs no OpenStack credentials: only
// where the runner listens (RALLY_MONITOR_URL, else 127.0.0.1 on EXPORTER_PORT) and its RALLY_MONITOR_API_TOKEN.
import { durationSeconds } from '../config.js';
import { formatTable } from '../summary.js';
import type { WindowView } from './window.js';

export const MAINTENANCE_USAGE = `  rally-monitor maintenance add --services nova[,placement] (--end TIME | --duration 2h) [--start TIME] --reason TEXT
                            declare a maintenance window (TIME: ISO 8601 or epoch milliseconds; start: now)
  rally-monitor maintenance list
                            the windows the runner keeps, with their state and Alertmanager silence
  rally-monitor maintenance cancel ID
                            end a window now (its silence is expired)`;

type Env = Record<string, string | undefined>;
type Write = (text: string) => void;

class UsageError extends Error {}

function options(args: string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      positional.push(arg);
      continue;
    }
    const value = match[2] ?? args[i + 1];
    if (match[2] === undefined) i += 1;
    if (value === undefined) throw new UsageError(`--${match[1]} needs a value`);
    flags.set(match[1]!, value);
  }
  return { flags, positional };
}

function baseUrl(env: Env): string {
  const url = env.RALLY_MONITOR_URL || `http://127.0.0.1:${env.EXPORTER_PORT || '9101'}`;
  return url.replace(/\/+$/, '');
}

async function call(
  env: Env,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; json: unknown }> {
  const token = env.RALLY_MONITOR_API_TOKEN;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${baseUrl(env)}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`the runner at ${baseUrl(env)} could not be reached (${cause}); set RALLY_MONITOR_URL`);
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { error: text.slice(0, 300) };
  }
  return { status: response.status, json };
}

function describe(window: WindowView): string {
  const silence =
    window.silence.state === 'disabled'
      ? 'no Alertmanager configured (the alert rules hold alerts back)'
      : `${window.silence.state}${window.silence.id ? ` (${window.silence.id})` : ''}${window.silence.error ? `: ${window.silence.error}` : ''}`;
  return [
    `window ${window.id}: ${window.state}`,
    `  services: ${window.services.join(', ')}`,
    `  from ${window.start} to ${window.end}`,
    `  reason: ${window.reason}`,
    `  silence: ${silence}`,
  ].join('\n');
}

/** Runs the subcommand; returns the exit code: 0 done, 1 refused or failed (with the runner's reason on stderr). */
export async function maintenanceCommand(
  args: string[],
  env: Env = process.env,
  out: Write = (t) => process.stdout.write(t),
  err: Write = (t) => process.stderr.write(t)
): Promise<number> {
  try {
    const [sub, ...rest] = args;
    const { flags, positional } = options(rest);
    let answer: { status: number; json: unknown };
    if (sub === 'add') {
      const services = flags.get('services');
      if (!services) throw new UsageError('--services is required (a comma list, e.g. nova,placement)');
      const start = flags.get('start');
      let end = flags.get('end');
      const duration = flags.get('duration');
      if (end && duration) throw new UsageError('give --end or --duration, not both');
      if (duration) {
        const seconds = durationSeconds('--duration', duration, 0, 366 * 86400);
        const from = start ? Date.parse(start) : Date.now();
        if (Number.isNaN(from)) throw new UsageError(`--start is not a time: ${start}`);
        end = new Date(from + seconds * 1000).toISOString();
      }
      if (!end) throw new UsageError('--end or --duration is required');
      const reason = flags.get('reason');
      if (!reason) throw new UsageError('--reason is required: it is shown on every result and on the silence');
      answer = await call(env, 'POST', '/api/maintenance', {
        services: services.split(',').map((s) => s.trim()),
        ...(start ? { start } : {}),
        end,
        reason,
      });
      if (answer.status === 201) {
        out(`${describe(answer.json as WindowView)}\n`);
        return 0;
      }
    } else if (sub === 'list') {
      answer = await call(env, 'GET', '/api/maintenance');
      if (answer.status === 200) {
        const windows = (answer.json as { windows: WindowView[] }).windows;
        if (windows.length === 0) out('no maintenance windows\n');
        else {
          const rows = windows.map((w) => [
            w.id,
            w.state,
            w.services.join(','),
            w.start,
            w.end,
            w.silence.state,
            w.reason,
          ]);
          out(`${formatTable(['ID', 'STATE', 'SERVICES', 'START', 'END', 'SILENCE', 'REASON'], rows).join('\n')}\n`);
        }
        return 0;
      }
    } else if (sub === 'cancel') {
      const id = positional[0];
      if (!id) throw new UsageError('cancel needs the window id (see `rally-monitor maintenance list`)');
      answer = await call(env, 'DELETE', `/api/maintenance/${encodeURIComponent(id)}`);
      if (answer.status === 200) {
        out(`${describe(answer.json as WindowView)}\n`);
        return 0;
      }
    } else {
      throw new UsageError(`unknown maintenance command "${sub ?? ''}"`);
    }
    const { error } = (answer.json ?? {}) as { error?: string };
    err(`rally-monitor: the runner refused (HTTP ${answer.status}): ${error ?? 'no reason given'}\n`);
    return 1;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`rally-monitor maintenance: ${error.message}\n\nUsage:\n${MAINTENANCE_USAGE}\n`);
      return 1;
    }
    err(`rally-monitor: ${(error as Error).message}\n`);
    return 1;
  }
}
