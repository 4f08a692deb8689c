// Runs one command in its own process group, streaming its combined output to a file, so that a timeout or a
// shutdown can stop the command AND every process it forked (Rally's runners fork workers).
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';

export interface GroupRunOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Where stdout and stderr go, interleaved, as they arrive. */
  logFile?: string;
  /** Aborting it stops the group: SIGINT first (Rally aborts its task on it), SIGKILL after `graceMs`. */
  signal?: AbortSignal;
  graceMs?: number;
  /** Called with every complete output line, for progress reporting. */
  onLine?: (line: string) => void;
}

export interface GroupRunResult {
  exitCode: number | null;
  output: string;
  killed: boolean;
  /** Why the log file could not be written (a full disk), when it could not: the command still ran to its end. */
  logError?: string;
}

const MAX_KEPT_OUTPUT = 4 * 1024 * 1024;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export async function runInProcessGroup(
  file: string,
  args: readonly string[],
  options: GroupRunOptions
): Promise<GroupRunResult> {
  const child = execa(file, args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    detached: true,
    reject: false,
    all: true,
    stdin: 'ignore',
    buffer: false,
  });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a', mode: 0o600 }) : null;
  // An unhandled stream error (ENOSPC on a full disk) would kill the runner and leave the detached group running.
  let logError: string | undefined;
  log?.on('error', (error) => {
    logError ??= error.message;
  });
  let output = '';
  let partial = '';
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    if (log && logError === undefined) log.write(chunk);
    if (output.length < MAX_KEPT_OUTPUT) output += chunk;
    if (options.onLine) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    }
  });

  let killed = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (killed || child.pid === undefined) return;
    killed = true;
    signalGroup(child.pid, 'SIGINT');
    forceTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), options.graceMs ?? 10_000);
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });

  const result = await child;
  options.signal?.removeEventListener('abort', stop);
  if (forceTimer) clearTimeout(forceTimer);
  // Workers Rally forked may outlive the parent after a kill; make sure none is left behind.
  if (killed && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  if (log) {
    log.end();
    await finished(log).catch((error: Error) => {
      logError ??= error.message;
    });
  }
  return {
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
    output,
    killed,
    ...(logError ? { logError } : {}),
  };
}
