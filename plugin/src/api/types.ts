// The runner's JSON shapes, as documented in docs/api.md (runner/src/model.ts is their source).

export const SERVICE_NAMES = ['keystone', 'nova', 'neutron', 'glance', 'cinder', 'swift', 'placement'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export const CYCLE_STATUSES = ['pass', 'fail', 'error', 'aborted', 'timeout', 'skipped'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

// The results model is written once, in the runner; the plugin takes its types (type-only: nothing of the runner
// is bundled).
export type {
  AtomicAction,
  Cycle,
  CycleSummary,
  HealthReport as Health,
  HistoryPage,
  IterationError,
  ServiceResult,
  ServiceState,
  SkippedWorkload,
  SlaCriterion,
  Stats,
  Workload,
} from '../../../runner/src/model';

/** The client's side of GET /api/history's query (times in epoch milliseconds). */
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

// The cleanup monitor (docs/api.md): the runner's own types.
export type { Leak } from '../../../runner/src/cleanup/leak';
export type { AuditEntry } from '../../../runner/src/cleanup/audit';
export type { CleanupReport, PurgeOutcome, PurgeScope, ServiceScan } from '../../../runner/src/cleanup/report';
