// The runner's JSON shapes, as documented in docs/api.md (runner/src/model.ts is their source).

import type { CycleStatus as RunnerCycleStatus } from '../../../runner/src/model';
import type { ServiceName as RunnerServiceName } from '../../../runner/src/services';

// The plugin needs these lists at run time, and bundles nothing of the runner; the compiler holds each to the
// runner's own type, both ways, so a service or status added on one side only fails the typecheck.
export const SERVICE_NAMES = ['keystone', 'nova', 'neutron', 'glance', 'cinder', 'swift', 'placement'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export const CYCLE_STATUSES = ['pass', 'fail', 'error', 'aborted', 'timeout', 'skipped'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const RUNNER_TYPES_MATCH: [
  SameUnion<ServiceName, RunnerServiceName>,
  SameUnion<CycleStatus, RunnerCycleStatus>,
] = [true, true];

// The results model is written once, in the runner; the plugin takes its types (type-only: nothing of the runner
// is bundled).
export type {
  ActionBaseline,
  ActionTrend,
  ActionTrendPoint,
  ActionTrendsReport,
  AtomicAction,
  BaselineVerdict,
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

// Maintenance windows (docs/api.md): the runner's own type, as GET /api/maintenance shows it.
export type { WindowView as MaintenanceWindow } from '../../../runner/src/maintenance/window';

/** The body of POST /api/maintenance. */
export interface MaintenanceRequest {
  services: ServiceName[];
  start?: string;
  end: string;
  reason: string;
}

// The cleanup monitor (docs/api.md): the runner's own types.
export type { Leak } from '../../../runner/src/cleanup/leak';
export type { AuditEntry } from '../../../runner/src/cleanup/audit';
export type {
  CleanupAnswer,
  CleanupReport,
  LeftOut,
  LeftOutReason,
  PurgeOutcome,
  PurgeScope,
  ServiceScan,
} from '../../../runner/src/cleanup/report';
