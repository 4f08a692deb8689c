// `rally task validate` before `rally task start`: a configured image or flavor that does not exist, a missing
// network or a bad task argument is then the monitor's error, with Rally's own reason in one line, rather than a
// red service. Rally's validation output runs to pages (the rendered task, INFO lines, a JSON dump of the workload);
// only the lines that say why are handed on.
import type { Rally, TaskRun } from './rally.js';

const ANSI = /\u001b\[[0-9;]*m|\[0{2}m/g;

function lines(output: string): string[] {
  return output.replace(ANSI, '').split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Rally prints resource references as JSON (`Image '{"name": "cirros"}' not found`); people say `image 'cirros'`. */
function readable(text: string): string {
  return text.replace(/'\{"name": "([^"]*)"\}'/g, "'$1'").replace(/^(Image|Flavor|Network) '/, (_, kind: string) => `${kind.toLowerCase()} '`);
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
  const known = all.find((line) => /^(Task config is invalid: |Invalid task: |Error: )/.test(line) || /Please specify (next )?template task argument/.test(line));
  if (known) return known.startsWith('Please') ? `Invalid task: ${known}` : known;
  return `Error: rally task validate failed: ${all.slice(-3).join(' | ')}`.slice(0, 500);
}

export type Validation = { valid: true } | { valid: false; run: TaskRun };

/**
 * Validates the task with the same args and environment `task start` will use. An invalid task comes back as the
 * run to judge: no task was created, and its output is only the lines that say why (the full output is in the log).
 */
export async function validateTask(
  rally: Rally,
  taskFile: string,
  args: Record<string, unknown>,
  options: { logFile?: string; signal?: AbortSignal } = {},
): Promise<Validation> {
  const result = await rally.validateTask(taskFile, args, options);
  if (result.exitCode === 0 && !result.killed) return { valid: true };
  return { valid: false, run: { ...result, output: result.killed ? result.output : validationProblem(result.output), taskUuid: null } };
}
