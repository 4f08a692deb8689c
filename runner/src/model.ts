// The runner's results model. docs/api.md documents these shapes for API clients; keep the two in step.
import type { ServiceName } from './services.js';

/**
 * `maintenance`: the service was tested in a maintenance window (maintenance/window.ts); Rally's own verdict is kept in
 * `underlying`, the window in `maintenance`. It never makes the cycle red and never alerts.
 */
export type ServiceState = 'pass' | 'fail' | 'error' | 'absent' | 'maintenance';
/** What Rally's results said of a service, whether or not a maintenance window covered it. */
export type JudgedState = 'pass' | 'fail' | 'error';
export type WorkloadState = 'pass' | 'fail' | 'error';
export type CycleStatus = 'pass' | 'fail' | 'error' | 'aborted' | 'timeout' | 'skipped';
export type CycleTrigger = 'schedule' | 'api' | 'cli' | 'recovery';

export const CYCLE_STATUSES: readonly CycleStatus[] = ['pass', 'fail', 'error', 'aborted', 'timeout', 'skipped'];

export interface Stats {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  max: number;
  mean: number;
}

export interface SlaCriterion {
  criterion: string;
  success: boolean;
  detail: string;
}

export interface IterationError {
  type: string;
  message: string;
  traceback: string;
  count: number;
}

/**
 * How an atomic action's p95 in this cycle compares with its own baseline (runner/src/baseline.ts):
 * `learning` too few earlier samples to judge; `usual`; `slow` above the threshold, for fewer consecutive cycles than
 * RALLY_MONITOR_REGRESSION_CYCLES; `regressed` slow for at least that many consecutive cycles.
 */
export type BaselineVerdict = 'learning' | 'usual' | 'slow' | 'regressed';

export const BASELINE_VERDICTS: readonly BaselineVerdict[] = ['learning', 'usual', 'slow', 'regressed'];

export interface ActionBaseline {
  verdict: BaselineVerdict;
  /** The earlier p95s of the window the baseline is made of. */
  samples: number;
  /** Their median, in seconds; null while learning. */
  medianSeconds: number | null;
  /** 1.4826 x their median absolute deviation (a standard deviation's robust stand-in); null while learning. */
  spreadSeconds: number | null;
  /** Slow above this: the larger of median x factor and median + spreads x spread; null while learning. */
  thresholdSeconds: number | null;
  /** Consecutive cycles, this one included, whose p95 was above the threshold (0 when this one was not). */
  slowCycles: number;
}

export interface AtomicAction {
  name: string;
  count: number;
  failures: number;
  durationSeconds: Stats | null;
  /** Absent when the action was not judged: no duration, failed iterations, or a record of an older runner. */
  baseline?: ActionBaseline;
}

/** One cycle's p95 of an atomic action, with the baseline it was judged against (null: not judged). */
export interface ActionTrendPoint {
  cycleId: string;
  /** When the cycle started. */
  at: string;
  p95Seconds: number;
  baseline: ActionBaseline | null;
}

/** An atomic action of a workload over the history, for drawing its duration against its baseline band. */
export interface ActionTrend {
  service: ServiceName;
  /** The workload's key (the metrics' `scenario` label). */
  workload: string;
  scenario: string;
  action: string;
  /** The baseline of the newest point; null when that one was not judged. */
  latest: ActionBaseline | null;
  /** Oldest first. */
  points: ActionTrendPoint[];
}

export interface ActionTrendsReport {
  actions: ActionTrend[];
}

export interface Workload {
  subtask: string;
  scenario: string;
  key: string;
  state: WorkloadState;
  reason?: string;
  iterations: number;
  failedIterations: number;
  passSla: boolean;
  sla: SlaCriterion[];
  startedAt: string | null;
  loadDurationSeconds: number;
  fullDurationSeconds: number;
  durationSeconds: Stats | null;
  atomicActions: AtomicAction[];
  errors: IterationError[];
}

export interface Artifacts {
  json: boolean;
  html: boolean;
  junit: boolean;
  log: boolean;
  /** Rally's --debug log (RALLY_MONITOR_RALLY_DEBUG=true); absent when Rally ran without --debug. */
  debugLog?: boolean;
}

/** A workload of the service's scenario file that was left out because something it needs is absent. */
export interface SkippedWorkload {
  scenario: string;
  reason: string;
}

export interface ServiceResult {
  service: ServiceName;
  state: ServiceState;
  reason?: string;
  taskUuid: string | null;
  taskStatus: string | null;
  rallyExitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  artifacts: Artifacts;
  workloads: Workload[];
  /** Present when workloads were left out this cycle. */
  skipped?: SkippedWorkload[];
  /**
   * Present when Rally's log (artifact `log`) could not be written completely, e.g. on a full disk: "Rally's log could
   * not be written completely: <error>". Rally itself ran on; the state is judged from its report as ever.
   */
  logProblem?: string;
  /** With state `maintenance`: the verdict Rally's results gave (the evidence stays in the workloads and artifacts). */
  underlying?: JudgedState;
  /** With state `maintenance`: the window that covered the service's task. */
  maintenance?: MaintenanceNote;
}

/** The maintenance window a result was recorded under, as the result keeps it. */
export interface MaintenanceNote {
  id: string;
  reason: string;
  start: string;
  end: string;
}

export interface Cycle {
  id: string;
  cloud: string;
  region: string;
  trigger: CycleTrigger;
  status: CycleStatus;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  services: ServiceResult[];
}

/** A cycle without its workloads' details, as the history lists it. */
export type CycleSummary = Omit<Cycle, 'cloud' | 'region' | 'services'> & {
  services: Array<
    Pick<ServiceResult, 'service' | 'state' | 'reason' | 'durationSeconds' | 'underlying' | 'maintenance'>
  >;
};

export interface HistoryPage {
  items: CycleSummary[];
  nextCursor: string | null;
  total: number;
}

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  reason?: string;
  running: boolean;
  lastCycleId: string | null;
  lastCycleFinishedAt: string | null;
  staleAfterSeconds: number;
}

export const NO_ARTIFACTS: Artifacts = { json: false, html: false, junit: false, log: false };

/**
 * The cycle's status from its services: a failing service outweighs one the monitor could not test. A service in
 * maintenance counts as neither, whatever Rally said of it (a cycle of services all in maintenance passes).
 */
export function cycleStatusOf(services: readonly ServiceResult[]): 'pass' | 'fail' | 'error' {
  if (services.some((s) => s.state === 'fail')) return 'fail';
  if (services.some((s) => s.state === 'error')) return 'error';
  return 'pass';
}
