import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { newRunId } from '../../src/history/store.js';
import type { Cycle } from '../../src/model.js';
import { NO_ARTIFACTS } from '../../src/model.js';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';

const BEARER = { authorization: `Bearer ${API_TOKEN}` };

async function recordedCycle(
  store: Awaited<ReturnType<typeof monitorFixture>>['store'],
  services: Cycle['services']
): Promise<Cycle> {
  const now = new Date().toISOString();
  const cycle: Cycle = {
    id: newRunId(),
    cloud: 'c',
    region: 'r',
    trigger: 'api',
    status: 'pass',
    startedAt: now,
    finishedAt: now,
    durationSeconds: 1,
    services,
  };
  await store.finishCycle(cycle);
  return cycle;
}

describe('HTTP API', () => {
  it('guards POST /api/runs: 401 without or with a wrong token, 202 then 409 with it', async () => {
    const { app, monitor } = await monitorFixture();
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-wrong-token' },
      { authorization: API_TOKEN },
      { authorization: 'Bearer ' },
    ]) {
      const response = await app.inject({ method: 'POST', url: '/api/runs', headers });
      assert.equal(response.statusCode, 401, JSON.stringify(headers));
      assert.equal(response.json().code, 'unauthorized');
    }
    const started = await app.inject({ method: 'POST', url: '/api/runs', headers: BEARER });
    assert.equal(started.statusCode, 202);
    const { id } = started.json();
    const conflict = await app.inject({ method: 'POST', url: '/api/runs', headers: BEARER });
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.json().runningId, id);
    await monitor.stop();
  });

  it('disables mutating routes when no token is configured', async () => {
    const { app } = await monitorFixture({ RALLY_MONITOR_API_TOKEN: '' });
    const response = await app.inject({ method: 'POST', url: '/api/runs', headers: BEARER });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().code, 'disabled');
  });

  it('puts reads and /metrics behind the token when asked, but never /health', async () => {
    const { app } = await monitorFixture({ RALLY_MONITOR_PROTECT_READS: 'true' });
    for (const url of ['/metrics', '/api/history', '/api/results']) {
      assert.equal((await app.inject({ url })).statusCode, 401, url);
    }
    assert.equal((await app.inject({ url: '/metrics', headers: BEARER })).statusCode, 200);
    assert.notEqual((await app.inject({ url: '/health' })).statusCode, 401);
  });

  it('answers bad ids and query values with 400 and unknown ones with 404, as JSON', async () => {
    const { app, store } = await monitorFixture();
    const cycle = await recordedCycle(store, []);
    const cases: Array<[string, number]> = [
      ['/api/runs/not-an-id', 400],
      ['/api/runs/..%2F..%2Fetc%2Fpasswd', 400],
      ['/api/runs/20200101T000000Z-abcdef', 404],
      ['/api/runs/20200101T000000Z-abcdef/report.html', 404],
      [`/api/runs/${cycle.id}/report.html`, 404],
      [`/api/runs/${cycle.id}/junit.xml?service=heat`, 400],
      ['/api/history?limit=0', 400],
      ['/api/history?limit=abc', 400],
      ['/api/history?limit=501', 400],
      ['/api/history?from=yesterday', 400],
      ['/api/history?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z', 400],
      ['/api/history?service=heat', 400],
      ['/api/history?state=green', 400],
      ['/api/history?service=keystone&state=skipped', 400],
      ['/api/history?cursor=../x', 400],
      ['/api/nothing', 404],
    ];
    for (const [url, status] of cases) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, status, `${url}: ${response.body}`);
      const body = response.json();
      assert.equal(typeof body.error, 'string');
      assert.equal(body.code, status === 400 ? 'bad_request' : 'not_found');
    }
    assert.equal((await app.inject({ url: `/api/runs/${cycle.id}` })).statusCode, 200);
    assert.equal(
      (await app.inject({ url: '/api/history?from=1700000000000&to=2000000000000&limit=5' })).statusCode,
      200
    );
  });

  it('reads from and to as ISO 8601 or epoch milliseconds of 10+ digits only, else 400 naming both forms', async () => {
    const { app } = await monitorFixture();
    for (const value of [
      '2020',
      '-1',
      '123456789',
      '1e12',
      'Nov 22 2026',
      '2026-11-22T25:00:00Z',
      '2026-02-30',
      ' 1700000000000',
      '0x1F',
    ]) {
      for (const name of ['from', 'to']) {
        const response = await app.inject({ url: `/api/history?${name}=${encodeURIComponent(value)}` });
        assert.equal(response.statusCode, 400, `${name}=${value}: ${response.body}`);
        assert.match(
          response.json().error,
          new RegExp(`^${name} must be an ISO 8601 time .* or epoch milliseconds \\(10 or more digits`),
          `${name}=${value}`
        );
      }
    }
    for (const value of [
      '2026-11-22',
      '2026-11-22T00:00:00Z',
      '2026-11-22T00:00:00.123+02:00',
      '2026-11-22T00:00Z',
      '1700000000000',
      '1000000000',
    ]) {
      const response = await app.inject({ url: `/api/history?from=${encodeURIComponent(value)}` });
      assert.equal(response.statusCode, 200, `from=${value}: ${response.body}`);
    }
  });

  it('answers every route with JSON, never a 500, when a record on disk is valid JSON but not a cycle', async () => {
    const { mkdir } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { app, metrics } = await monitorFixture({}, async (runs) => {
      const bad = {
        ...{
          id: newRunId(),
          cloud: 'c',
          region: 'r',
          trigger: 'api',
          status: 'pass',
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          durationSeconds: 1,
        },
        services: [null],
      };
      await mkdir(join(runs, bad.id), { recursive: true });
      await writeFile(join(runs, bad.id, 'cycle.json'), JSON.stringify(bad));
    });
    for (const url of ['/api/history', '/api/results', '/api/history?service=keystone', '/api/cleanup']) {
      const response = await app.inject({ url });
      assert.ok(response.statusCode < 500, `${url}: ${response.statusCode} ${response.body}`);
    }
    assert.equal((await app.inject({ url: '/api/history' })).json().total, 0);
    assert.match(
      (await metrics.render()).body,
      /^rally_history_quarantined_records_total\{cloud="default",region="RegionOne"\} 1$/m
    );
  });

  it('says 404 before the first cycle, then serves the latest one', async () => {
    const { app, store } = await monitorFixture();
    assert.equal((await app.inject({ url: '/api/results' })).statusCode, 404);
    const cycle = await recordedCycle(store, []);
    assert.equal((await app.inject({ url: '/api/results' })).json().id, cycle.id);
  });

  it('asks which service when a run has several reports, and serves HTML sandboxed', async () => {
    const { app, store } = await monitorFixture();
    const withHtml = { ...NO_ARTIFACTS, html: true };
    const base = {
      taskUuid: null,
      taskStatus: 'finished',
      rallyExitCode: 0,
      startedAt: null,
      finishedAt: null,
      durationSeconds: 1,
      workloads: [],
    };
    const cycle = await recordedCycle(store, [
      { ...base, service: 'keystone', state: 'pass', artifacts: withHtml },
      { ...base, service: 'glance', state: 'pass', artifacts: withHtml },
    ]);
    await writeFile(store.artifactPath(cycle.id, 'glance', 'html'), '<html>glance</html>');
    const ambiguous = await app.inject({ url: `/api/runs/${cycle.id}/report.html` });
    assert.equal(ambiguous.statusCode, 400);
    assert.match(ambiguous.json().error, /keystone, glance/);
    const html = await app.inject({ url: `/api/runs/${cycle.id}/report.html?service=glance` });
    assert.equal(html.statusCode, 200);
    assert.equal(html.body, '<html>glance</html>');
    assert.match(html.headers['content-security-policy'] as string, /^sandbox allow-scripts; default-src 'none'/);
    assert.equal(html.headers['x-content-type-options'], 'nosniff');
    const lost = await app.inject({ url: `/api/runs/${cycle.id}/report.html?service=keystone` });
    assert.equal(lost.statusCode, 404, 'a pruned or lost file is a 404, not a 500');
  });

  it('records a failed Keystone with the reason when it cannot be reached, and reports health', async () => {
    const { app, monitor } = await monitorFixture();
    const started = monitor.start('api');
    assert.ok(started.started);
    const cycle = await started.done;
    assert.equal(cycle.status, 'fail');
    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    assert.equal(keystone.state, 'fail');
    assert.match(keystone.reason!, /unreachable/);
    assert.ok(!JSON.stringify(cycle).includes('unit-test-password'));
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().lastCycleId, cycle.id);
    const metrics = await app.inject({ url: '/metrics' });
    assert.match(metrics.body, /^rally_service_status\{service="keystone",cloud="default",region="RegionOne"\} 0$/m);
    assert.match(metrics.body, /^rally_runs_total\{result="fail",cloud="default",region="RegionOne"\} 1$/m);
  });
});

describe('health', () => {
  it('turns unhealthy when the last cycle is older than twice the schedule interval', async () => {
    const { app, store, monitor } = await monitorFixture({ RALLY_SCHEDULE_INTERVAL: '5' });
    assert.equal(monitor.staleAfterSeconds, 600);
    const old = new Date(Date.now() - 11 * 60_000);
    const cycle: Cycle = {
      id: newRunId(old),
      cloud: 'c',
      region: 'r',
      trigger: 'schedule',
      status: 'pass',
      startedAt: old.toISOString(),
      finishedAt: old.toISOString(),
      durationSeconds: 1,
      services: [],
    };
    await store.finishCycle(cycle);
    const response = await app.inject({ url: '/health' });
    assert.equal(response.statusCode, 503);
    const body = response.json();
    assert.equal(body.status, 'unhealthy');
    assert.match(body.reason, /the last cycle finished \d+ s ago; more than 600 s/);
    assert.equal(body.lastCycleId, cycle.id);
  });

  it('turns unhealthy when the history store cannot be written', async () => {
    const { app, store } = await monitorFixture();
    const { rm } = await import('node:fs/promises');
    await rm(store.root, { recursive: true });
    await writeFile(store.root, 'not a directory');
    const response = await app.inject({ url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.match(response.json().reason, /is not writable/);
  });

  it('names the data directory when it cannot be written', async () => {
    const { app, store, dataDir } = await monitorFixture();
    const { rm } = await import('node:fs/promises');
    await rm(store.root, { recursive: true });
    await writeFile(store.root, 'not a directory');
    const response = await app.inject({ url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.match(response.json().reason, new RegExp(`^data directory ${dataDir} is not writable: `));
  });

  it('gives a cron schedule a stale threshold from its longest gap', async () => {
    const { monitor } = await monitorFixture({ RALLY_SCHEDULE: '0 6,18 * * *' });
    assert.equal(monitor.staleAfterSeconds, 2 * 12 * 3600);
  });
});
