import type { AuditEntry, CleanupReport, Cycle, Health, HistoryPage, PurgeOutcome } from '../api/types';
import type { FakeResponse, Routes } from './backend';
import path from 'path';

import { DEFAULT_PROMETHEUS_UID } from '../api/prometheusApi';
import { CLEANUP_FIXTURES_DIR, RUNNER_FIXTURES_DIR, RUNNER_STATES_DIR, runnerFixture } from './fixtures';
import { queryOf } from './backend';

/**
 * The recorded runs the pages are tested on, as [label, folder under test/fixtures/runner-api/]: a Keystone-only
 * runner (runner-cycle test) and a cycle over every service of the local cloud (services-cycle test).
 */
export const RECORDINGS: Array<[string, string]> = [
  ['Keystone only', '.'],
  ['all seven services', 'seven-services'],
];

/** One recording's runner responses, read once per test file. */
export function recorded(recording = '.') {
  const dir = path.join(RUNNER_FIXTURES_DIR, recording);
  const results = runnerFixture<Cycle>('results.json', dir);
  const health = runnerFixture<Health>('health.json', dir);
  const history = runnerFixture<HistoryPage>('history.json', dir);
  const run = runnerFixture<Cycle>(`run-${results.id}.json`, dir);
  const tested = results.services.filter((s) => s.state !== 'absent');
  const absent = results.services.filter((s) => s.state === 'absent');
  const times = history.items.flatMap((c) => [Date.parse(c.startedAt), Date.parse(c.finishedAt)]);
  // A range around the recorded cycles, so the pages show them whenever the tests run.
  const span = { from: Math.min(...times) - 60_000, to: Math.max(...times) + 60_000 };
  return { results, health, history, run, tested, absent, span };
}

/** Routes answering every read with its recording. */
export function recordedRoutes(r: ReturnType<typeof recorded>): Routes {
  return {
    'GET /health': { status: 200, data: r.health },
    'GET /api/results': { status: 200, data: r.results },
    'GET /api/history': { status: 200, data: r.history },
    [`GET /api/runs/${r.run.id}`]: { status: 200, data: r.run },
  };
}

/** What Grafana's plugin proxy answers when the runner URL does not answer, for every route. */
export function unreachableRoutes(): Routes {
  const bad = { status: 502, data: {} };
  return new Proxy({} as Routes, { get: () => bad });
}

/**
 * Cleanup monitor responses recorded from a real runner against the local cloud (plugin/test/fixtures/cleanup/,
 * see its README): GET /api/cleanup, POST /api/cleanup/purge as dry runs without and with includeUnattributed and
 * with confirm, GET /api/cleanup/audit.
 */
export function recordedCleanup() {
  return {
    report: runnerFixture<CleanupReport>('cleanup.json', CLEANUP_FIXTURES_DIR),
    dryRun: runnerFixture<PurgeOutcome>('cleanup-purge-dry-run.json', CLEANUP_FIXTURES_DIR),
    // The same dry run without includeUnattributed: the recorder's resources are unattributed, so all are left out.
    dryRunAttributedOnly: runnerFixture<PurgeOutcome>(
      'cleanup-purge-dry-run-attributed-only.json',
      CLEANUP_FIXTURES_DIR
    ),
    purge: runnerFixture<PurgeOutcome>('cleanup-purge.json', CLEANUP_FIXTURES_DIR),
    audit: runnerFixture<{ entries: AuditEntry[] }>('cleanup-audit.json', CLEANUP_FIXTURES_DIR),
  };
}

/** A recorded answer with its HTTP status, e.g. 'run-started.json' (see plugin/test/fixtures/runner-states/). */
export function recordedAnswer(name: string): FakeResponse {
  const { status, body } = runnerFixture<{ status: number; body: unknown }>(name, RUNNER_STATES_DIR);
  return { status, data: body };
}

/** Prometheus answers to the app's canary queries, recorded by plugin/test/record-dataplane-fixtures.mjs. */
export const DATAPLANE_FIXTURES_DIR = path.resolve(__dirname, '../../test/fixtures/dataplane');

export interface DataplaneRecording {
  recordedAt: string;
  zones?: Array<{ id: string; datacenter: string; az: string }>;
  stopped?: string;
  /** Query -> Prometheus's answer to GET /api/v1/query. */
  instant: Record<string, unknown>;
  range: Array<{ query: string; start: string; end: string; step: string; body: unknown }>;
}

/** 'mesh.json' (four agents, one stopped) or 'empty.json' (no canary). */
export function recordedDataplane(name: 'mesh.json' | 'empty.json'): DataplaneRecording {
  return runnerFixture<DataplaneRecording>(name, DATAPLANE_FIXTURES_DIR);
}

/**
 * Grafana's data source proxy for the recording: GET /api/datasources/proxy/uid/<uid>/api/v1/query(_range) answered
 * with what the real Prometheus answered to the same query; a query it never recorded gets Prometheus's 400.
 */
export function dataplaneRoutes(recording: DataplaneRecording, uid = DEFAULT_PROMETHEUS_UID): Routes {
  const unknown = (query: string | null): FakeResponse => ({
    status: 400,
    data: { status: 'error', errorType: 'bad_data', error: `not recorded: ${query}` },
  });
  const base = `GET /api/datasources/proxy/uid/${uid}/api/v1`;
  return {
    [`${base}/query`]: (request) => {
      const query = queryOf(request).get('query');
      const body = query === null ? undefined : recording.instant[query];
      return body ? { status: 200, data: body } : unknown(query);
    },
    [`${base}/query_range`]: (request) => {
      const query = queryOf(request).get('query');
      const found = recording.range.find((r) => r.query === query);
      return found ? { status: 200, data: found.body } : unknown(query);
    },
  };
}
