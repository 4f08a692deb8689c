// The dashboards and alert rules on a real Prometheus and Alertmanager (Debian's), fed by a real runner that runs
// Rally against the real local cloud (test/cloud). Every PromQL expression is evaluated through Prometheus's HTTP
// API; then one service of the cloud is stopped and the alerts must fire, reach Alertmanager and its webhook
// receiver with the right labels, and resolve once the service is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readText, readYaml, repoPath } from './lib/repo.mjs';
import { alertRules, dashboardExpressions, expandGrafanaVariables, metricNamesInPromQL } from './lib/promql.mjs';
import { documentedMetricNames } from './lib/metrics-doc.mjs';
import { ensureCloud, openstackEnv } from './lib/cloud.mjs';
import { Daemon, freePort, getJson, waitFor } from './lib/processes.mjs';
import { alertmanagerConfigForTests, startAlertmanager, startPrometheus } from './lib/prometheus-stack.mjs';
import { rulesForTests } from './lib/test-rules.mjs';
import { startWebhookReceiver } from './lib/webhook.mjs';

// Services no other service of the test cloud depends on, so stopping one breaks only itself.
// Keystone's scenarios also validate glance, nova, cinder and neutron tokens, so swift and placement come first.
const BREAKABLE = ['swift', 'placement', 'glance', 'cinder', 'neutron'];
const CLOUD_LABEL = 'e2e';
const REGION_LABEL = 'RegionOne';
const TOKEN = `e2e-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const CYCLE_TIMEOUT_MS = 10 * 60_000;
const SCRAPE_INTERVAL_MS = 2000;
const log = (line) => console.log(line);

const brokenService = BREAKABLE.find((s) => existsSync(repoPath('runner', 'scenarios', `${s}.yaml`)));
const testedServices = ['keystone', ...(brokenService ? [brokenService] : [])];
const needBreakableService = () =>
  assert.ok(brokenService, `no service to break: runner/scenarios has no scenario file for any of ${BREAKABLE.join(', ')}`);

describe('dashboards and alerts on a real Prometheus, Alertmanager, runner and cloud', { timeout: 40 * 60_000 }, () => {
  let dir, cloud, webhook, alertmanager, prometheus, runner, runnerUrl, runnerAddress;

  const runnerCli = repoPath('runner', 'dist', 'src', 'cli.js');

  async function startRunner() {
    const port = Number(runnerAddress.split(':')[1]);
    runner = new Daemon('runner', process.execPath, [runnerCli, 'serve'], {
      env: {
        ...process.env,
        ...openstackEnv(cloud.credentials),
        RALLY_MONITOR_DATA_DIR: join(dir, 'runner'),
        RALLY_MONITOR_SERVICES: testedServices.join(','),
        RALLY_MONITOR_CLOUD: CLOUD_LABEL,
        RALLY_MONITOR_REGION: REGION_LABEL,
        RALLY_MONITOR_API_TOKEN: TOKEN,
        RALLY_MONITOR_LISTEN_ADDRESS: '127.0.0.1',
        EXPORTER_PORT: String(port),
        // Cycles are started by the test through the API; the schedule never fires during it.
        RALLY_SCHEDULE: '0 0 1 1 *',
        RALLY_MONITOR_ITERATIONS: '1',
        RALLY_MONITOR_CONCURRENCY: '1',
      },
      logFile: join(dir, 'runner.log'),
    });
    await waitFor('the runner to answer /health', async () => runner.alive && (await fetch(`${runnerUrl}/health`)).status < 500, { timeoutMs: 60_000 })
      .catch((error) => { throw new Error(`${error.message}\n${runner.tail()}`); });
  }

  /** Starts a cycle through the API and waits until it is recorded; returns the cycle. */
  async function runCycle(why) {
    log(`# cycle: ${why}`);
    const started = await getJson(`${runnerUrl}/api/runs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const { id } = started.body;
    await waitFor(`cycle ${id} (${why})`, async () => {
      const health = (await getJson(`${runnerUrl}/health`)).body;
      return health.lastCycleId === id && !health.running;
    }, { timeoutMs: CYCLE_TIMEOUT_MS, intervalMs: 2000, log });
    const cycle = (await getJson(`${runnerUrl}/api/runs/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).body;
    log(`# cycle ${id}: ${cycle.status}; ${cycle.services.filter((s) => s.state !== 'absent').map((s) => `${s.service} ${s.state}${s.reason ? ` (${s.reason})` : ''}`).join(', ')}`);
    // Prometheus must have scraped what the cycle left before anything is asserted on it.
    await waitFor('Prometheus to scrape the cycle', async () => {
      const result = await prometheus.query(`rally_last_run_timestamp_seconds{cloud="${CLOUD_LABEL}"} >= ${Date.parse(cycle.finishedAt) / 1000 - 1}`);
      return result.data?.result.length === 1;
    }, { timeoutMs: 30_000 });
    // A few more scrapes, so subqueries aligned to the evaluation step see the new series too.
    await new Promise((resolve) => setTimeout(resolve, 3 * SCRAPE_INTERVAL_MS));
    return cycle;
  }

  const notified = (predicate) => webhook.alerts().filter(predicate);
  const stateOf = (cycle, service) => cycle.services.find((s) => s.service === service)?.state;
  const describeCycle = (cycle) => JSON.stringify(cycle.services.filter((s) => s.state !== 'absent').map(({ service, state, reason }) => ({ service, state, reason })));

  before(async () => {
    assert.ok(existsSync(runnerCli), 'the runner is built (npm run build -w runner)');
    dir = mkdtempSync(join(tmpdir(), 'rally-e2e-'));
    cloud = ensureCloud(testedServices, log);
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager(dir, alertmanagerConfigForTests(readYaml('provisioning', 'alertmanager', 'alertmanager.yml'), webhook.url));
    runnerAddress = `127.0.0.1:${await freePort()}`;
    runnerUrl = `http://${runnerAddress}`;
    prometheus = await startPrometheus(dir, {
      rulesText: rulesForTests(readText('alerts', 'rally-monitor.rules.yml')),
      runnerAddress,
      alertmanagerAddress: `127.0.0.1:${alertmanager.port}`,
      scrapeInterval: `${SCRAPE_INTERVAL_MS / 1000}s`,
    });
    await startRunner();
    await waitFor('Prometheus to scrape the runner', async () => (await prometheus.targetHealth()).includes('up'), { timeoutMs: 30_000 });
  });

  after(async () => {
    await runner?.stop();
    await prometheus?.daemon.stop();
    await alertmanager?.daemon.stop();
    await webhook?.close();
    if (cloud && brokenService && !cloud.ownedByThisTest) {
      try {
        cloud.startService(brokenService);
      } catch (error) {
        log(`# could not restart ${brokenService}: ${error.message}`);
      }
    }
    if (cloud?.ownedByThisTest) cloud.down();
    if (dir && !process.env.KEEP_E2E_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('a healthy cloud passes a cycle and raises no Rally alert', async () => {
    const cycle = await runCycle('healthy cloud');
    assert.equal(stateOf(cycle, 'keystone'), 'pass', describeCycle(cycle));
    if (brokenService) assert.equal(stateOf(cycle, brokenService), 'pass', describeCycle(cycle));
    await new Promise((resolve) => setTimeout(resolve, 8000)); // longer than the test rules' for window
    const firing = (await prometheus.firingAlerts()).filter((a) => a.labels.cloud === CLOUD_LABEL || a.labels.job === 'rally-monitor');
    const notCleanup = firing.filter((a) => !a.labels.alertname.startsWith('RallyCleanup') && a.labels.alertname !== 'RallyOrphanedResourcesHigh');
    assert.deepEqual(notCleanup.map((a) => a.labels.alertname), []);
  });

  it('every metric documented in docs/metrics.md that the dashboards or rules use is scraped from the runner', async () => {
    const used = new Set([...alertRules(), ...dashboardExpressions()].flatMap((e) => metricNamesInPromQL(e.expr)));
    const present = new Set((await getJson(`${prometheus.url}/api/v1/label/__name__/values`)).body.data);
    const missing = documentedMetricNames().filter((name) => used.has(name) && !present.has(name));
    assert.deepEqual(missing, []);
  });

  it('every alert rule expression evaluates without error', async () => {
    for (const rule of alertRules()) {
      const result = await prometheus.query(rule.expr);
      assert.equal(result.status, 'success', `${rule.alert}: ${result.error}`);
    }
  });

  it('every dashboard expression evaluates without error, and returns data when the runner exports its metrics', async () => {
    const present = new Set((await getJson(`${prometheus.url}/api/v1/label/__name__/values`)).body.data);
    const empty = [];
    let withData = 0;
    for (const e of dashboardExpressions()) {
      const expr = expandGrafanaVariables(e.expr, { range: '1h', interval: '2s', rateInterval: '1m' });
      if (e.variable) {
        const result = await prometheus.series(expr);
        assert.equal(result.status, 'success', `${e.where}: ${result.error}`);
        assert.ok(result.data.some((s) => s[e.label] !== undefined), `${e.where}: no series with label ${e.label}`);
        withData++;
        continue;
      }
      const result = await prometheus.query(expr);
      assert.equal(result.status, 'success', `${e.where}: ${expr}: ${result.error}`);
      if (metricNamesInPromQL(e.expr).every((name) => present.has(name))) {
        if (result.data.result.length === 0) empty.push(`${e.where}: ${expr}`);
        else withData++;
      }
    }
    assert.deepEqual(empty, [], 'expressions whose metrics exist but that return nothing');
    log(`# ${withData} dashboard expressions returned data`);
    assert.ok(withData >= 30, `only ${withData} expressions had data`);
  });

  it(`stopping ${brokenService ?? 'a service'} fires RallyServiceDown and RallyOverallFailure in Prometheus and Alertmanager`, async () => {
    needBreakableService();
    log(`# stopping ${brokenService}`);
    cloud.stopService(brokenService);
    const cycle = await runCycle(`${brokenService} stopped`);
    assert.equal(stateOf(cycle, brokenService), 'fail', `a stopped service is a failure, not an error: ${describeCycle(cycle)}`);

    const down = await waitFor('RallyServiceDown to reach the webhook', async () =>
      notified((a) => a.status === 'firing' && a.labels.alertname === 'RallyServiceDown')[0], { timeoutMs: 90_000, log });
    assert.deepEqual(
      { alertname: down.labels.alertname, severity: down.labels.severity, service: down.labels.service, cloud: down.labels.cloud, region: down.labels.region, job: down.labels.job },
      { alertname: 'RallyServiceDown', severity: 'critical', service: brokenService, cloud: CLOUD_LABEL, region: REGION_LABEL, job: 'rally-monitor' },
    );
    assert.equal(down.labels.instance, runnerAddress);
    assert.equal(down.annotations.runbook_url, 'docs/runbooks/RallyServiceDown.md');
    assert.equal(down.receiver, 'rally-monitor-critical', 'the shipped route sends critical alerts to the critical receiver');
    assert.match(down.annotations.description, new RegExp(`/a/rallymonitor-openstack-app/service/${brokenService}`));

    const overall = await waitFor('RallyOverallFailure to reach the webhook', async () =>
      notified((a) => a.status === 'firing' && a.labels.alertname === 'RallyOverallFailure')[0], { timeoutMs: 90_000, log });
    assert.equal(overall.labels.severity, 'critical');
    assert.equal(overall.labels.cloud, CLOUD_LABEL);
    const failing = cycle.services.filter((s) => s.state === 'fail').length;
    assert.match(overall.annotations.summary, new RegExp(`^${failing} OpenStack service\\(s\\) failing`));

    const firing = (await prometheus.firingAlerts()).map((a) => `${a.labels.alertname}/${a.labels.service ?? ''}`);
    assert.ok(firing.includes(`RallyServiceDown/${brokenService}`), firing.join(', '));
    assert.ok(!firing.includes('RallyServiceDown/keystone'), 'keystone still passes');
    // The shipped inhibition: the service's own test failures fire in Prometheus but are not notified.
    if (firing.includes(`RallyTestFailure/${brokenService}`)) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      assert.deepEqual(notified((a) => a.labels.alertname === 'RallyTestFailure' && a.labels.service === brokenService), []);
    }
  });

  it(`restarting ${brokenService ?? 'the service'} resolves the alerts`, async () => {
    needBreakableService();
    log(`# starting ${brokenService} again`);
    cloud.startService(brokenService);
    const cycle = await runCycle(`${brokenService} restored`);
    assert.equal(stateOf(cycle, brokenService), 'pass', describeCycle(cycle));
    for (const alertname of ['RallyServiceDown', 'RallyOverallFailure']) {
      const resolved = await waitFor(`${alertname} to be resolved at the webhook`, async () =>
        notified((a) => a.status === 'resolved' && a.labels.alertname === alertname)[0], { timeoutMs: 90_000, log });
      assert.equal(resolved.labels.cloud, CLOUD_LABEL);
    }
    const firing = (await prometheus.firingAlerts()).map((a) => a.labels.alertname);
    assert.ok(!firing.includes('RallyServiceDown') && !firing.includes('RallyOverallFailure'), firing.join(', '));
  });

  it('a runner that stops answering scrapes fires RallyRunnerDown with its instance', async () => {
    await runner.stop();
    const alert = await waitFor('RallyRunnerDown to reach the webhook', async () =>
      notified((a) => a.status === 'firing' && a.labels.alertname === 'RallyRunnerDown')[0], { timeoutMs: 90_000, log });
    assert.deepEqual(
      { severity: alert.labels.severity, job: alert.labels.job, instance: alert.labels.instance },
      { severity: 'warning', job: 'rally-monitor', instance: runnerAddress },
    );
  });

  it('a Prometheus that scrapes no runner fires RallyRunnerNotScraped', async () => {
    const notifiedBefore = webhook.notifications.length;
    const blind = await startPrometheus(join(dir, 'blind'), {
      name: 'blind',
      rulesText: rulesForTests(readText('alerts', 'rally-monitor.rules.yml')),
      runnerAddress: null,
      alertmanagerAddress: `127.0.0.1:${alertmanager.port}`,
      scrapeInterval: `${SCRAPE_INTERVAL_MS / 1000}s`,
    });
    try {
      const alert = await waitFor('RallyRunnerNotScraped to reach the webhook', async () =>
        webhook.notifications.slice(notifiedBefore).flatMap((n) => n.alerts)
          .find((a) => a.status === 'firing' && a.labels.alertname === 'RallyRunnerNotScraped'), { timeoutMs: 60_000, log });
      assert.deepEqual(
        { severity: alert.labels.severity, job: alert.labels.job, prometheus: alert.labels.prometheus },
        { severity: 'warning', job: 'rally-monitor', prometheus: 'blind' },
      );
    } finally {
      await blind.daemon.stop();
    }
  });
});
