// Maintenance windows through the HTTP API, and what a window does to a cycle and to the metrics, without a cloud:
// the fixture's Keystone is a closed port, so a cycle ends at once with Keystone `fail` (unreachable).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summaryTable } from '../../src/summary.js';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';

const BEARER = { authorization: `Bearer ${API_TOKEN}` };
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

type Fixture = Awaited<ReturnType<typeof monitorFixture>>;

function declare(app: Fixture['app'], payload: unknown, headers: Record<string, string> = BEARER) {
  return app.inject({ method: 'POST', url: '/api/maintenance', headers, payload: payload as object });
}

describe('maintenance windows: the API', () => {
  it('declares a window with the token (201), lists it, and keeps it across a restart', async () => {
    const { app, dataDir } = await monitorFixture();
    const created = await declare(app, { services: ['nova', 'placement'], end: inMinutes(60), reason: 'Nova upgrade' });
    assert.equal(created.statusCode, 201, created.body);
    const window = created.json();
    assert.match(window.id, /^mw-[0-9a-f]{12}$/);
    assert.deepEqual(window.services, ['nova', 'placement']);
    assert.equal(window.state, 'active');
    assert.equal(window.reason, 'Nova upgrade');
    assert.equal(window.source, 'api');
    assert.deepEqual(window.silence, { id: null, state: 'disabled' }, 'no Alertmanager configured: rules only');
    const listed = (await app.inject({ url: '/api/maintenance' })).json();
    assert.deepEqual(
      listed.windows.map((w: { id: string }) => w.id),
      [window.id]
    );
    assert.equal((await app.inject({ url: `/api/maintenance/${window.id}` })).json().reason, 'Nova upgrade');
    const stored = JSON.parse(await readFile(join(dataDir, 'maintenance.json'), 'utf8'));
    assert.equal(stored.windows[0].id, window.id);
    const again = await monitorFixture({}, undefined, dataDir);
    assert.equal((await again.app.inject({ url: `/api/maintenance/${window.id}` })).statusCode, 200);
  });

  it('needs the token to declare or cancel, and is off without one', async () => {
    const { app } = await monitorFixture();
    const payload = { services: ['nova'], end: inMinutes(30), reason: 'r' };
    assert.equal((await declare(app, payload, {})).statusCode, 401);
    assert.equal((await app.inject({ method: 'DELETE', url: '/api/maintenance/mw-0123456789ab' })).statusCode, 401);
    const off = await monitorFixture({ RALLY_MONITOR_API_TOKEN: '' });
    assert.equal((await declare(off.app, payload)).statusCode, 403);
  });

  it('refuses overlapping, past, inverted, over-long windows and unknown services with a clear 400', async () => {
    const { app } = await monitorFixture({ RALLY_MONITOR_MAINTENANCE_MAX_DURATION: '4h' });
    const first = await declare(app, { services: ['nova'], start: inMinutes(60), end: inMinutes(120), reason: 'one' });
    assert.equal(first.statusCode, 201, first.body);
    const cases: Array<[string, unknown, RegExp]> = [
      [
        'overlap',
        { services: ['glance', 'nova'], start: inMinutes(90), end: inMinutes(150), reason: 'x' },
        /overlaps mw-[0-9a-f]{12} on nova/,
      ],
      ['past', { services: ['glance'], start: inMinutes(-120), end: inMinutes(-60), reason: 'x' }, /in the past/],
      [
        'past start',
        { services: ['glance'], start: inMinutes(-60), end: inMinutes(60), reason: 'x' },
        /start .* is in the past/,
      ],
      [
        'inverted',
        { services: ['glance'], start: inMinutes(60), end: inMinutes(30), reason: 'x' },
        /must be after start/,
      ],
      ['over-long', { services: ['glance'], end: inMinutes(5 * 60), reason: 'x' }, /longer than the maximum of 4 h/],
      ['unknown service', { services: ['heat'], end: inMinutes(30), reason: 'x' }, /unknown service "heat"/],
      ['odd service', { services: ['../nova'], end: inMinutes(30), reason: 'x' }, /unknown service/],
      ['no services', { services: [], end: inMinutes(30), reason: 'x' }, /services/],
      ['no reason', { services: ['glance'], end: inMinutes(30), reason: ' ' }, /reason/],
      ['two-line reason', { services: ['glance'], end: inMinutes(30), reason: 'a\nb' }, /one line/],
      ['bad time', { services: ['glance'], end: 'tomorrow', reason: 'x' }, /end must be an ISO 8601 time/],
      ['no end', { services: ['glance'], reason: 'x' }, /end/],
    ];
    for (const [name, payload, message] of cases) {
      const response = await declare(app, payload);
      assert.equal(response.statusCode, 400, `${name}: ${response.body}`);
      assert.equal(response.json().code, 'bad_request', name);
      assert.match(response.json().error, message, name);
    }
    // The same service right after the first window, and another service at the same time, are fine.
    const after = await declare(app, { services: ['nova'], start: inMinutes(120), end: inMinutes(150), reason: 'two' });
    assert.equal(after.statusCode, 201, after.body);
    const other = await declare(app, { services: ['glance'], start: inMinutes(60), end: inMinutes(120), reason: 'x' });
    assert.equal(other.statusCode, 201, other.body);
  });

  it('cancels a window (200, state cancelled), then 409 when cancelled again, 404 for an unknown id', async () => {
    const { app } = await monitorFixture();
    const { id } = (await declare(app, { services: ['cinder'], end: inMinutes(30), reason: 'disk swap' })).json();
    const cancelled = await app.inject({ method: 'DELETE', url: `/api/maintenance/${id}`, headers: BEARER });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().state, 'cancelled');
    const twice = await app.inject({ method: 'DELETE', url: `/api/maintenance/${id}`, headers: BEARER });
    assert.equal(twice.statusCode, 409);
    const unknown = await app.inject({ method: 'DELETE', url: '/api/maintenance/mw-000000000000', headers: BEARER });
    assert.equal(unknown.statusCode, 404);
    const malformed = await app.inject({ method: 'DELETE', url: '/api/maintenance/..%2Fx', headers: BEARER });
    assert.equal(malformed.statusCode, 400);
    // Cancelled, the service is free again at once.
    const again = await declare(app, { services: ['cinder'], end: inMinutes(30), reason: 'again' });
    assert.equal(again.statusCode, 201, again.body);
  });

  it('a malformed windows file stops the start with a clear error and is left untouched', async () => {
    const { dataDir } = await monitorFixture();
    const file = join(dataDir, 'maintenance.json');
    await writeFile(file, '{"version": 1, "windows": [{"id": "mw-1"');
    await assert.rejects(monitorFixture({}, undefined, dataDir), /maintenance\.json is not valid JSON.*left untouched/);
    assert.equal(await readFile(file, 'utf8'), '{"version": 1, "windows": [{"id": "mw-1"');
    await writeFile(file, '{"version": 1, "windows": [{"id": "mw-1", "services": ["heat"]}]}');
    await assert.rejects(monitorFixture({}, undefined, dataDir), /not a maintenance windows file \(windows\.0\./);
  });
});

describe('maintenance windows: cycles and metrics', () => {
  it('records a service in a window as maintenance with the reason and the underlying verdict; the cycle stays green', async () => {
    const { app, monitor } = await monitorFixture();
    const { id } = (
      await declare(app, { services: ['keystone'], end: inMinutes(30), reason: 'Keystone upgrade' })
    ).json();
    const started = monitor.start('api');
    assert.ok(started.started);
    const cycle = await started.done;
    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    assert.equal(keystone.state, 'maintenance');
    assert.equal(keystone.underlying, 'fail', 'the closed port is still what Rally-side judging saw');
    assert.match(
      keystone.reason ?? '',
      /Keystone at http:\/\/127.0.0.1:9\/v3 is unreachable/,
      'the underlying evidence is kept'
    );
    assert.deepEqual(
      { id: keystone.maintenance?.id, reason: keystone.maintenance?.reason },
      { id, reason: 'Keystone upgrade' }
    );
    assert.equal(cycle.status, 'pass', 'a service in maintenance does not make the cycle red');
    // run-once prints this and exits 0 for a pass.
    assert.match(
      summaryTable(cycle),
      /^keystone\s+MAINTENANCE\s+.*until \S+ \(Keystone upgrade\); Rally: FAIL - Keystone at/m
    );
    assert.match(summaryTable(cycle), /: PASS in /);
    const history = (await app.inject({ url: '/api/history?service=keystone&state=maintenance' })).json();
    assert.equal(
      history.items[0].services.find((s: { service: string }) => s.service === 'keystone').maintenance.reason,
      'Keystone upgrade'
    );
    const metrics = (await app.inject({ url: '/metrics' })).body;
    assert.match(metrics, /^rally_service_maintenance\{service="keystone",cloud="default",region="RegionOne"\} 1$/m);
    assert.match(metrics, /^rally_service_maintenance\{service="nova",cloud="default",region="RegionOne"\} 0$/m);
    assert.doesNotMatch(metrics, /^rally_service_status\{service="keystone"/m, 'no verdict to alert on');
    assert.match(metrics, /^rally_service_detected\{service="keystone",cloud="default",region="RegionOne"\} 1$/m);
    await app.inject({ method: 'DELETE', url: `/api/maintenance/${id}`, headers: BEARER });
    const after = (await app.inject({ url: '/metrics' })).body;
    assert.match(after, /^rally_service_maintenance\{service="keystone",cloud="default",region="RegionOne"\} 0$/m);
    const next = monitor.start('api');
    assert.ok(next.started);
    assert.equal((await next.done).services.find((s) => s.service === 'keystone')!.state, 'fail');
  });
});
