// Decides a service's state from everything one Rally task left behind. Rally's exit code alone is not enough
// (0, 2 and 110 were all seen, and a crashed task still says pass_sla: true), so the report is read first and the
// start log explains what the report cannot.
import type { JudgedState, Workload } from '../model.js';
import type { ServiceName } from '../services.js';

export const ANSI = /\u001b\[[0-9;]*m|\[0{2}m/g;

/** The one line of `rally task start` output that says why a task could not run, if any. */
export function crashReasonFromLog(log: string): string | null {
  const lines = log
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // "Validation error: One or several platforms are not available ... Check logs for more details." says no why;
  // the platform's own line, logged just before it, does.
  if (lines.some((line) => /^Validation error: One or several platforms are not available/.test(line))) {
    const platform = lines.map((line) => /Platform (\S+) \(available: False\): (.+)$/.exec(line)).find(Boolean);
    if (platform) return `Rally found the cloud unavailable (${platform[1]}): ${platform[2]}`.slice(0, 500);
  }
  const patterns = [
    /^Validation error: (.+)$/,
    /(Unable to setup context '[^']+': .+)$/,
    /(Task config is invalid: .+)$/,
    /ERROR rally[\w.]* \[[^\]]*\] (.+)$/,
    /^(Error: .+)$/,
    /^(Invalid task: .+)$/,
  ];
  for (const pattern of patterns) {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match?.[1]) return match[1].slice(0, 500);
    }
  }
  return null;
}

// Signs that the cloud endpoint itself did not answer, as opposed to the monitor being misconfigured.
const UNREACHABLE =
  /platforms are not available|Unable to establish connection|Connection refused|ConnectFailure|Could not find versioned identity endpoints|Service Unavailable|50[234]\b|timed out/i;

export interface TaskOutcome {
  service: ServiceName;
  exitCode: number | null;
  taskStatus: string | null;
  workloads: Workload[];
  log: string;
  /** The endpoint URLs the catalog gives for this service, used to tell "this service is down" from "something else is". */
  endpointUrls: readonly string[];
  timedOut: boolean;
  aborted: boolean;
}

export function serviceVerdict(outcome: TaskOutcome): { state: JudgedState; reason?: string } {
  if (outcome.aborted) return { state: 'error', reason: 'the cycle was aborted while this task ran (runner stopping)' };
  if (outcome.timedOut) return { state: 'error', reason: 'the cycle timed out while this task ran; Rally was killed' };

  const { workloads } = outcome;
  const ranAny = workloads.some((w) => w.iterations > 0);
  if (workloads.length > 0 && ranAny) {
    const failed = workloads.find((w) => w.state === 'fail');
    if (failed) return { state: 'fail', reason: `${failed.key}: ${failed.reason ?? 'failed'}` };
    const errored = workloads.find((w) => w.state === 'error');
    if (errored) return { state: 'error', reason: `${errored.key}: ${errored.reason ?? 'could not run'}` };
    if (outcome.taskStatus && outcome.taskStatus !== 'finished') {
      return { state: 'error', reason: `Rally task ended as ${outcome.taskStatus}` };
    }
    return { state: 'pass' };
  }

  // Nothing ran: the task crashed, failed validation, or every workload was rejected.
  const fromLog = crashReasonFromLog(outcome.log);
  const fromWorkload = workloads.find((w) => w.reason)?.reason;
  const reason = fromLog ?? fromWorkload ?? describeExit(outcome);
  if (causedByThisService(outcome, reason)) return { state: 'fail', reason };
  return { state: 'error', reason };
}

function describeExit(outcome: TaskOutcome): string {
  const status = outcome.taskStatus ? `task ${outcome.taskStatus}` : 'no task was created';
  return `Rally exited with code ${outcome.exitCode ?? 'unknown'} (${status}) and gave no reason`;
}

function causedByThisService(outcome: TaskOutcome, reason: string): boolean {
  if (!UNREACHABLE.test(reason) && !UNREACHABLE.test(outcome.log)) return false;
  // Rally authenticates against Keystone before anything else, so an unreachable cloud is Keystone's failure;
  // another service only fails when the reason names its own endpoint.
  if (outcome.service === 'keystone') return true;
  return outcome.endpointUrls.some((url) => url && reason.includes(new URL(url).host));
}
