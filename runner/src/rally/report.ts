// Turns Rally's JSON report (`rally task report --json`, format 1.2) into the runner's workload model.
// Rally's own verdicts are kept (pass_sla, sla criteria); durations are recomputed from the iterations so the
// statistics mean the same thing for every workload whatever Rally's version summarises.
import type { AtomicAction, IterationError, SlaCriterion, Workload, WorkloadState } from '../model.js';
import { computeStats } from '../stats.js';

const MAX_DISTINCT_ERRORS = 5;

interface RallyAtomicAction {
  name: string;
  started_at: number;
  finished_at: number | null;
  failed?: boolean;
}

interface RallyIteration {
  duration: number;
  timestamp: number;
  error: string[];
  atomic_actions: RallyAtomicAction[];
}

interface RallyWorkload {
  scenario: Record<string, unknown>;
  pass_sla: boolean;
  sla_results?: { sla?: SlaCriterion[] };
  total_iteration_count: number;
  failed_iteration_count: number;
  load_duration: number;
  full_duration: number;
  start_time: number | null;
  data: RallyIteration[];
}

interface RallySubtask {
  title: string;
  workloads: RallyWorkload[];
}

export interface RallyTask {
  uuid: string;
  status: string;
  pass_sla: boolean;
  subtasks: RallySubtask[];
}

export interface ParsedReport {
  taskUuid: string;
  taskStatus: string;
  workloads: Workload[];
}

export class ReportFormatError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the report text of ONE task (the runner runs one task per service). */
export function parseReport(text: string): ParsedReport {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ReportFormatError(`Rally report is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(document) || !Array.isArray(document.tasks) || document.tasks.length !== 1) {
    throw new ReportFormatError('Rally report must have exactly one entry in "tasks"');
  }
  const task = document.tasks[0] as RallyTask;
  if (!isObject(task) || typeof task.uuid !== 'string' || !Array.isArray(task.subtasks)) {
    throw new ReportFormatError('Rally report task lacks "uuid" or "subtasks"');
  }
  const workloads: Workload[] = [];
  const seenScenarios = new Map<string, number>();
  for (const subtask of task.subtasks) {
    for (const raw of subtask.workloads ?? []) {
      const scenario = Object.keys(raw.scenario ?? {})[0] ?? 'unknown';
      const occurrence = (seenScenarios.get(scenario) ?? 0) + 1;
      seenScenarios.set(scenario, occurrence);
      workloads.push(
        parseWorkload(subtask.title ?? '', scenario, occurrence === 1 ? scenario : `${scenario}#${occurrence}`, raw)
      );
    }
  }
  return { taskUuid: task.uuid, taskStatus: String(task.status), workloads };
}

function parseWorkload(subtask: string, scenario: string, key: string, raw: RallyWorkload): Workload {
  const iterations = raw.data ?? [];
  const sla = (raw.sla_results?.sla ?? []).map((c) => ({
    criterion: String(c.criterion),
    success: Boolean(c.success),
    detail: String(c.detail ?? ''),
  }));
  const failedIterations = iterations.filter((it) => it.error && it.error.length > 0).length;
  const workload: Workload = {
    subtask,
    scenario,
    key,
    state: 'pass',
    iterations: iterations.length,
    failedIterations,
    passSla: Boolean(raw.pass_sla),
    sla,
    startedAt: typeof raw.start_time === 'number' ? new Date(raw.start_time * 1000).toISOString() : null,
    loadDurationSeconds: Number(raw.load_duration ?? 0),
    fullDurationSeconds: Number(raw.full_duration ?? 0),
    durationSeconds: computeStats(iterations.map((it) => it.duration)),
    atomicActions: atomicActionsOf(iterations),
    errors: distinctErrors(iterations),
  };
  const verdict = judgeWorkload(workload);
  workload.state = verdict.state;
  if (verdict.reason) workload.reason = verdict.reason;
  return workload;
}

function firstLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .slice(0, 500);
}

/**
 * A workload that ran no iteration is the monitor's error (bad arguments, missing image): Rally marks it with
 * the `something_went_wrong` criterion. Failed iterations or a breached SLA mean the cloud answered wrongly.
 */
export function judgeWorkload(w: Pick<Workload, 'iterations' | 'failedIterations' | 'passSla' | 'sla' | 'errors'>): {
  state: WorkloadState;
  reason?: string;
} {
  if (w.iterations === 0) {
    const wrong = w.sla.find((c) => !c.success && c.criterion === 'something_went_wrong');
    return { state: 'error', reason: wrong ? firstLine(wrong.detail) : 'no iteration ran' };
  }
  if (w.failedIterations > 0) {
    const first = w.errors[0];
    const what = first ? `${first.type}: ${first.message}` : 'iterations failed';
    return { state: 'fail', reason: firstLine(`${w.failedIterations} of ${w.iterations} iterations failed: ${what}`) };
  }
  if (!w.passSla) {
    const breached = w.sla.find((c) => !c.success);
    return {
      state: 'fail',
      reason: firstLine(
        `SLA breached: ${breached ? `${breached.criterion}: ${breached.detail}` : 'unknown criterion'}`
      ),
    };
  }
  return { state: 'pass' };
}

function atomicActionsOf(iterations: readonly RallyIteration[]): AtomicAction[] {
  const byName = new Map<string, { durations: number[]; count: number; failures: number }>();
  for (const iteration of iterations) {
    for (const action of iteration.atomic_actions ?? []) {
      let entry = byName.get(action.name);
      if (!entry) {
        entry = { durations: [], count: 0, failures: 0 };
        byName.set(action.name, entry);
      }
      entry.count += 1;
      if (action.failed) entry.failures += 1;
      if (typeof action.finished_at === 'number') entry.durations.push(action.finished_at - action.started_at);
    }
  }
  return [...byName].map(([name, e]) => ({
    name,
    count: e.count,
    failures: e.failures,
    durationSeconds: computeStats(e.durations),
  }));
}

function distinctErrors(iterations: readonly RallyIteration[]): IterationError[] {
  const byKey = new Map<string, IterationError>();
  for (const iteration of iterations) {
    if (!iteration.error || iteration.error.length === 0) continue;
    const [type = 'Error', message = '', traceback = ''] = iteration.error;
    // Python puts object addresses in messages ("<... object at 0x7f40...>"): the same error, told apart by them.
    const key = `${type}\u0000${message.replace(/0x[0-9a-f]+/gi, '0x')}`;
    const known = byKey.get(key);
    if (known) known.count += 1;
    else if (byKey.size < MAX_DISTINCT_ERRORS) byKey.set(key, { type, message, traceback, count: 1 });
  }
  return [...byKey.values()];
}
