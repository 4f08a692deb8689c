// The dataplane's data layer: TanStack Query over the app's Prometheus client (api/prometheusApi.ts), like the
// runner's (hooks/useRunner.ts). Both throw RunnerApiError only (prometheusApi converts, with source 'prometheus').
import { useQuery } from '@tanstack/react-query';

import { prometheusApi } from '../api/prometheusApi';
import { prometheusKeys } from '../data/queryKeys';
import { buildMatrix } from '../status/dataplane';
import { MATRIX_QUERIES, pairQueries, PairSelector } from '../status/dataplaneQueries';

/** The canaries probe every 10 s and Prometheus scrapes them about as often: no use reading the matrix faster. */
export const MATRIX_REFRESH_MS = 30_000;

/** The AZ x AZ matrix now (three instant queries), read again every 30 s while shown. */
export const useDataplaneMatrix = (uid: string) =>
  useQuery({
    queryKey: prometheusKeys.matrix(uid),
    queryFn: async () => {
      const [p95, probes, reachable] = await Promise.all([
        prometheusApi.query(uid, MATRIX_QUERIES.p95),
        prometheusApi.query(uid, MATRIX_QUERIES.probes),
        prometheusApi.query(uid, MATRIX_QUERIES.reachable),
      ]);
      return buildMatrix({ p95, probes, reachable });
    },
    refetchInterval: MATRIX_REFRESH_MS,
  });

/** About 200 points over the range, never finer than Prometheus's usual 15 s scrape. */
export function stepFor(from: number, to: number): number {
  return Math.max(15, Math.ceil((to - from) / 1000 / 200));
}

/** One pair's p95 and loss over a time range (range queries), when a pair is chosen. */
export const usePairHistory = (uid: string, pair: PairSelector | undefined, from: number, to: number) =>
  useQuery({
    queryKey: prometheusKeys.pair(
      uid,
      pair ?? { srcDatacenter: '', srcAz: '', dstDatacenter: '', dstAz: '' },
      from,
      to
    ),
    queryFn: async () => {
      const queries = pairQueries(pair!);
      const step = stepFor(from, to);
      const [p95, loss] = await Promise.all([
        prometheusApi.queryRange(uid, queries.p95, from, to, step),
        prometheusApi.queryRange(uid, queries.loss, from, to, step),
      ]);
      return { p95, loss };
    },
    enabled: pair !== undefined,
  });
