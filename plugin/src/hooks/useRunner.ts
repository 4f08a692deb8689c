import { useState } from 'react';

import { runnerApi, RunnerApiError, toRunnerError } from '../api/runnerApi';
import type { HistoryQuery, RunStarted, ServiceName } from '../api/types';
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

export interface Mutation<T> {
  run: () => Promise<T | undefined>;
  running: boolean;
  result?: T;
  error?: RunnerApiError;
}

function useMutation<T>(action: () => Promise<T>): Mutation<T> {
  const [state, setState] = useState<{ running: boolean; result?: T; error?: RunnerApiError }>({ running: false });
  const run = async () => {
    setState({ running: true });
    try {
      const result = await action();
      setState({ running: false, result });
      return result;
    } catch (e) {
      setState({ running: false, error: toRunnerError(e) });
      return undefined;
    }
  };
  return { ...state, run };
}

export const useStartRun = (): Mutation<RunStarted> => useMutation(runnerApi.startRun);

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
