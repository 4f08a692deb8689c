import { lastValueFrom } from 'rxjs';
import { config, getBackendSrv } from '@grafana/runtime';

import { RUNNER_PROXY_URL } from '../constants';
import type {
  ActionTrendsReport,
  AuditEntry,
  CleanupAnswer,
  Cycle,
  Health,
  HistoryPage,
  HistoryQuery,
  MaintenanceRequest,
  MaintenanceWindow,
  PurgeOutcome,
  PurgeScope,
  RunStarted,
  ServiceName,
} from './types';
import { RunnerApiError, toRunnerError } from './errors';

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request<T>(path: string, method: 'GET' | 'POST' | 'DELETE' = 'GET', data?: unknown): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ url: `${RUNNER_PROXY_URL}${path}`, method, data, showErrorAlert: false })
    );
    return response.data;
  } catch (e) {
    throw toRunnerError(e);
  }
}

/** A text body (an artifact), through the same proxy and error handling as request(). */
async function requestText(path: string): Promise<string> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<string>({
        url: `${RUNNER_PROXY_URL}${path}`,
        method: 'GET',
        responseType: 'text',
        showErrorAlert: false,
      })
    );
    return response.data;
  } catch (e) {
    throw toRunnerError(e);
  }
}

/** URL of a run's artifact, through the proxy, for links the browser opens itself (Grafana may serve from a sub-path). */
export function artifactUrl(
  runId: string,
  artifact: 'report.html' | 'junit.xml' | 'rally.log' | 'rally-debug.log',
  service: ServiceName
): string {
  return `${config.appSubUrl ?? ''}/${RUNNER_PROXY_URL}/api/runs/${encodeURIComponent(runId)}/${artifact}${query({ service })}`;
}

/** /health answers 503 with a Health body when the runner is unhealthy: that is an answer, not a failure. */
async function health(): Promise<Health> {
  try {
    return await request<Health>('/health');
  } catch (e) {
    const body = e instanceof RunnerApiError ? (e.body as Partial<Health> | undefined) : undefined;
    if (
      e instanceof RunnerApiError &&
      e.status === 503 &&
      body &&
      (body.status === 'unhealthy' || body.status === 'ok')
    ) {
      return body as Health;
    }
    throw e;
  }
}

/** Follows the history's cursor until the range is covered, up to maxItems cycles (newest first). */
async function historyRange(q: HistoryQuery, maxItems = 2000): Promise<HistoryPage> {
  const items: HistoryPage['items'] = [];
  let cursor: string | undefined = undefined;
  let total = 0;
  do {
    const page: HistoryPage = await runnerApi.history({ ...q, limit: 500, cursor });
    items.push(...page.items);
    total = page.total;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < maxItems);
  return { items, nextCursor: cursor ?? null, total };
}

/** /health is always open: a read of the history also proves the token when the runner protects reads. */
async function testConnection(): Promise<Health> {
  const result = await health();
  await runnerApi.history({ limit: 1 });
  return result;
}

export const runnerApi = {
  health,
  testConnection,
  historyRange: (q: HistoryQuery, maxItems?: number) => historyRange(q, maxItems),
  latestCycle: () => request<Cycle>('/api/results'),
  history: (q: HistoryQuery = {}) =>
    request<HistoryPage>(
      `/api/history${query({ from: q.from, to: q.to, service: q.service, state: q.state, limit: q.limit, cursor: q.cursor })}`
    ),
  run: (id: string) => request<Cycle>(`/api/runs/${encodeURIComponent(id)}`),
  /** Each atomic action's p95 per cycle with the baseline it was judged against (slow-down detection). */
  baselines: (service: ServiceName) => request<ActionTrendsReport>(`/api/baselines${query({ service })}`),
  /** Rally's HTML report of one service of a run, as text, to show in a sandboxed frame (see ReportViewer). */
  reportHtml: (id: string, service: ServiceName) =>
    requestText(`/api/runs/${encodeURIComponent(id)}/report.html${query({ service })}`),
  startRun: () => request<RunStarted>('/api/runs', 'POST'),
  cleanup: (refresh = false) =>
    request<CleanupAnswer>(`/api/cleanup${query({ refresh: refresh ? 'true' : undefined })}`),
  /** A dry run unless confirm is true; both go through the Admin-only proxy route. */
  purge: (confirm: boolean, scope: PurgeScope = {}) =>
    request<PurgeOutcome>('/api/cleanup/purge', 'POST', { confirm, ...scope }),
  maintenance: () => request<{ windows: MaintenanceWindow[] }>('/api/maintenance'),
  /** Through the run role's proxy route (plugin.json): Admins, or whoever holds Cycle runner. */
  declareMaintenance: (window: MaintenanceRequest) => request<MaintenanceWindow>('/api/maintenance', 'POST', window),
  cancelMaintenance: (id: string) => request<MaintenanceWindow>(`/api/maintenance/${encodeURIComponent(id)}`, 'DELETE'),
  audit: (limit = 100) => request<{ entries: AuditEntry[] }>(`/api/cleanup/audit${query({ limit })}`),
};

export type RunnerApi = typeof runnerApi;
