// The runner's results model. docs/api.md documents these shapes for API clients; keep the two in step.
import type { ServiceName } from './services.js';

export type ServiceState = 'pass' | 'fail' | 'error' | 'absent';
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

export interface AtomicAction {
  name: string;
  count: number;
  failures: number;
  durationSeconds: Stats | null;
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
  services: Array<Pick<ServiceResult, 'service' | 'state' | 'reason' | 'durationSeconds'>>;
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

/** The cycle's status from its services: a failing service outweighs one the monitor could not test. */
export function cycleStatusOf(services: readonly ServiceResult[]): 'pass' | 'fail' | 'error' {
  if (services.some((s) => s.state === 'fail')) return 'fail';
  if (services.some((s) => s.state === 'error')) return 'error';
  return 'pass';
}
