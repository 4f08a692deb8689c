import type { APIRequestContext } from '@playwright/test';
import { AppConfigPage, AppPage, test as base } from '@grafana/plugin-e2e';

import pluginJson from '../src/plugin.json';
import { MATRIX_QUERIES } from '../src/status/dataplaneQueries';

export const SKIP_REASON =
  'GRAFANA_URL is not set: these specs need a running Grafana with the plugin installed and its runner configured; none runs here';

const PROXY = `/api/plugin-proxy/${pluginJson.id}/runner`;

/** What the specs read of the runner's answers (docs/api.md; the plugin's own types are in src/api/types.ts). */
export interface RunnerCycle {
  id: string;
  cloud: string;
  region: string;
  startedAt: string;
  finishedAt: string;
  services: Array<{ service: string; state: 'pass' | 'fail' | 'error' | 'absent'; workloads: Array<{ key: string }> }>;
}

/** The runner as Grafana's own proxy shows it to this user: the truth each page is checked against. */
export interface RunnerState {
  /** The app's settings name a runner URL. */
  configured: boolean;
  /** The latest cycle (GET /api/results); null before the first one. */
  latest: RunnerCycle | null;
  /** The leaks the cleanup monitor reports (GET /api/cleanup). */
  leaks: number;
}

export const STATE_WORD = { pass: 'Pass', fail: 'Fail', error: 'Error' } as const;

/** Any of these on a page means the runner did not answer as it should: never an acceptable outcome. */
export const RUNNER_FAILURE =
  /Runner unreachable|Runner error|Runner token rejected|Runner unhealthy|Runner not configured/;

async function readRunner(request: APIRequestContext): Promise<RunnerState> {
  const settings = await request.get(`/api/plugins/${pluginJson.id}/settings`);
  if (!settings.ok()) {
    throw new Error(
      `Grafana does not know the app: GET /api/plugins/${pluginJson.id}/settings answered ${settings.status()}`
    );
  }
  const jsonData = ((await settings.json()) as { jsonData?: { runnerUrl?: string } }).jsonData ?? {};
  if (!jsonData.runnerUrl) {
    return { configured: false, latest: null, leaks: 0 };
  }
  const get = async (path: string, allowed: number[] = [200]) => {
    const response = await request.get(`${PROXY}${path}`);
    if (!allowed.includes(response.status())) {
      throw new Error(
        `The runner at ${jsonData.runnerUrl} is configured but GET ${PROXY}${path} answered ${response.status()}: ${await response.text()}`
      );
    }
    return response;
  };
  const results = await get('/api/results', [200, 404]);
  const latest = results.status() === 404 ? null : ((await results.json()) as RunnerCycle);
  const cleanup = (await (await get('/api/cleanup')).json()) as { leaks: unknown[] };
  return { configured: true, latest, leaks: cleanup.leaks.length };
}

/** The canary pairs as Grafana's data source proxy shows them to this user: what the Dataplane page must show. */
export interface DataplaneState {
  /** "dc / az" of every zone on either side of a probed pair, sorted as the page sorts them. */
  zones: string[];
  /** Pairs as "src zone to dst zone". */
  pairs: string[];
}

/** Any of these on the Dataplane page means Prometheus did not answer as it should. */
export const PROMETHEUS_FAILURE =
  /Prometheus unreachable|Prometheus error|Prometheus data source not found|Query rejected by Prometheus|Prometheus cannot be queried/;

async function readDataplane(request: APIRequestContext): Promise<DataplaneState> {
  const settings = await request.get(`/api/plugins/${pluginJson.id}/settings`);
  const uid =
    ((await settings.json()) as { jsonData?: { prometheusUid?: string } }).jsonData?.prometheusUid?.trim() ||
    'rally-prometheus';
  const response = await request.get(
    `/api/datasources/proxy/uid/${encodeURIComponent(uid)}/api/v1/query?${new URLSearchParams({ query: MATRIX_QUERIES.probes })}`
  );
  if (!response.ok()) {
    throw new Error(`Prometheus (data source ${uid}) answered ${response.status()}: ${await response.text()}`);
  }
  const body = (await response.json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
  const zone = (dc = '', az = '') => `${dc} / ${az}`;
  const zones = new Map<string, [string, string]>();
  const pairs = new Set<string>();
  for (const { metric: m } of body.data.result) {
    zones.set(zone(m.src_datacenter, m.src_az), [m.src_datacenter ?? '', m.src_az ?? '']);
    zones.set(zone(m.dst_datacenter, m.dst_az), [m.dst_datacenter ?? '', m.dst_az ?? '']);
    pairs.add(`${zone(m.src_datacenter, m.src_az)} to ${zone(m.dst_datacenter, m.dst_az)}`);
  }
  const sorted = [...zones.values()].sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
  return { zones: sorted.map(([dc, az]) => zone(dc, az)), pairs: [...pairs] };
}

type AppTestFixture = {
  dataplane: DataplaneState;
  appConfigPage: AppConfigPage;
  gotoPage: (path?: string) => Promise<AppPage>;
  runner: RunnerState;
};

export const test = base.extend<AppTestFixture>({
  appConfigPage: async ({ gotoAppConfigPage }, use) => {
    await use(await gotoAppConfigPage({ pluginId: pluginJson.id }));
  },
  gotoPage: async ({ gotoAppPage }, use) => {
    await use((path) => gotoAppPage({ path, pluginId: pluginJson.id }));
  },
  runner: async ({ request }, use) => {
    await use(await readRunner(request));
  },
  dataplane: async ({ request }, use) => {
    await use(await readDataplane(request));
  },
});

/** The services the cycle tested (absent ones are listed apart, never as rows). */
export const testedServices = (cycle: RunnerCycle) => cycle.services.filter((s) => s.state !== 'absent');

export { expect } from '@grafana/plugin-e2e';
