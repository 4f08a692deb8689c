import { useState } from 'react';

import { RunnerApiError, toRunnerError } from '../api/errors';
import { runnerApi } from '../api/runnerApi';
import type { HistoryQuery, PurgeOutcome, PurgeScope, RunStarted, ServiceName } from '../api/types';
import { useRunnerQuery } from './useRunnerQuery';

export const useHealth = () => useRunnerQuery('health', runnerApi.health);

export const useLatestCycle = () => useRunnerQuery('results', runnerApi.latestCycle);

export const useRun = (id: string | undefined) => useRunnerQuery(id ? `run:${id}` : null, () => runnerApi.run(id!));

/** Every cycle of a time range (following cursors), for timelines and uptime. */
export const useHistoryRange = (from: number, to: number) =>
  useRunnerQuery(`range:${from}:${to}`, () => runnerApi.historyRange({ from, to }));

/** One page of the history, for the Runs table. */
export const useHistoryPage = (query: HistoryQuery) =>
  useRunnerQuery(`page:${JSON.stringify(query)}`, () => runnerApi.history(query));

export interface Mutation<T, A extends unknown[] = []> {
  run: (...args: A) => Promise<T | undefined>;
  running: boolean;
  result?: T;
  error?: RunnerApiError;
  reset: () => void;
}

function useMutation<T, A extends unknown[] = []>(action: (...args: A) => Promise<T>): Mutation<T, A> {
  const [state, setState] = useState<{ running: boolean; result?: T; error?: RunnerApiError }>({ running: false });
  const run = async (...args: A) => {
    setState({ running: true });
    try {
      const result = await action(...args);
      setState({ running: false, result });
      return result;
    } catch (e) {
      setState({ running: false, error: toRunnerError(e) });
      return undefined;
    }
  };
  return { ...state, run, reset: () => setState({ running: false }) };
}

export const useStartRun = (): Mutation<RunStarted> => useMutation(runnerApi.startRun);

export const usePurge = (): Mutation<PurgeOutcome, [boolean, PurgeScope]> => useMutation(runnerApi.purge);

export const useCleanupReport = () => {
  const [refresh, setRefresh] = useState(0);
  const query = useRunnerQuery(`cleanup:${refresh}`, () => runnerApi.cleanup(refresh > 0));
  return { ...query, scanNow: () => setRefresh((n) => n + 1) };
};

export const useAudit = () => useRunnerQuery('audit', () => runnerApi.audit(100));

/** The service's recent cycles with full details (newest first), for latency over time. */
export const useServiceRuns = (service: ServiceName, from: number, to: number, maxRuns = 24) =>
  useRunnerQuery(`service-runs:${service}:${from}:${to}:${maxRuns}`, async () => {
    const page = await runnerApi.history({ service, from, to, limit: maxRuns });
    const runs = await Promise.allSettled(page.items.map((item) => runnerApi.run(item.id)));
    const loaded = runs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    // A run pruned between the two requests only thins the chart; nothing loaded at all is an error.
    const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (loaded.length === 0 && failed) {
      throw failed.reason;
    }
    return loaded;
  });
