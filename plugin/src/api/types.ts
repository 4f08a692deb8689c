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

// The results model is written once, in the runner; the plugin takes its types (type-only: nothing of the runner
// is bundled).
export type { AtomicAction, Cycle, IterationError, ServiceResult, SlaCriterion, Stats, Workload } from '../../../runner/src/model';
import type { Cycle } from '../../../runner/src/model';

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

// The cleanup monitor (docs/api.md). Leaks and audit entries are the runner's own types.
export type { Leak } from '../../../runner/src/cleanup/leak';
export type { AuditEntry } from '../../../runner/src/cleanup/audit';
import type { Leak } from '../../../runner/src/cleanup/leak';

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

