// The built plugin in real headless Chromium, loaded the way Grafana loads plugins. The runner is the one at
// RUNNER_URL (with RUNNER_TOKEN) when set, else a replay of responses recorded from a real runner run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { RECORDED_DIR, startRecordedRunner } from './chromium/recordedRunner.mjs';
import { openHost, renderPluginInChromium } from './chromium/renderInChromium.mjs';

const STATE_WORD = { pass: 'Pass', fail: 'Fail', error: 'Error' };
// Grafana hosts these icons itself; they are in no npm package.
const knownMissing = (e) => /\/public\/build\/img\/icons\/unicons\/(spinner|angle-double-left)\.svg$/.test(e);

async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

describe('plugin in headless Chromium', { timeout: 180_000 }, () => {
  let runner;
  let expected;
  let health;

  before(async () => {
    if (process.env.RUNNER_URL) {
      runner = { url: process.env.RUNNER_URL, token: process.env.RUNNER_TOKEN ?? '', close: async () => {} };
      const get = async (p) => (await fetch(`${runner.url}${p}`, { headers: { authorization: `Bearer ${runner.token}` } })).json();
      expected = await get('/api/results');
      health = await get('/health');
    } else {
      runner = await startRecordedRunner();
      runner.token = 'recorded-runner-token';
      expected = JSON.parse(fs.readFileSync(path.join(RECORDED_DIR, 'results.json'), 'utf8'));
      health = JSON.parse(fs.readFileSync(path.join(RECORDED_DIR, 'health.json'), 'utf8'));
    }
  });

  after(async () => runner?.close());

  it("renders the Overview page and the timeline panel from the runner's cycles", async () => {
    const result = await renderPluginInChromium({ runnerUrl: runner.url, runnerToken: runner.token, prefix: 'chromium' });
    assert.deepEqual(result.pageErrors.filter((e) => !knownMissing(e)), []);
    assert.deepEqual(result.overview.alerts, [], 'no error or warning on the Overview');

    const tested = expected.services.filter((s) => s.state !== 'absent');
    assert.ok(tested.length > 0, 'the recorded cycle tested at least one service');
    assert.deepEqual(result.overview.rows.map((r) => r.service), tested.map((s) => s.service));
    for (const service of tested) {
      const row = result.overview.rows.find((r) => r.service === service.service);
      assert.match(row.text, new RegExp(STATE_WORD[service.state]), `${service.service} shows ${service.state}`);
    }
    assert.deepEqual(result.overview.lanes.map((l) => l.name), tested.map((s) => s.service));
    for (const lane of result.overview.lanes) {
      const state = tested.find((s) => s.service === lane.name).state;
      assert.ok(lane.states.includes(state), `${lane.name}'s timeline shows its latest state ${state}`);
    }
    const runButton = health.running ? 'Cycle running…' : 'Run now';
    assert.ok(result.overview.buttons.includes(runButton), `Admins get "${runButton}": ${result.overview.buttons}`);

    const shownService = tested.find((s) => s.service === result.service.name);
    assert.deepEqual(result.service.alerts, [], 'no error on the Service page');
    assert.deepEqual(result.service.workloads, shownService.workloads.map((w) => w.key));
    assert.ok(result.service.latencies > 0, 'atomic action latencies from the runs');

    assert.ok(result.panel.frames > 0, 'the panel got one frame per tested service');
    assert.deepEqual(result.panel.lanes.map((l) => l.name).sort(), tested.map((s) => s.service).sort());
    for (const lane of result.panel.lanes) {
      assert.ok(lane.states.some((s) => s !== 'nodata'), `${lane.name} has data cells`);
    }
    assert.equal(result.panel.uptimes.length, result.panel.lanes.length, 'uptime per lane');
    for (const file of result.screenshots) {
      assert.ok(fs.statSync(file).size > 5000, `${file} is a real screenshot`);
    }
    if (runner.requests) {
      assert.ok(runner.requests.length > 0);
      for (const r of runner.requests) {
        assert.equal(r.authorization, `Bearer ${runner.token}`, 'the proxy added the token');
      }
    }
  });

  it('renders the Cleanup page with the leaks and the purge for Admins', async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Admin' });
    try {
      await host.renderApp('cleanup');
      await host.page.waitForSelector('table[aria-label="Leaked resources"], [role="alert"]', { timeout: 20_000 });
      const report = await (await fetch(`${runner.url}/api/cleanup`, { headers: { authorization: `Bearer ${runner.token}` } })).json();
      const rows = await host.page.locator('[data-testid^="leak-"]').count();
      assert.equal(rows, report.leaks.length);
      assert.ok(await host.page.getByRole('button', { name: 'Purge…' }).isVisible());
      await host.screenshot('chromium-cleanup-dark', { fullPage: false });
    } finally {
      await host.close();
    }
  });

  it('says the runner is unreachable and how to fix it, and the panel shows no series', async () => {
    const result = await renderPluginInChromium({ runnerUrl: `http://127.0.0.1:${await closedPort()}`, prefix: 'chromium-unreachable' });
    assert.equal(result.overview.alerts.length, 1);
    assert.match(result.overview.alerts[0], /Runner unreachable/);
    assert.match(result.overview.alerts[0], /check the Runner URL/);
    assert.deepEqual(result.panel.lanes, []);
  });

  it('does not offer "Run now" to Viewers, and the proxy refuses their POST', async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Viewer' });
    try {
      await host.renderApp(`overview?from=${host.span.from}&to=${host.span.to}`);
      await host.page.waitForSelector('[data-testid^="service-row-"]', { timeout: 20_000 });
      const buttons = await host.page.evaluate(() => Array.from(document.querySelectorAll('button')).map((b) => b.textContent.trim()));
      assert.ok(!buttons.includes('Run now') && !buttons.includes('Cycle running…'), `buttons: ${buttons}`);
      const status = await host.page.evaluate(async () => (await fetch('/api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs', { method: 'POST' })).status);
      assert.equal(status, 403);
    } finally {
      await host.close();
    }
  });
});
