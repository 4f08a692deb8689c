// The runner's JSON shapes, as documented in docs/api.md (runner/src/model.ts is their source).

export const SERVICE_NAMES = ['keystone', 'nova', 'neutron', 'glance', 'cinder', 'swift', 'placement'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export type ServiceState = 'pass' | 'fail' | 'error' | 'absent';
export const CYCLE_STATUSES = ['pass', 'fail', 'error', 'aborted', 'timeout', 'skipped'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

export interface Health {
  status: 'ok' | 'unhealthy';
  reason?: string;
  running: boolean;
  lastCycleId: string | null;
  lastCycleFinishedAt: string | null;
  staleAfterSeconds: number;
}

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
  state: 'pass' | 'fail' | 'error';
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
  artifacts: { json: boolean; html: boolean; junit: boolean; log: boolean };
  workloads: Workload[];
  /** Workloads left out because what they need is absent (never run, never counted as failed). */
  skipped?: { scenario: string; reason: string }[];
}

export interface Cycle {
  id: string;
  cloud: string;
  region: string;
  trigger: 'schedule' | 'api' | 'cli' | 'recovery';
  status: CycleStatus;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  services: ServiceResult[];
}

export interface CycleSummaryService {
  service: ServiceName;
  state: ServiceState;
  reason?: string;
  durationSeconds: number | null;
}

export interface CycleSummary {
  id: string;
  trigger: Cycle['trigger'];
  status: CycleStatus;
  reason?: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  services: CycleSummaryService[];
}

export interface HistoryPage {
  items: CycleSummary[];
  nextCursor: string | null;
  total: number;
}

export interface HistoryQuery {
  from?: number;
  to?: number;
  service?: ServiceName;
  state?: CycleStatus;
  limit?: number;
  cursor?: string;
}

export interface RunStarted {
  id: string;
  status: 'running';
}

export interface RunnerErrorBody {
  error: string;
  code: string;
  runningId?: string;
}

// The cleanup monitor (docs/api.md).
export interface Leak {
  service: ServiceName;
  type: string;
  id: string;
  name: string;
  project: string | null;
  userId: string | null;
  createdAt: string | null;
  firstSeenAt: string;
  ageSeconds: number;
  taskPrefix: string;
  taskUuid: string | null;
  runId: string | null;
}

export interface ServiceScan {
  service: ServiceName;
  state: 'ok' | 'failed' | 'absent';
  error?: string;
  types: Array<{ type: string; state: 'ok' | 'failed' | 'unavailable'; count: number; error?: string }>;
}

export interface CleanupReport {
  scannedAt: string;
  durationSeconds: number;
  minAgeSeconds: number;
  services: ServiceScan[];
  leaks: Leak[];
}

export interface PurgeScope {
  services?: ServiceName[];
  types?: string[];
  runId?: string;
  /** Resource ids as a dry run listed them: a confirmation then deletes nothing it did not show. */
  ids?: string[];
}

export interface PurgeOutcome {
  dryRun: boolean;
  scope: PurgeScope;
  minAgeSeconds: number;
  scannedAt: string;
  candidates: Leak[];
  tooYoung: Leak[];
  failedServices: ServiceName[];
  results: Array<{ leak: Leak; outcome: 'deleted' | 'failed'; error?: string }>;
}

export interface AuditEntry {
  at: string;
  outcome: 'deleted' | 'failed';
  service: ServiceName;
  type: string;
  id: string;
  name: string;
  project: string | null;
  runId: string | null;
  taskPrefix: string;
  trigger: 'api' | 'cli';
  error?: string;
}
