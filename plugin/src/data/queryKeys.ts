import type { HistoryQuery, ServiceName } from '../api/types';
import type { PairSelector } from '../status/dataplaneQueries';

/**
 * Query keys per runner resource (grafana/synthetic-monitoring-app keeps a `queryKeys` object per resource the same
 * way). They nest, so one invalidation reaches every variant: `history()` covers every range, page and service.
 */
export const runnerKeys = {
  all: () => ['runner'] as const,
  health: () => ['runner', 'health'] as const,
  latest: () => ['runner', 'results'] as const,
  history: () => ['runner', 'history'] as const,
  historyRange: (from: number, to: number) => ['runner', 'history', 'range', { from, to }] as const,
  historyPage: (query: HistoryQuery) => ['runner', 'history', 'page', query] as const,
  serviceHistory: (service: ServiceName, from: number, to: number, limit: number) =>
    ['runner', 'history', 'service', { service, from, to, limit }] as const,
  baselines: (service: ServiceName) => ['runner', 'baselines', service] as const,
  runs: () => ['runner', 'run'] as const,
  run: (id: string) => ['runner', 'run', id] as const,
  report: (id: string, service: ServiceName) => ['runner', 'run', id, 'report', service] as const,
  cleanup: () => ['runner', 'cleanup'] as const,
  cleanupReport: () => ['runner', 'cleanup', 'report'] as const,
  audit: () => ['runner', 'cleanup', 'audit'] as const,
  maintenance: () => ['runner', 'maintenance'] as const,
};

/** Keys of the answers of the app's Prometheus data source, per data source uid. */
export const prometheusKeys = {
  all: (uid: string) => ['prometheus', uid] as const,
  matrix: (uid: string) => ['prometheus', uid, 'dataplane-matrix'] as const,
  pair: (uid: string, pair: PairSelector, from: number, to: number) =>
    ['prometheus', uid, 'dataplane-pair', { ...pair, from, to }] as const,
};
