// A maintenance window on the real local cloud, with the real runner and a real Alertmanager: a Keystone-only cycle
// during the window is recorded as maintenance with the window's reason (Rally's verdict and evidence kept), the
// gauge says 1 and Alertmanager holds the window's silence; cancelling it puts the gauge back to 0 and expires the
// silence. One Keystone-only cycle: the smallest there is.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import type { Cycle } from '../../src/model.js';
import type { WindowView } from '../../src/maintenance/window.js';
import { tempDir } from '../helpers.js';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.js';
import { CLI, recordFixture, startRunner, type RunnerProcess } from '../support/runner-process.js';

const REASON = 'Keystone upgrade (integration test)';

describe('a maintenance window on the local cloud', { timeout: 300_000 }, () => {
  let am: RunningAlertmanager | undefined;
  let runner: RunnerProcess | undefined;
  after(async () => {
    await runner?.stop();
    await am?.stop();
  });

  it('records a Keystone cycle as maintenance, silences Keystone in Alertmanager, and undoes both on cancel', async (t) => {
    const began = Date.now();
    am = await startAlertmanager(await tempDir('rally-monitor-am-'));
    runner = await startRunner({
      env: { RALLY_MONITOR_SERVICES: 'keystone', RALLY_MONITOR_ALERTMANAGER_URL: am.url },
    });
    const declared = await runner.request('/api/maintenance', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        services: ['keystone'],
        end: new Date(Date.now() + 30 * 60_000).toISOString(),
        reason: REASON,
      }),
    });
    const window = (await declared.json()) as WindowView;
    assert.equal(declared.status, 201, JSON.stringify(window));
    assert.equal(window.silence.state, 'active', JSON.stringify(window.silence));

    const silence = (await am.silences()).find((s) => s.id === window.silence.id)!;
    assert.equal(silence.status.state, 'active');
    assert.deepEqual(silence.matchers.map((m) => `${m.name}${m.isRegex ? '=~' : '='}${m.value}`).sort(), [
      'cloud=local',
      'region=RegionOne',
      'service=keystone',
    ]);
    const gauge = /^rally_service_maintenance\{service="keystone",cloud="local",region="RegionOne"\} (\d)$/m;
    assert.equal(gauge.exec(await (await runner.request('/metrics')).text())?.[1], '1');

    const id = await runner.startCycle();
    const cycle = await runner.waitForCycle<Cycle>(id, 240_000);
    t.diagnostic(`cycle ${cycle.durationSeconds} s, keystone task ${cycle.services[0]?.durationSeconds} s`);
    await recordFixture('maintenance/cycle.json', cycle);
    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    assert.equal(keystone.state, 'maintenance', JSON.stringify({ state: keystone.state, reason: keystone.reason }));
    assert.equal(keystone.maintenance?.reason, REASON);
    assert.equal(keystone.maintenance?.id, window.id);
    assert.equal(keystone.underlying, 'pass', `Rally's own verdict on the healthy cloud: ${keystone.reason}`);
    assert.ok(keystone.taskUuid && keystone.artifacts.html && keystone.workloads.length > 0, 'the evidence is kept');
    assert.equal(cycle.status, 'pass');
    const metrics = await (await runner.request('/metrics')).text();
    assert.doesNotMatch(metrics, /^rally_service_status\{service="keystone"/m, 'no verdict exported in maintenance');

    // The CLI sees the same window through the runner.
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'maintenance', 'list'], {
      env: { PATH: process.env.PATH ?? '', RALLY_MONITOR_URL: runner.url, RALLY_MONITOR_API_TOKEN: runner.token },
    });
    assert.match(
      stdout,
      new RegExp(`^${window.id}\\s+active\\s+keystone\\s+.*silence|^${window.id}\\s+active\\s+keystone`, 'm')
    );
    await recordFixture('maintenance/windows.json', await runner.json('/api/maintenance'));

    const cancelled = await runner.request(`/api/maintenance/${window.id}`, { method: 'DELETE', auth: true });
    const after = (await cancelled.json()) as WindowView;
    assert.equal(cancelled.status, 200, JSON.stringify(after));
    assert.equal(after.state, 'cancelled');
    assert.equal(after.silence.state, 'expired');
    assert.equal((await am.silences()).find((s) => s.id === window.silence.id)!.status.state, 'expired');
    assert.equal(gauge.exec(await (await runner.request('/metrics')).text())?.[1], '0');
    t.diagnostic(`whole test ${Math.round((Date.now() - began) / 1000)} s`);
  });
});
