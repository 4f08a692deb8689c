// The dashboards and alert rules on a real Prometheus and Alertmanager (Debian's), fed by a real runner that runs
// Rally against the real local cloud (test/cloud, brought up by `npm test`; RALLY_MONITOR_TEST_CLOUD_DIR).
// Every PromQL expression of every dashboard and rule is evaluated through Prometheus's HTTP API; a Rally-named
// leak, a stopped service, a stopped runner and a Prometheus that scrapes no runner must each fire the right
// alert, reach Alertmanager (with the shipped routes and inhibitions) and its webhook receiver with the right
// labels, and the service alerts must resolve once the service is back. Real canary agents and a real node exporter
// (test/assets/lib/canary-mesh.mjs) feed the same Prometheus, so the Dataplane dashboard's queries return data too.
//   RALLY_MONITOR_TEST_CLOUD_DIR=/tmp/c node --test --test-concurrency=1 test/assets/real-prometheus.e2e.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readText, readYaml, repoPath } from './lib/repo.mjs';
import { alertRules, dashboardExpressions, expandGrafanaVariables, metricNamesInPromQL } from './lib/promql.mjs';
import { documentedSeriesNames } from './lib/metrics-doc.mjs';
import { DEFAULT_GRAFANA_URL, defaultRunbookBaseUrl } from '../../alerts/generate-rules.mjs';
import { getJson, waitFor } from './lib/processes.mjs';
import {
  alertmanagerConfigForTests,
  bearerScrapeJobForTests,
  startAlertmanager,
  startPrometheus,
} from './lib/prometheus-stack.mjs';
import { rulesForTests } from './lib/test-rules.mjs';
import { startWebhookReceiver } from './lib/webhook.mjs';
import { startCanaryMesh } from './lib/canary-mesh.mjs';
import { cloudSeed, openstackSession, runnerConfig, runnerProcess } from './lib/runner-support.mjs';

// Services no other tested service depends on, so stopping one breaks only itself. Keystone's scenarios also
// validate glance, nova, cinder and neutron tokens, so swift and placement come first.
const BREAKABLE = ['swift', 'placement', 'glance', 'cinder', 'neutron'];
const CLOUD_LABEL = 'e2e';
const SCRAPE_INTERVAL_MS = 2000;
const NOTIFY_TIMEOUT_MS = 90_000;
const log = (line) => console.log(line);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('dashboards and alerts on a real Prometheus, Alertmanager, runner and cloud', { timeout: 40 * 60_000 }, () => {
  let dir, cloud, support, brokenService, testedServices, webhook, alertmanager, prometheus, runner, runnerAddress;
  let session, seeder, leak, healthyCycle, canaries;

  const needBreakableService = () =>
    assert.ok(
      brokenService,
      `no service to break: the test cloud (${cloud.services.join(', ')}) and runner/scenarios share none of ${BREAKABLE.join(', ')}`
    );
  const notified = (predicate) => webhook.alerts().filter(predicate);
  const firingAtWebhook = (what, predicate) =>
    waitFor(`${what} to reach the webhook`, async () => notified((a) => a.status === 'firing' && predicate(a))[0], {
      timeoutMs: NOTIFY_TIMEOUT_MS,
      log,
    });
  const stateOf = (cycle, service) => cycle.services.find((s) => s.service === service)?.state;
  const describeCycle = (cycle) =>
    JSON.stringify(
      cycle.services
        .filter((s) => s.state !== 'absent')
        .map(({ service, state, reason, durationSeconds }) => ({ service, state, reason, durationSeconds }))
    );
  const value = async (expr) => {
    const result = await prometheus.query(expr);
    assert.equal(result.status, 'success', `${expr}: ${result.error}`);
    return result.data.result.length ? Number(result.data.result[0].value[1]) : null;
  };

  /** Starts a cycle through the API, waits until it is recorded and Prometheus has scraped its results. */
  async function runCycle(why) {
    log(`# cycle: ${why}`);
    const id = await runner.startCycle();
    // Reads need the token (RALLY_MONITOR_PROTECT_READS), so the cycle is polled with it.
    const cycle = await waitFor(
      `cycle ${id} (${why})`,
      async () => {
        const response = await runner.request(`/api/runs/${id}`, { auth: true });
        return response.status === 200 ? response.json() : (await response.arrayBuffer(), null);
      },
      { timeoutMs: 600_000, intervalMs: 1000, log }
    );
    log(`# cycle ${id}: ${cycle.status}; ${describeCycle(cycle)}`);
    // The record is written before the cleanup scan that follows each cycle; the next cycle can start after it.
    await waitFor(`the runner to finish cycle ${id}`, async () => !(await runner.json('/health')).running, {
      timeoutMs: 300_000,
      intervalMs: 1000,
      log,
    });
    await waitFor(
      'Prometheus to scrape the cycle',
      async () =>
        (await value(
          `rally_last_run_timestamp_seconds{cloud="${CLOUD_LABEL}"} >= ${Date.parse(cycle.finishedAt) / 1000 - 1}`
        )) !== null,
      { timeoutMs: 30_000 }
    );
    // A few more scrapes, so subqueries aligned to the evaluation step see the new values too.
    await sleep(3 * SCRAPE_INTERVAL_MS);
    return cycle;
  }

  before(async () => {
    support = await runnerProcess();
    cloud = support.testCloud();
    brokenService = BREAKABLE.find(
      (s) => cloud.services.includes(s) && existsSync(repoPath('runner', 'scenarios', `${s}.yaml`))
    );
    // Only the service to break is tested: every Rally task costs about a minute, and the rules' logic across
    // services is covered by the promtool unit tests. Without one, Keystone keeps the other checks meaningful.
    testedServices = brokenService ? [brokenService] : ['keystone'];
    log(`# cloud ${cloud.dir} (${cloud.services.join(', ')}); testing ${testedServices.join(', ')}`);
    dir = mkdtempSync(join(tmpdir(), 'rally-e2e-'));
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager(
      dir,
      alertmanagerConfigForTests(readYaml('provisioning', 'alertmanager', 'alertmanager.yml'), webhook.url)
    );
    runner = await support.startRunner({
      env: {
        RALLY_MONITOR_SERVICES: testedServices.join(','),
        RALLY_MONITOR_CLOUD: CLOUD_LABEL,
        // /metrics behind the token, scraped with the shipped bearer-token example.
        RALLY_MONITOR_PROTECT_READS: 'true',
        // Scans happen when the test asks (GET /api/cleanup?refresh=true) and around cycles.
        RALLY_MONITOR_CLEANUP_SCHEDULE: '0 0 1 1 *',
        // Each refresh the test asks for must scan (the default rate limit would answer with the previous scan).
        RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL: '0',
      },
    });
    runnerAddress = runner.url.replace('http://', '');
    // Three canaries in two datacenters, probing each other every second for as long as the test runs.
    canaries = await startCanaryMesh(join(dir, 'canaries'), [
      { id: 'canary-e2e-az1', datacenter: 'dc1', az: 'az1' },
      { id: 'canary-e2e-az2', datacenter: 'dc1', az: 'az2' },
      { id: 'canary-e2e-az3', datacenter: 'dc2', az: 'az3' },
    ]);
    const metricsWithoutToken = await runner.request('/metrics');
    assert.equal(metricsWithoutToken.status, 401, 'the runner protects /metrics');
    await metricsWithoutToken.arrayBuffer();
    prometheus = await startPrometheus(dir, {
      rulesText: rulesForTests(readText('alerts', 'rally-monitor.rules.yml')),
      scrapeJobs: [
        bearerScrapeJobForTests(
          dir,
          readYaml('provisioning', 'prometheus', 'scrape-bearer-token.yml'),
          runnerAddress,
          runner.token
        ),
        canaries.scrapeJob(),
      ],
      alertmanagerAddress: `127.0.0.1:${alertmanager.port}`,
      scrapeInterval: `${SCRAPE_INTERVAL_MS / 1000}s`,
    });
    await waitFor(
      'Prometheus to scrape the runner with the bearer token',
      async () => (await prometheus.targetHealth()).includes('up'),
      { timeoutMs: 30_000 }
    );
    const { loadConfig } = await runnerConfig();
    const { OpenStackSession } = await openstackSession();
    session = new OpenStackSession(
      loadConfig({ ...support.cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: dir }, dir).openstack
    );
    const { CloudSeeder } = await cloudSeed();
    seeder = new CloudSeeder(session);
  });

  after(async () => {
    const problems = await seeder?.removeAll().catch((error) => [error.message]);
    await session?.close?.();
    await runner?.stop();
    await canaries?.stop();
    await prometheus?.daemon.stop();
    await alertmanager?.daemon.stop();
    await webhook?.close();
    if (brokenService) {
      await support
        .cloudCtl(cloud, 'start-service', brokenService)
        .catch((error) => log(`# restarting ${brokenService}: ${error.message}`));
    }
    if (!process.env.KEEP_E2E_DIR) rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(problems ?? [], [], 'teardown could not remove the leak it made');
  });

  it('a healthy cloud passes a cycle and raises no Rally service or runner alert', async () => {
    const cycle = await runCycle('healthy cloud');
    healthyCycle = cycle;
    for (const service of testedServices) assert.equal(stateOf(cycle, service), 'pass', describeCycle(cycle));
    await sleep(4 * SCRAPE_INTERVAL_MS); // longer than the test rules' for window
    const firing = (await prometheus.firingAlerts())
      .filter((a) => !['RallyCleanupFailure', 'RallyOrphanedResourcesHigh'].includes(a.labels.alertname)) // the cloud is shared: leaks are others'
      // The canaries' host alerts judge this shared test machine (its load), not the cloud.
      .filter((a) => !a.labels.alertname.startsWith('CanaryHost'))
      // The leak scan lists every service in the catalog; only the tested ones are this test's claim of health.
      .filter((a) => a.labels.alertname !== 'RallyCleanupScanFailed' || testedServices.includes(a.labels.service))
      .map((a) => `${a.labels.alertname}/${a.labels.service ?? ''}`);
    assert.deepEqual(firing, []);
  });

  it('a Rally-named leak shows in the metrics and fires RallyCleanupFailure', async () => {
    const selector = `rally_orphaned_resources{cloud="${CLOUD_LABEL}",service="keystone",resource_type="project"}`;
    assert.notEqual(await value(selector), null, 'the runner exports the project count of its scan');
    const { rallyName } = await cloudSeed();
    // Named after a task of the runner's own cycle, so the leak is proven Rally's (attribution `run`): a name whose
    // task no Rally here ran only counts in rally_orphaned_unattributed_resources, which raises no alert.
    const task = healthyCycle?.services.find((s) => s.taskUuid)?.taskUuid;
    assert.ok(task, 'the healthy cycle ran a Rally task');
    leak = await seeder.project(rallyName(task.replace(/-/g, '').slice(0, 8), 'c_rally_'));
    log(`# leaked project ${leak.name}`);
    const scan = await runner.request('/api/cleanup?refresh=true', { auth: true });
    assert.equal(scan.status, 200, await scan.clone().text());
    const report = await scan.json();
    assert.ok(
      report.leaks.some(
        (l) => l.name === leak.name && l.service === 'keystone' && l.type === 'project' && l.attribution === 'run'
      ),
      'the scan finds the leak, attributed to the run'
    );
    // The cloud is shared, so other tests' leaks come and go: the count must include this one, whatever theirs.
    const scannedAt = Date.parse(report.scannedAt) / 1000;
    await waitFor(
      'the scan to be scraped',
      async () =>
        (await value(`rally_cleanup_last_scan_timestamp_seconds{cloud="${CLOUD_LABEL}"} >= ${scannedAt}`)) !== null,
      { timeoutMs: 30_000 }
    );
    const ownType = report.leaks.filter(
      (l) => l.service === 'keystone' && l.type === 'project' && l.attribution !== 'unattributed'
    ).length;
    assert.equal(await value(selector), ownType);
    assert.ok(
      (await value(
        `rally_orphaned_resource_oldest_age_seconds{cloud="${CLOUD_LABEL}",service="keystone",resource_type="project"}`
      )) >= 0
    );
    const alert = await firingAtWebhook(
      'RallyCleanupFailure',
      (a) =>
        a.labels.alertname === 'RallyCleanupFailure' &&
        a.labels.service === 'keystone' &&
        a.labels.resource_type === 'project'
    );
    assert.equal(alert.labels.severity, 'critical');
    assert.equal(alert.labels.cloud, CLOUD_LABEL);
    assert.equal(alert.receiver, 'rally-monitor-critical');
    assert.match(alert.annotations.description, /\/a\/rallymonitor-openstack-app\/cleanup/);
  });

  it('every metric of docs/metrics.md that the dashboards or rules use is scraped from the runner and the canaries', async () => {
    const used = new Set([...alertRules(), ...dashboardExpressions()].flatMap((e) => metricNamesInPromQL(e.expr)));
    const present = new Set((await getJson(`${prometheus.url}/api/v1/label/__name__/values`)).body.data);
    assert.ok(used.has('canary_peer_rtt_seconds_bucket') && used.has('node_load5'));
    // Slow-down detection exports its series only once an action has a baseline (RALLY_MONITOR_REGRESSION_MIN_SAMPLES
    // earlier cycles), which this runner's few cycles never reach: runner/test/integration/regressions.test.ts
    // scrapes them from a runner with a recorded history into a real Prometheus and evaluates the shipped rule.
    const NEED_HISTORY = ['rally_atomic_action_regressed', 'rally_atomic_action_baseline_seconds'];
    assert.deepEqual(
      documentedSeriesNames().filter((name) => used.has(name) && !present.has(name) && !NEED_HISTORY.includes(name)),
      []
    );
  });

  it('the node exporter beside the canaries is scraped with their labels, so the host alerts and panels see it', async () => {
    const load = await prometheus.query(
      'node_load5{canary_id="canary-e2e-az1",datacenter="dc1",availability_zone="az1"}'
    );
    assert.equal(load.data.result.length, 1, JSON.stringify(load));
    const cpu = await prometheus.query(
      alertRules()
        .find((r) => r.alert === 'CanaryHostCpuHigh')
        .expr.replace(/> 70\s*$/, '')
    );
    assert.equal(cpu.data.result.length, 1, `the CPU alert's expression sees the canary host: ${JSON.stringify(cpu)}`);
  });

  it('every alert rule expression evaluates without error', async () => {
    for (const rule of alertRules()) {
      const result = await prometheus.query(rule.expr);
      assert.equal(result.status, 'success', `${rule.alert}: ${result.error}`);
    }
  });

  it('every dashboard expression and variable query evaluates without error and returns data', async () => {
    let withData = 0;
    const empty = [];
    for (const e of dashboardExpressions()) {
      const expr = expandGrafanaVariables(e.expr, { range: '1h', interval: '2s', rateInterval: '1m' });
      if (e.variable) {
        const result = await prometheus.series(expr);
        assert.equal(result.status, 'success', `${e.where}: ${result.error}`);
        if (result.data.some((s) => s[e.label] !== undefined)) withData++;
        else empty.push(`${e.where}: ${expr}`);
        continue;
      }
      const result = await prometheus.query(expr);
      assert.equal(result.status, 'success', `${e.where}: ${expr}: ${result.error}`);
      if (result.data.result.length > 0) withData++;
      else empty.push(`${e.where}: ${expr}`);
    }
    log(`# ${withData} dashboard expressions returned data`);
    assert.deepEqual(empty, [], 'expressions that returned nothing');
  });

  it('stopping a service fires RallyServiceDown and RallyOverallFailure in Prometheus and Alertmanager', async () => {
    needBreakableService();
    log(`# stopping ${brokenService}`);
    await support.cloudCtl(cloud, 'stop-service', brokenService);
    const cycle = await runCycle(`${brokenService} stopped`);
    if (stateOf(cycle, brokenService) !== 'fail') {
      // The cloud may be shared with other tests; one that runs `cloud.sh up` restarts the stopped service.
      const status = await support
        .cloudCtl(cloud, 'status', brokenService)
        .catch((error) => error.stdout ?? String(error));
      assert.fail(
        `a stopped service is a failure, not an error: ${describeCycle(cycle)}; ${brokenService} now: ${status.trim()}`
      );
    }

    const down = await firingAtWebhook('RallyServiceDown', (a) => a.labels.alertname === 'RallyServiceDown');
    assert.deepEqual(
      {
        severity: down.labels.severity,
        service: down.labels.service,
        cloud: down.labels.cloud,
        job: down.labels.job,
        instance: down.labels.instance,
      },
      {
        severity: 'critical',
        service: brokenService,
        cloud: CLOUD_LABEL,
        job: 'rally-monitor',
        instance: runnerAddress,
      }
    );
    assert.equal(
      down.receiver,
      'rally-monitor-critical',
      'the shipped route sends critical alerts to the critical receiver'
    );
    // The shipped rules carry absolute links, to the runbooks the plugin serves from the default Grafana URL.
    assert.equal(down.annotations.runbook_url, `${defaultRunbookBaseUrl(DEFAULT_GRAFANA_URL)}/RallyServiceDown.md`);
    assert.match(down.annotations.description, new RegExp(`/a/rallymonitor-openstack-app/service/${brokenService}`));

    const overall = await firingAtWebhook('RallyOverallFailure', (a) => a.labels.alertname === 'RallyOverallFailure');
    assert.equal(overall.labels.severity, 'critical');
    assert.equal(overall.labels.cloud, CLOUD_LABEL);
    const failing = cycle.services.filter((s) => s.state === 'fail').length;
    assert.match(overall.annotations.summary, new RegExp(`^${failing} OpenStack service\\(s\\) failing`));

    const firing = (await prometheus.firingAlerts()).map((a) => `${a.labels.alertname}/${a.labels.service ?? ''}`);
    assert.ok(firing.includes(`RallyServiceDown/${brokenService}`), firing.join(', '));
    // The shipped inhibition: the service's own failing scenarios fire in Prometheus but are not notified.
    if (firing.includes(`RallyTestFailure/${brokenService}`)) {
      await sleep(5000);
      assert.deepEqual(
        notified((a) => a.labels.alertname === 'RallyTestFailure' && a.labels.service === brokenService),
        []
      );
    }
  });

  it('restarting the service resolves the alerts', async () => {
    needBreakableService();
    log(`# starting ${brokenService} again`);
    await support.cloudCtl(cloud, 'start-service', brokenService);
    const cycle = await runCycle(`${brokenService} restored`);
    assert.equal(stateOf(cycle, brokenService), 'pass', describeCycle(cycle));
    for (const alertname of ['RallyServiceDown', 'RallyOverallFailure']) {
      const resolved = await waitFor(
        `${alertname} to be resolved at the webhook`,
        async () => notified((a) => a.status === 'resolved' && a.labels.alertname === alertname)[0],
        { timeoutMs: NOTIFY_TIMEOUT_MS, log }
      );
      assert.equal(resolved.labels.cloud, CLOUD_LABEL);
    }
    const firing = (await prometheus.firingAlerts()).map((a) => a.labels.alertname);
    assert.ok(!firing.includes('RallyServiceDown') && !firing.includes('RallyOverallFailure'), firing.join(', '));
  });

  it('a runner that stops answering scrapes fires RallyRunnerDown with its instance', async () => {
    await runner.stop();
    const alert = await firingAtWebhook('RallyRunnerDown', (a) => a.labels.alertname === 'RallyRunnerDown');
    assert.deepEqual(
      { severity: alert.labels.severity, job: alert.labels.job, instance: alert.labels.instance },
      { severity: 'warning', job: 'rally-monitor', instance: runnerAddress }
    );
  });

  it('a Prometheus that scrapes no runner fires RallyRunnerNotScraped', async () => {
    const notifiedBefore = webhook.notifications.length;
    const blind = await startPrometheus(join(dir, 'blind'), {
      name: 'blind',
      rulesText: rulesForTests(readText('alerts', 'rally-monitor.rules.yml')),
      alertmanagerAddress: `127.0.0.1:${alertmanager.port}`,
      scrapeInterval: `${SCRAPE_INTERVAL_MS / 1000}s`,
    });
    try {
      const alert = await waitFor(
        'RallyRunnerNotScraped to reach the webhook',
        async () =>
          webhook.notifications
            .slice(notifiedBefore)
            .flatMap((n) => n.alerts)
            .find((a) => a.status === 'firing' && a.labels.alertname === 'RallyRunnerNotScraped'),
        { timeoutMs: 60_000, log }
      );
      assert.deepEqual(
        { severity: alert.labels.severity, job: alert.labels.job, prometheus: alert.labels.prometheus },
        { severity: 'warning', job: 'rally-monitor', prometheus: 'blind' }
      );
    } finally {
      await blind.daemon.stop();
    }
  });
});
