// Maintenance windows and a real Alertmanager (Debian's, on a free port): the silence is created with the window's
// matchers and times, expired on cancel and seen expired at the end, kept without duplicates across a runner restart
// (also one created just before a crash, its id not yet written), and an unreachable Alertmanager never blocks a window.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers.js';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.js';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';

const BEARER = { authorization: `Bearer ${API_TOKEN}` };
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe('maintenance silences in a real Alertmanager', () => {
  let am: RunningAlertmanager;
  before(async () => {
    am = await startAlertmanager(await tempDir('rally-monitor-am-'));
  });
  after(async () => {
    await am?.stop();
  });

  const ours = async (windowId: string) =>
    (await am.silences()).filter((s) => s.createdBy === 'rally-monitor' && s.comment.includes(`[${windowId}]`));

  it('creates the silence with the right matchers and times, and expires it on cancel', async () => {
    const env = { RALLY_MONITOR_ALERTMANAGER_URL: am.url, RALLY_MONITOR_CLOUD: 'prod-1' };
    const { app } = await monitorFixture(env);
    const end = inSeconds(3600);
    const created = await app.inject({
      method: 'POST',
      url: '/api/maintenance',
      headers: BEARER,
      payload: { services: ['nova', 'placement'], end, reason: 'Nova upgrade to 2025.2' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const window = created.json();
    assert.equal(window.silence.state, 'active', JSON.stringify(window.silence));
    const [silence, ...more] = await ours(window.id);
    assert.equal(more.length, 0);
    assert.equal(silence!.id, window.silence.id);
    assert.equal(silence!.status.state, 'active');
    assert.deepEqual(silence!.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual ?? true]).sort(), [
      ['cloud', 'prod-1', false, true],
      ['region', 'RegionOne', false, true],
      ['service', 'nova|placement', true, true],
    ]);
    assert.equal(Date.parse(silence!.endsAt), Date.parse(end));
    assert.ok(Math.abs(Date.parse(silence!.startsAt) - Date.parse(window.start)) < 5000);
    assert.match(silence!.comment, /Nova upgrade to 2025\.2/);

    const cancelled = await app.inject({ method: 'DELETE', url: `/api/maintenance/${window.id}`, headers: BEARER });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().silence.state, 'expired');
    assert.equal((await ours(window.id))[0]!.status.state, 'expired');
  });

  it('an upcoming window gets a pending silence; a restart, even after a crash before its id was written, makes no duplicate', async () => {
    const env = { RALLY_MONITOR_ALERTMANAGER_URL: am.url };
    const first = await monitorFixture(env);
    const start = inSeconds(600);
    const end = inSeconds(1200);
    const window = (
      await first.app.inject({
        method: 'POST',
        url: '/api/maintenance',
        headers: BEARER,
        payload: { services: ['glance'], start, end, reason: 'Glance store migration' },
      })
    ).json();
    assert.equal(window.silence.state, 'pending');
    assert.equal((await ours(window.id))[0]!.status.state, 'pending');
    assert.equal(Date.parse((await ours(window.id))[0]!.startsAt), Date.parse(start));

    const again = await monitorFixture(env, undefined, first.dataDir);
    await again.maintenance.sync();
    assert.equal((await ours(window.id)).length, 1, 'a restart keeps the one silence');
    assert.equal(again.maintenance.view(window.id)!.silence.id, window.silence.id);

    // A crash between Alertmanager's answer and the write: the file knows no silence id.
    const file = join(first.dataDir, 'maintenance.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    stored.windows[0].silence = { id: null, state: 'pending' };
    await writeFile(file, JSON.stringify(stored));
    const afterCrash = await monitorFixture(env, undefined, first.dataDir);
    await afterCrash.maintenance.sync();
    assert.equal((await ours(window.id)).filter((s) => s.status.state !== 'expired').length, 1, 'no duplicate');
    assert.equal(afterCrash.maintenance.view(window.id)!.silence.id, window.silence.id, 'the silence is found again');
    await afterCrash.app.inject({ method: 'DELETE', url: `/api/maintenance/${window.id}`, headers: BEARER });
    assert.deepEqual(
      (await ours(window.id)).map((s) => s.status.state),
      ['expired']
    );
  });

  it('at the end of a window its silence is expired, and the runner records it so', async () => {
    const { app, maintenance } = await monitorFixture({ RALLY_MONITOR_ALERTMANAGER_URL: am.url });
    const window = (
      await app.inject({
        method: 'POST',
        url: '/api/maintenance',
        headers: BEARER,
        payload: { services: ['cinder'], end: inSeconds(2), reason: 'short' },
      })
    ).json();
    assert.equal(window.silence.state, 'active');
    await new Promise((r) => setTimeout(r, 2500));
    await maintenance.sync();
    const view = maintenance.view(window.id)!;
    assert.equal(view.state, 'ended');
    assert.equal(view.silence.state, 'expired');
    assert.deepEqual(
      (await ours(window.id)).map((s) => s.status.state),
      ['expired']
    );
  });

  it('an unreachable Alertmanager never blocks a window: it is declared, the failure is shown and retried', async () => {
    const { app, maintenance } = await monitorFixture({ RALLY_MONITOR_ALERTMANAGER_URL: 'http://127.0.0.1:9' });
    const created = await app.inject({
      method: 'POST',
      url: '/api/maintenance',
      headers: BEARER,
      payload: { services: ['swift'], end: inSeconds(600), reason: 'ring rebalance' },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().silence.state, 'failed');
    assert.match(created.json().silence.error, /Alertmanager at http:\/\/127\.0\.0\.1:9 could not be reached/);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    assert.match(metrics, /^rally_maintenance_silence_sync_success\{cloud="default",region="RegionOne"\} 0$/m);
    assert.match(metrics, /^rally_service_maintenance\{service="swift",cloud="default",region="RegionOne"\} 1$/m);
    assert.equal(maintenance.view(created.json().id)!.state, 'active');
  });
});
