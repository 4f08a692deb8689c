import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';

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

describe('stopping', () => {
  it('starts nothing once a stop has begun: POST routes answer 503, health says stopping', async () => {
    const { monitor, app, store } = await monitorFixture();
    const running = monitor.start('api');
    assert.ok(running.started);
    const stopped = monitor.stop();
    const during = await app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    assert.equal(during.statusCode, 503, during.body);
    assert.equal(during.json().code, 'stopping');
    await stopped;
    // The old runner started a new cycle here, after the running one was aborted: its Rally group was orphaned.
    const after = monitor.start('api');
    assert.equal(after.started, false, 'no cycle starts after the stop');
    for (const url of ['/api/runs', '/api/cleanup/purge']) {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${API_TOKEN}` },
        payload: {},
      });
      assert.equal(response.statusCode, 503, `${url}: ${response.body}`);
      assert.match(response.json().error, /stopping/);
    }
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.match(health.json().reason, /stopping/);
    await monitor.tick();
    assert.deepEqual(
      store.query({ limit: 10 }).items.map((c) => c.id),
      [running.id],
      'a firing while stopping records nothing'
    );
  });
});
