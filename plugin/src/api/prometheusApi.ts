// The app's one client of its Prometheus data source, for the canary metrics (Dataplane page, Overview lane).
// Requests go through Grafana's data source proxy, GET /api/datasources/proxy/uid/<uid>/<Prometheus API path>
// (grafana/grafana pkg/api/api.go registers it; pkg/services/datasourceproxy ProxyDatasourceRequestWithUID), so
// Grafana adds the data source's URL, authentication and TLS and the browser never needs to reach Prometheus.
// Only GET: pkg/api/pluginproxy/ds_proxy.go validateRequest refuses "non allow-listed POSTs" on a proxied
// Prometheus data source, and GET /api/v1/query and /api/v1/query_range are Prometheus's own API
// (https://prometheus.io/docs/prometheus/latest/querying/api/).
import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';

import { isFetchError, RunnerApiError } from './errors';

/** The uid provisioning/datasources/prometheus.yaml gives the Prometheus that scrapes the runner and the canaries. */
export const DEFAULT_PROMETHEUS_UID = 'rally-prometheus';

export function datasourceProxyPath(uid: string): string {
  return `api/datasources/proxy/uid/${encodeURIComponent(uid)}`;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

interface PromAnswer<T> {
  status: 'success' | 'error';
  data?: { resultType: string; result: T[] };
  errorType?: string;
  error?: string;
}

const SETTINGS_HINT =
  "Check the data source in Connections > Data sources, or set the app's Prometheus data source uid in its settings (Administration > Plugins > Rally Monitor for OpenStack).";

/** Turns what Grafana's backend_srv rejects with, for a data source proxy call, into the app's one error type. */
export function toPrometheusError(e: unknown, uid: string): RunnerApiError {
  if (e instanceof RunnerApiError) {
    return e;
  }
  if (!isFetchError(e)) {
    const message = e instanceof Error ? e.message : String(e);
    return new RunnerApiError(
      'unknown',
      `The query to Prometheus failed: ${message}`,
      'Try again.',
      undefined,
      undefined,
      'prometheus'
    );
  }
  const body = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as { message?: string; error?: string };
  const status = e.status;
  const make = (kind: RunnerApiError['kind'], message: string, hint: string) =>
    new RunnerApiError(kind, message, hint, status, undefined, 'prometheus');
  if (status === 0 || status === undefined) {
    return make(
      'unreachable',
      'Grafana could not be reached from the browser.',
      'Check your network connection and reload the page.'
    );
  }
  if (status === 404) {
    // ProxyDatasourceRequestWithUID: an unknown uid is 404 (datasources.ErrDataSourceNotFound).
    return make('not-configured', `Grafana has no data source with uid "${uid}".`, SETTINGS_HINT);
  }
  if (status === 403) {
    return make(
      'forbidden',
      `Your Grafana user may not query the data source "${uid}".`,
      'Ask an Admin for the Query permission on it.'
    );
  }
  if (status === 502 || status === 504) {
    return make('unreachable', `Grafana could not reach the Prometheus of the data source "${uid}".`, SETTINGS_HINT);
  }
  if (status === 400 && typeof e.data === 'string' && /Authentication to data source failed/.test(e.data)) {
    // ds_proxy.go turns the data source's 401 into this 400.
    return make('unauthorized', 'Prometheus rejected the credentials of the data source.', SETTINGS_HINT);
  }
  if (status === 400 || status === 422) {
    return make(
      'bad-request',
      `Prometheus refused the query: ${body.error ?? body.message ?? 'no reason given'}.`,
      'Report this query to the maintainers.'
    );
  }
  return make('unknown', `Prometheus answered ${status}${body.error ? `: ${body.error}` : ''}.`, SETTINGS_HINT);
}

async function get<T>(uid: string, path: string, params: Record<string, string>): Promise<T[]> {
  const url = `${datasourceProxyPath(uid)}${path}?${new URLSearchParams(params).toString()}`;
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<PromAnswer<T>>({ url, method: 'GET', showErrorAlert: false })
    );
    const answer = response.data;
    if (answer?.status !== 'success' || !Array.isArray(answer.data?.result)) {
      throw new RunnerApiError(
        'unknown',
        `The data source "${uid}" did not answer like Prometheus: ${answer?.error ?? 'no result'}.`,
        SETTINGS_HINT,
        response.status,
        undefined,
        'prometheus'
      );
    }
    return answer.data.result;
  } catch (e) {
    throw toPrometheusError(e, uid);
  }
}

export const prometheusApi = {
  /** An instant query at Prometheus's "now". */
  query: (uid: string, query: string) => get<PromSample>(uid, '/api/v1/query', { query }),
  /** A range query, times in epoch milliseconds, step in seconds. */
  queryRange: (uid: string, query: string, from: number, to: number, stepSeconds: number) =>
    get<PromSeries>(uid, '/api/v1/query_range', {
      query,
      start: String(Math.floor(from / 1000)),
      end: String(Math.ceil(to / 1000)),
      step: String(stepSeconds),
    }),
};
