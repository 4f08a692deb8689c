// The built plugin in real headless Chromium, loaded the way Grafana loads plugins. The runner is the one at
// RUNNER_URL (with RUNNER_TOKEN) when set, else a replay of responses recorded from a real runner run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { RECORDED_DIR, startRecordedRunner } from './chromium/recordedRunner.mjs';
import { openHost, renderPluginInChromium } from './chromium/renderInChromium.mjs';
import { readDataplaneRecording } from './chromium/recordedPrometheus.mjs';

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

describe('plugin in headless Chromium', { timeout: 600_000 }, () => {
  let runner;
  let expected;
  let health;

  before(async () => {
    if (process.env.RUNNER_URL) {
      runner = { url: process.env.RUNNER_URL, token: process.env.RUNNER_TOKEN ?? '', close: async () => {} };
      const get = async (p) =>
        (await fetch(`${runner.url}${p}`, { headers: { authorization: `Bearer ${runner.token}` } })).json();
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
    const result = await renderPluginInChromium({
      runnerUrl: runner.url,
      runnerToken: runner.token,
      prefix: 'chromium',
    });
    assert.deepEqual(
      result.pageErrors.filter((e) => !knownMissing(e)),
      []
    );
    assert.deepEqual(result.overview.alerts, [], 'no error or warning on the Overview');
    // The dataplane lane, from the recorded canaries (one of the four agents stopped) through the data source proxy.
    assert.match(result.overview.dataplane, /Down/);
    assert.match(result.overview.dataplane, /2 of 7 pairs unreachable/);
    assert.ok(result.proxied.includes('GET /api/datasources/proxy/uid/rally-prometheus/api/v1/query'));

    const tested = expected.services.filter((s) => s.state !== 'absent');
    assert.ok(tested.length > 0, 'the recorded cycle tested at least one service');
    assert.deepEqual(
      result.overview.rows.map((r) => r.service),
      tested.map((s) => s.service)
    );
    for (const service of tested) {
      const row = result.overview.rows.find((r) => r.service === service.service);
      assert.match(row.text, new RegExp(STATE_WORD[service.state]), `${service.service} shows ${service.state}`);
    }
    assert.deepEqual(
      result.overview.lanes.map((l) => l.name),
      tested.map((s) => s.service)
    );
    for (const lane of result.overview.lanes) {
      const state = tested.find((s) => s.service === lane.name).state;
      assert.ok(lane.states.includes(state), `${lane.name}'s timeline shows its latest state ${state}`);
    }
    const runButton = health.running ? 'Cycle running…' : 'Run now';
    assert.ok(result.overview.buttons.includes(runButton), `Admins get "${runButton}": ${result.overview.buttons}`);

    const shownService = tested.find((s) => s.service === result.service.name);
    assert.deepEqual(result.service.alerts, [], 'no error on the Service page');
    assert.deepEqual(
      result.service.workloads,
      shownService.workloads.map((w) => w.key)
    );
    assert.ok(result.service.latencies > 0, 'atomic action latencies from the runs');

    assert.ok(result.panel.frames > 0, 'the panel got one frame per tested service');
    assert.deepEqual(result.panel.lanes.map((l) => l.name).sort(), tested.map((s) => s.service).sort());
    for (const lane of result.panel.lanes) {
      assert.ok(
        lane.states.some((s) => s !== 'nodata'),
        `${lane.name} has data cells`
      );
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
      const report = await (
        await fetch(`${runner.url}/api/cleanup`, { headers: { authorization: `Bearer ${runner.token}` } })
      ).json();
      const rows = await host.page.locator('[data-testid^="leak-"]').count();
      assert.equal(rows, report.leaks.length);
      assert.ok(await host.page.getByRole('button', { name: 'Purge…' }).isVisible());
      await host.screenshot('chromium-cleanup-dark', { fullPage: false });
    } finally {
      await host.close();
    }
  });

  it("renders the Dataplane page's AZ matrix through Grafana's data source proxy, and a pair's history on click", async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Viewer' });
    try {
      await host.renderApp('dataplane');
      const matrix = host.page.getByRole('table', { name: 'Availability zone matrix' });
      await matrix.waitFor({ timeout: 20_000 });
      const zones = [...new Set(readDataplaneRecording().zones.map((z) => `${z.datacenter} / ${z.az}`))];
      assert.deepEqual(await matrix.getByRole('columnheader').allTextContents(), ['from \\ to', ...zones]);
      const broken = matrix.getByRole('button', { name: /^dc1 \/ az1 to dc2 \/ az3: .*loss above 5%.*unreachable/ });
      assert.equal(await broken.getAttribute('data-lossy'), 'true');
      await broken.click();
      const history = host.page.getByRole('region', { name: 'dc1 / az1 to dc2 / az3 over time' });
      await history.getByTestId('pair-loss').waitFor({ timeout: 20_000 });
      assert.match(await history.getByTestId('pair-loss').textContent(), /^latest \d+\.\d%, max \d+\.\d%$/);
      assert.match(await history.getByTestId('pair-p95').textContent(), /^latest [\d.]+ ms/);
      assert.equal(await history.getByRole('img').count(), 2);
      await host.screenshot('chromium-dataplane-dark');
      assert.deepEqual(
        host.pageErrors.filter((e) => !knownMissing(e)),
        []
      );
      const proxied = host.server.proxied.filter((p) =>
        p.startsWith('GET /api/datasources/proxy/uid/rally-prometheus/')
      );
      assert.ok(
        proxied.some((p) => p.endsWith('/api/v1/query_range')),
        host.server.proxied.join(', ')
      );
    } finally {
      await host.close();
    }
  });

  it('says the runner is unreachable and how to fix it, and the panel shows no series', async () => {
    const result = await renderPluginInChromium({
      runnerUrl: `http://127.0.0.1:${await closedPort()}`,
      prefix: 'chromium-unreachable',
    });
    assert.equal(result.overview.alerts.length, 1);
    assert.match(result.overview.alerts[0], /Runner unreachable/);
    assert.match(result.overview.alerts[0], /check the Runner URL/);
    assert.deepEqual(result.panel.lanes, []);
  });

  /** The first service of the latest run that kept every artifact. */
  const withArtifacts = () =>
    expected.services.find((s) => s.artifacts?.html && s.artifacts?.junit && s.artifacts?.log);

  it("shows Rally's HTML report inside the app with its tables, where the proxy's own URL shows it without scripts", async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Viewer' });
    try {
      const service = withArtifacts();
      assert.ok(service, 'the recorded run kept its artifacts');
      await host.renderApp(`runs/${expected.id}`);
      const section = host.page.locator(`[data-testid="run-service-${service.service}"]`);
      await section.getByRole('link', { name: 'Rally HTML report' }).click();
      const frameElement = host.page.locator('[data-testid="rally-report-frame"]');
      await frameElement.waitFor({ timeout: 20_000 });
      assert.equal(await frameElement.getAttribute('sandbox'), 'allow-scripts');
      const frame = host.page.frameLocator('[data-testid="rally-report-frame"]');
      // Rally's report builds its tables with Angular: rows with the workloads exist only if its scripts ran.
      const cell = frame.locator('td', { hasText: 'KeystoneBasic.create_delete_user' }).first();
      await cell.waitFor({ timeout: 20_000 });
      const tables = await frame.locator('table').count();
      assert.ok(tables > 0, 'the report has tables');
      const frameText = await frame.locator('body').innerText();
      assert.ok(!frameText.includes('{{'), 'no unrendered Angular template is left');
      assert.equal(await host.page.evaluate(() => window.host.intercepted.length), 0);
      await host.screenshot('chromium-report-dark', { fullPage: false });

      // The same report opened from the proxy URL, as the old link did: Grafana's `sandbox` CSP blocks its scripts.
      const reportUrl = `${host.server.url}/api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs/${expected.id}/report.html?service=${service.service}`;
      const direct = await host.page.context().browser().newPage();
      const response = await direct.goto(reportUrl);
      assert.equal(response.headers()['content-security-policy'], 'sandbox');
      assert.equal(await direct.locator('td', { hasText: 'KeystoneBasic.create_delete_user' }).count(), 0);
      await direct.close();
    } finally {
      await host.close();
    }
  });

  it("opens the JUnit XML and the log outside the app: Grafana's link interception leaves them alone", async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Viewer' });
    try {
      const service = withArtifacts();
      await host.renderApp(`runs/${expected.id}`);
      const section = host.page.locator(`[data-testid="run-service-${service.service}"]`);
      await section.waitFor({ timeout: 20_000 });

      const [download] = await Promise.all([
        host.page.waitForEvent('download', { timeout: 10_000 }),
        section.getByRole('link', { name: 'JUnit XML' }).click(),
      ]);
      const junit = fs.readFileSync(await download.path(), 'utf8');
      assert.match(junit, /<testsuite/);

      const [popup] = await Promise.all([
        host.page.context().waitForEvent('page', { timeout: 10_000 }),
        section.getByRole('link', { name: 'Rally log' }).click(),
      ]);
      await popup.waitForLoadState();
      assert.match(popup.url(), /\/runner\/api\/runs\/.*\/rally\.log/);
      assert.ok((await popup.locator('body').innerText()).length > 0, 'the log shows');
      await popup.close();

      assert.deepEqual(await host.page.evaluate(() => window.host.intercepted), []);
      assert.equal(await host.page.locator('[data-testid="grafana-page-not-found"]').count(), 0);
    } finally {
      await host.close();
    }
  });

  it('lets a Viewer granted "Cycle runner" run a cycle but not purge; the proxy agrees', async () => {
    const host = await openHost({
      runnerUrl: runner.url,
      runnerToken: runner.token,
      role: 'Viewer',
      grantedRoles: ['Cycle runner'],
    });
    try {
      await host.renderApp(`overview?from=${host.span.from}&to=${host.span.to}`);
      await host.page.waitForSelector('[data-testid^="service-row-"]', { timeout: 20_000 });
      const runButton = health.running ? 'Cycle running…' : 'Run now';
      assert.ok(
        await host.page.getByRole('button', { name: runButton }).isVisible(),
        'the granted Viewer gets the run button'
      );

      await host.renderApp('cleanup');
      await host.page.waitForSelector('table[aria-label="Leaked resources"], [role="alert"]', { timeout: 20_000 });
      assert.equal(await host.page.getByRole('button', { name: 'Purge…' }).count(), 0, 'but not the purge');

      const post = (p) =>
        host.page.evaluate(
          async (url) =>
            (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
          `/api/plugin-proxy/rallymonitor-openstack-app/runner/api/${p}`
        );
      assert.equal(await post('cleanup/purge'), 403);
      if (runner.requests) {
        const before = runner.requests.length;
        assert.notEqual(await post('runs'), 403);
        assert.deepEqual(
          runner.requests.slice(before).map((r) => `${r.method} ${r.path}`),
          ['POST /api/runs'],
          'the POST reached the runner'
        );
      }
    } finally {
      await host.close();
    }
  });

  it('falls back to the Admin role where Grafana gives the UI no permissions', async () => {
    for (const [role, shown] of [
      ['Admin', true],
      ['Editor', false],
    ]) {
      const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role, rbac: false });
      try {
        await host.renderApp(`overview?from=${host.span.from}&to=${host.span.to}`);
        await host.page.waitForSelector('[data-testid^="service-row-"]', { timeout: 20_000 });
        const buttons = await host.page.evaluate(() =>
          Array.from(document.querySelectorAll('button')).map((b) => b.textContent.trim())
        );
        assert.equal(buttons.includes('Run now') || buttons.includes('Cycle running…'), shown, `${role}: ${buttons}`);
      } finally {
        await host.close();
      }
    }
  });

  it('does not offer "Run now" to Viewers, and the proxy refuses their POST', async () => {
    const host = await openHost({ runnerUrl: runner.url, runnerToken: runner.token, role: 'Viewer' });
    try {
      await host.renderApp(`overview?from=${host.span.from}&to=${host.span.to}`);
      await host.page.waitForSelector('[data-testid^="service-row-"]', { timeout: 20_000 });
      const buttons = await host.page.evaluate(() =>
        Array.from(document.querySelectorAll('button')).map((b) => b.textContent.trim())
      );
      assert.ok(!buttons.includes('Run now') && !buttons.includes('Cycle running…'), `buttons: ${buttons}`);
      const status = await host.page.evaluate(
        async () =>
          (await fetch('/api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs', { method: 'POST' })).status
      );
      assert.equal(status, 403);
    } finally {
      await host.close();
    }
  });
});
