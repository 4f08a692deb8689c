import { QueryClient } from '@tanstack/react-query';

import { runnerKeys } from './queryKeys';

/** How often the runner's health is read again while a cycle runs, so "Run now" shows progress and then the run. */
export const CYCLE_POLL_MS = 5_000;

export interface QueryClientOptions {
  cyclePollMs?: number;
}

/**
 * The app's one QueryClient, as grafana/synthetic-monitoring-app sets up its own (src/data/queryClient.ts): retry
 * off, because a runner error is an answer the page shows with its fix (RunnerErrorAlert), not a fault to hide by
 * asking three more times. Polling while a cycle runs is a default of the health query, so tests can shorten it.
 */
export function createQueryClient({ cyclePollMs = CYCLE_POLL_MS }: QueryClientOptions = {}): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  client.setQueryDefaults(runnerKeys.health(), {
    refetchInterval: (query) =>
      (query.state.data as { running?: boolean } | undefined)?.running ? cyclePollMs : false,
  });
  // A finished cycle never changes: one cache entry per run, read once, shared by every page that shows it.
  client.setQueryDefaults(runnerKeys.runs(), { staleTime: Infinity });
  return client;
}

export const queryClient = createQueryClient();
