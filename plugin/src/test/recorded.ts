import type { AuditEntry, CleanupReport, Cycle, Health, HistoryPage, PurgeOutcome } from '../api/types';
import type { FakeResponse, Routes } from './backend';
import path from 'path';

import { CLEANUP_FIXTURES_DIR, RUNNER_FIXTURES_DIR, RUNNER_STATES_DIR, runnerFixture } from './fixtures';

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
