import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { monitorFixture } from '../support/monitor-fixture.js';

describe('Monitor scheduling', () => {
  it('never runs two cycles at once: a firing during a cycle is recorded as skipped', async () => {
    const { monitor, store, app } = await monitorFixture();
    const running = monitor.start('api');
    assert.ok(running.started);
    await monitor.tick();
    const cycle = await running.done;
    const skipped = store.query({ limit: 10, state: 'skipped' }).items;
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.reason, `cycle ${cycle.id} was still running`);
    assert.equal(skipped[0]!.trigger, 'schedule');
    assert.equal(store.latest()?.id, cycle.id, 'a skipped cycle is not a result');
    const metrics = (await app.inject({ url: '/metrics' })).body;
    assert.match(metrics, /^rally_runs_total\{result="skipped",cloud="default",region="RegionOne"\} 1$/m);
  });

  it('starts cycles on the cron schedule', async () => {
    const { monitor, store } = await monitorFixture({ RALLY_SCHEDULE: '* * * * * *' });
    monitor.schedule();
    const until = Date.now() + 10_000;
    while (store.count() === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await monitor.stop();
    const recorded = store.query({ limit: 50 }).items.filter((c) => c.status !== 'skipped');
    assert.ok(recorded.length >= 1, 'a scheduled cycle ran');
    assert.equal(recorded[0]!.trigger, 'schedule');
  });
});
