// `rally task validate` before `rally task start`: a configured image or flavor that does not exist, a missing
// network or a bad task argument is then the monitor's error, with Rally's own reason in one line, rather than a
// red service. Rally's validation output runs to pages (the rendered task, INFO lines, a JSON dump of the workload);
// only the lines that say why are handed on.
//
// Validation costs a Rally start-up and a user created and deleted (6-14 s here), and `task start` validates again
// anyway, so a task validated with the same file, plugins, args and environment is not validated again for a day.
// A start that then fails its own validation is reported the same way, and forgotten, so the next cycle re-checks.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Rally, TaskRun } from './rally.js';
import { ANSI } from './verdict.js';

export const VALIDATION_KEPT_MS = 24 * 3600 * 1000;

/** Rally's exit codes for a task it would not run: ValidationError, InvalidTaskException, InvalidTaskConfig. */
const REJECTED = new Set([110, 113, 114]);

function lines(output: string): string[] {
  return output
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Rally prints resource references as JSON (`Image '{"name": "cirros"}' not found`); people say `image 'cirros'`. */
function readable(text: string): string {
  return text
    .replace(/'\{"name": "([^"]*)"\}'/g, "'$1'")
    .replace(/^(Image|Flavor|Network) '/, (_, kind: string) => `${kind.toLowerCase()} '`);
}

/**
 * Why validation failed, in the lines the verdict reads: `Invalid task: <Scenario>: <why>` for a workload Rally
 * rejected; Rally's own `Validation error: ...` line (with the unreachable platform's line, which tells a cloud
 * outage from a misconfiguration) when the cloud did not answer.
 */
export function validationProblem(output: string): string {
  const all = lines(output);
  const reasonsAt = all.findIndex((line) => line === 'Reason(s):');
  if (reasonsAt >= 0 && all[reasonsAt + 1]) {
    const scenario = all.map((line) => /^Subtask (\S+?)\[\d+\] has wrong configuration/.exec(line)?.[1]).find(Boolean);
    const reason = all[reasonsAt + 1]!;
    const details = /Details: (.+)$/.exec(reason)?.[1] ?? reason;
    return `Invalid task: ${scenario ? `${scenario}: ` : ''}${readable(details)}`.slice(0, 500);
  }
  const validationError = all.find((line) => line.startsWith('Validation error: '));
  if (validationError) {
    const platform = all.map((line) => /(Platform \S+ \(available: False\): .+)$/.exec(line)?.[1]).find(Boolean);
    return [validationError, ...(platform ? [platform] : [])].join('\n');
  }
  const known = all.find(
    (line) =>
      /^(Task config is invalid: |Invalid task: |Error: )/.test(line) ||
      /Please specify (next )?template task argument/.test(line)
  );
  if (known) return known.startsWith('Please') ? `Invalid task: ${known}` : known;
  return `Error: rally task validate failed: ${all.slice(-3).join(' | ')}`.slice(0, 500);
}

/** A valid task's `logError`: why validation's output could not be written to the log (a full disk); Rally still ran. */
export type Validation = { valid: true; cached: boolean; logError?: string } | { valid: false; run: TaskRun };

/** When each Rally instance last validated each task fingerprint. */
const validatedAt = new WeakMap<Rally, Map<string, number>>();

async function fingerprint(rally: Rally, taskFile: string, args: Record<string, unknown>): Promise<string> {
  const hash = createHash('sha256')
    .update(await readFile(taskFile))
    .update(JSON.stringify(args))
    .update(rally.options.envName);
  // The environment's own fingerprint changes when the credentials or endpoint do (Rally.ensureEnvironment).
  hash.update(await readFile(join(rally.options.home, `${rally.options.envName}.fingerprint`), 'utf8').catch(() => ''));
  const plugins = join(dirname(taskFile), 'plugins');
  const names = await readdir(plugins).catch(() => [] as string[]);
  for (const name of names.sort()) hash.update(name).update(await readFile(join(plugins, name)).catch(() => ''));
  return hash.digest('hex');
}

function rejected(result: Omit<TaskRun, 'taskUuid'>): TaskRun {
  return { ...result, output: result.killed ? result.output : validationProblem(result.output), taskUuid: null };
}

/**
 * Validates the task with the same args and environment `task start` will use. An invalid task comes back as the
 * run to judge: no task was created, and its output is only the lines that say why (the full output is in the log).
 */
export async function validateTask(
  rally: Rally,
  taskFile: string,
  args: Record<string, unknown>,
  options: { logFile?: string; debugLogFile?: string; signal?: AbortSignal; now?: number } = {}
): Promise<Validation> {
  const now = options.now ?? Date.now();
  const known = validatedAt.get(rally) ?? new Map<string, number>();
  validatedAt.set(rally, known);
  const key = await fingerprint(rally, taskFile, args);
  const at = known.get(key);
  if (at !== undefined && now - at < VALIDATION_KEPT_MS) return { valid: true, cached: true };
  const result = await rally.validateTask(taskFile, args, options);
  if (result.exitCode === 0 && !result.killed) {
    known.set(key, now);
    return { valid: true, cached: false, ...(result.logError ? { logError: result.logError } : {}) };
  }
  known.delete(key);
  return { valid: false, run: rejected(result) };
}

/**
 * `rally task start`, validated first. A start Rally rejects anyway (an image deleted since it was validated) is
 * judged on the same condensed reason, and its validation forgotten.
 */
export async function startValidatedTask(
  rally: Rally,
  taskFile: string,
  args: Record<string, unknown>,
  options: Parameters<Rally['startTask']>[2]
): Promise<TaskRun> {
  const validation = await validateTask(rally, taskFile, args, {
    logFile: options.logFile,
    ...(options.debugLogFile ? { debugLogFile: options.debugLogFile } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!validation.valid) return validation.run;
  const started = await rally.startTask(taskFile, args, options);
  // Both write the same log: a part validation could not write leaves it incomplete however the start went.
  const logError = validation.logError ?? started.logError;
  const run = logError ? { ...started, logError } : started;
  if (run.exitCode === null || !REJECTED.has(run.exitCode)) return run;
  validatedAt.get(rally)?.delete(await fingerprint(rally, taskFile, args));
  return { ...rejected(run), taskUuid: run.taskUuid };
}
