// The pages' data layer: TanStack Query over the one runner client (api/runnerApi.ts), one QueryClient
// (data/queryClient.ts), keys per resource (data/queryKeys.ts). Patterns from grafana/synthetic-monitoring-app
// (src/data/useChecks.ts): a hook per resource, mutations that invalidate what they change.
import { useEffect, useRef } from 'react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';

import { RunnerApiError, toRunnerError } from '../api/errors';
import { runnerApi } from '../api/runnerApi';
import type { Cycle, HistoryQuery, MaintenanceRequest, PurgeScope, ServiceName } from '../api/types';
import { runnerKeys } from '../data/queryKeys';

declare module '@tanstack/react-query' {
  interface Register {
    // Every query and mutation function below throws RunnerApiError only (runnerApi's request converts; `runner` too).
    defaultError: RunnerApiError;
  }
}

/** A query function whose failures are always RunnerApiError, whatever threw. */
function runner<T>(load: () => Promise<T>): () => Promise<T> {
  return () =>
    load().catch((e: unknown) => {
      throw toRunnerError(e);
    });
}

/**
 * The runner's health, read again every few seconds while a cycle runs (the health key's default, see
 * createQueryClient). When a running cycle ends, what it changed is read again: the latest cycle and the history;
 * `onCycleEnd` lets a page do more (a relative time range needs a new "now" to include the new run).
 */
export function useHealth({ onCycleEnd }: { onCycleEnd?: () => void } = {}) {
  const client = useQueryClient();
  const health = useQuery({ queryKey: runnerKeys.health(), queryFn: runner(runnerApi.health) });
  const running = health.data?.running;
  const wasRunning = useRef(running);
  // The latest callback, kept out of render (React reads refs in effects only).
  const onCycleEndRef = useRef(onCycleEnd);
  useEffect(() => {
    onCycleEndRef.current = onCycleEnd;
  });
  useEffect(() => {
    if (wasRunning.current && running === false) {
      client.invalidateQueries({ queryKey: runnerKeys.latest() });
      client.invalidateQueries({ queryKey: runnerKeys.history() });
      client.invalidateQueries({ queryKey: ['runner', 'baselines'] });
      onCycleEndRef.current?.();
    }
    wasRunning.current = running;
  }, [client, running]);
  return health;
}

export const useLatestCycle = () => useQuery({ queryKey: runnerKeys.latest(), queryFn: runner(runnerApi.latestCycle) });

const runQuery = (id: string) => ({ queryKey: runnerKeys.run(id), queryFn: runner(() => runnerApi.run(id)) });

/** One run, from the cache every page shares: a run the Service page already read is not read again. */
export const useRun = (id: string | undefined) => useQuery({ ...runQuery(id ?? ''), enabled: id !== undefined });

/** Each atomic action of the service against its own baseline, over the runner's history. */
export const useBaselines = (service: ServiceName) =>
  useQuery({ queryKey: runnerKeys.baselines(service), queryFn: runner(() => runnerApi.baselines(service)) });

/** Every cycle of a time range (following cursors), for timelines and uptime. */
export const useHistoryRange = (from: number, to: number) =>
  useQuery({
    queryKey: runnerKeys.historyRange(from, to),
    queryFn: runner(() => runnerApi.historyRange({ from, to })),
  });

/** One page of the history, for the Runs table. */
export const useHistoryPage = (query: HistoryQuery) =>
  useQuery({ queryKey: runnerKeys.historyPage(query), queryFn: runner(() => runnerApi.history(query)) });

export interface ServiceRuns {
  /** The service's recent cycles with full details, newest first; undefined until the list and its runs are read. */
  data?: Cycle[];
  error: RunnerApiError | null;
  isPending: boolean;
  refetch: () => void;
}

/** The service's recent cycles with full details (newest first), for latency over time; each run from its own cache. */
export function useServiceRuns(service: ServiceName, from: number, to: number, maxRuns = 24): ServiceRuns {
  const page = useQuery({
    queryKey: runnerKeys.serviceHistory(service, from, to, maxRuns),
    queryFn: runner(() => runnerApi.history({ service, from, to, limit: maxRuns })),
  });
  const runs = useQueries({ queries: (page.data?.items ?? []).map((item) => runQuery(item.id)) });
  if (page.error || page.isPending) {
    return { error: page.error, isPending: page.isPending, refetch: () => void page.refetch() };
  }
  const refetch = () => {
    void page.refetch();
    runs.filter((r) => r.isError).forEach((r) => void r.refetch());
  };
  if (runs.some((r) => r.isPending)) {
    return { error: null, isPending: true, refetch };
  }
  const loaded = runs.flatMap((r) => (r.data ? [r.data] : []));
  // A run pruned between the two requests only thins the chart; nothing loaded at all is an error.
  const failed = runs.find((r) => r.error);
  if (loaded.length === 0 && failed) {
    return { error: failed.error, isPending: false, refetch };
  }
  return { data: loaded, error: null, isPending: false, refetch };
}

/** "Run now": the health is read again at once, so the page follows the cycle it started (or the one running). */
export function useStartRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: runner(runnerApi.startRun),
    // Not awaited: the mutation is done when the runner accepted it, whatever the health read takes.
    onSettled: () => {
      void client.invalidateQueries({ queryKey: runnerKeys.health() });
    },
  });
}

/** The runner's maintenance windows (upcoming, active, and recently over). */
export const useMaintenanceWindows = () =>
  useQuery({ queryKey: runnerKeys.maintenance(), queryFn: runner(runnerApi.maintenance) });

/** Declaring or cancelling a window changes the list, and the results' states from the next cycle on. */
export function useDeclareMaintenance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (window: MaintenanceRequest) => runner(() => runnerApi.declareMaintenance(window))(),
    onSuccess: () => void client.invalidateQueries({ queryKey: runnerKeys.maintenance() }),
  });
}

export function useCancelMaintenance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => runner(() => runnerApi.cancelMaintenance(id))(),
    onSettled: () => void client.invalidateQueries({ queryKey: runnerKeys.maintenance() }),
  });
}

export interface PurgeRequest {
  confirm: boolean;
  scope: PurgeScope;
}

/** A purge's dry run changes nothing; a confirmed purge invalidates the leak report and the audit log. */
export function usePurge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ confirm, scope }: PurgeRequest) => runner(() => runnerApi.purge(confirm, scope))(),
    // Also after an error: a purge whose answer was lost may still have deleted some resources.
    onSettled: (_data, _error, { confirm }) => {
      if (confirm) {
        void client.invalidateQueries({ queryKey: runnerKeys.cleanup() });
      }
    },
  });
}

/** The latest leak scan; "Scan now" asks the runner to scan and puts the answer in the same cache entry. */
export function useCleanupReport() {
  const client = useQueryClient();
  const report = useQuery({ queryKey: runnerKeys.cleanupReport(), queryFn: runner(() => runnerApi.cleanup(false)) });
  const scan = useMutation({
    mutationFn: runner(() => runnerApi.cleanup(true)),
    onSuccess: (data) => client.setQueryData(runnerKeys.cleanupReport(), data),
  });
  return {
    ...report,
    error: scan.error ?? report.error,
    scanning: scan.isPending || report.isFetching,
    scanNow: () => scan.mutate(),
  };
}

export const useAudit = () => useQuery({ queryKey: runnerKeys.audit(), queryFn: runner(() => runnerApi.audit(100)) });
