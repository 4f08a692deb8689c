// The built plugin in headless Chromium against a REAL runner with real cycles on the real local cloud: run by
// `npm run test:e2e` (the plugin-e2e phase of scripts/test.sh, after the cloud is up and the runner is built).
// It needs RALLY_MONITOR_TEST_CLOUD_DIR, like the runner's integration tests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startRunner } from '../../runner/dist/test/support/runner-process.js';
import { openHost, renderPluginInChromium } from './chromium/renderInChromium.mjs';

const KEYSTONE_ONLY = { RALLY_MONITOR_SERVICES: 'keystone' };

describe('plugin against a live runner on the local cloud', { timeout: 900_000 }, () => {
  let runner;
  let firstCycle;

  before(async () => {
    runner = await startRunner({ env: KEYSTONE_ONLY });
    firstCycle = await runner.waitForCycle(await runner.startCycle(), 600_000);
    // The cycle is recorded a moment before the runner stops reporting it as running.
    while ((await runner.json('/health')).running) {
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async () => runner?.stop());

  it('renders the Overview and the timeline panel from the real cycle', async () => {
    const result = await renderPluginInChromium({
      runnerUrl: runner.url,
      runnerToken: runner.token,
      prefix: 'chromium-live',
    });
    assert.deepEqual(result.overview.alerts, []);
    const keystone = firstCycle.services.find((s) => s.service === 'keystone');
    const row = result.overview.rows.find((r) => r.service === 'keystone');
    assert.ok(row, JSON.stringify(result.overview));
    assert.match(row.text, new RegExp({ pass: 'Pass', fail: 'Fail', error: 'Error' }[keystone.state]));
    assert.ok(result.overview.lanes.find((l) => l.name === 'keystone').states.includes(keystone.state));
    assert.ok(result.panel.lanes.find((l) => l.name === 'keystone').states.includes(keystone.state));
    for (const file of result.screenshots) {
      assert.ok(fs.statSync(file).size > 5000);
    }
  });

  it('starts a cycle from "Run now" through the Admin-only proxy route, with the token added by the proxy', async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Admin' });
    try {
      await host.renderApp(`overview?from=${host.span.from}&to=${host.span.to}`);
      await host.page.getByRole('button', { name: 'Run now' }).click();
      const started = host.page.getByTestId('run-started');
      await started.waitFor({ timeout: 20_000 });
      const id = await started.getByRole('link').textContent();
      assert.match(id ?? '', /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/);
      // Progress: the health is read again at once and polled while the cycle runs.
      await host.page.getByRole('button', { name: 'Cycle running…' }).waitFor({ timeout: 20_000 });
      const cycle = await runner.waitForCycle(id, 600_000);
      assert.equal(cycle.trigger, 'api');
      // When it ends the page says so and shows the new cycle as the latest, with no click on Refresh.
      await started.getByText('has finished').waitFor({ timeout: 60_000 });
      await host.page.getByRole('link', { name: id }).nth(1).waitFor({ timeout: 20_000 });
      await host.page.getByRole('button', { name: 'Run now' }).waitFor({ timeout: 20_000 });
      await host.screenshot('chromium-live-run-now');
    } finally {
      await host.close();
    }
  });
});
