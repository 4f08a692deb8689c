// provisioning/: the files an existing Grafana, Prometheus and Alertmanager load, checked with their real tools
// (promtool, amtool) where those exist, and against Grafana's provisioning shapes otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readText, readYaml, repoPath } from './lib/repo.mjs';
import { alertRules, dashboardExpressions, metricNamesInPromQL } from './lib/promql.mjs';

const APP_ID = 'rallymonitor-openstack-app';

test('the app is provisioned enabled, with the runner URL in jsonData and the token in secureJsonData from the environment', () => {
  const doc = readYaml('provisioning', 'plugins', 'rally-monitor.yaml');
  assert.equal(doc.apiVersion, 1);
  assert.equal(doc.apps.length, 1);
  const [app] = doc.apps;
  assert.equal(app.type, APP_ID);
  assert.equal(app.org_id, 1);
  assert.equal(app.disabled, false);
  assert.equal(app.jsonData.runnerUrl, '${RALLY_MONITOR_URL}');
  // The app's settings refuse plain http to another host unless this is "true" (AppConfig's allowsInsecureHttp).
  assert.equal(app.jsonData.allowInsecureHttp, '${RALLY_MONITOR_ALLOW_INSECURE_HTTP}');
  assert.deepEqual(app.secureJsonData, { runnerToken: '${RALLY_MONITOR_API_TOKEN}' });
  assert.equal(JSON.stringify(app.jsonData).includes('Token'), false, 'no secret in jsonData');
});

test('the app id and its proxy route settings match the plugin', () => {
  const plugin = JSON.parse(readText('plugin', 'src', 'plugin.json'));
  assert.equal(plugin.id, APP_ID);
  const routes = JSON.stringify(plugin.routes ?? []);
  assert.match(routes, /\.JsonData\.runnerUrl/);
  assert.match(routes, /\.SecureJsonData\.runnerToken/);
});

test('the Prometheus data source has the uid the alert rules and dashboards use', () => {
  const doc = readYaml('provisioning', 'datasources', 'prometheus.yaml');
  assert.equal(doc.apiVersion, 1);
  const [ds] = doc.datasources;
  assert.deepEqual(
    { type: ds.type, uid: ds.uid, access: ds.access },
    { type: 'prometheus', uid: 'rally-prometheus', access: 'proxy' }
  );
  assert.match(ds.url, /^\$\{[A-Z_]+\}$|^https?:\/\//);
  const ruleDatasources = new Set(
    readYaml('provisioning', 'alerting', 'rally-monitor.yaml').groups.flatMap((g) =>
      g.rules.flatMap((r) => r.data.map((d) => d.datasourceUid))
    )
  );
  assert.deepEqual([...ruleDatasources].sort(), ['__expr__', 'rally-prometheus']);
});

test('the dashboards ship one way, with the app: every dashboard is an app include, and no file provider loads them', () => {
  // docs/provisioning.md says why: the app's dashboard updater overwrites and deletes dashboards of the same uid
  // (grafana/grafana pkg/services/plugindashboards/service/dashboard_updater.go).
  assert.ok(
    !existsSync(repoPath('provisioning', 'dashboards')),
    "provisioning/dashboards/ would load the app's dashboards a second time"
  );
  const included = JSON.parse(readText('plugin', 'src', 'plugin.json'))
    .includes.filter((i) => i.type === 'dashboard')
    .map((i) => i.path)
    .sort();
  const files = readdirSync(repoPath('dashboards'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `dashboards/${f}`)
    .sort();
  assert.deepEqual(included, files);
});

test('the optional alerting examples are not in a folder Grafana loads, and the policy example routes to the example contact point', () => {
  assert.deepEqual(
    readdirSync(repoPath('provisioning', 'alerting')),
    ['rally-monitor.yaml'],
    'only the generated rules are loaded by default'
  );
  const contact = readYaml('provisioning', 'examples', 'alerting', 'contact-point.yaml');
  assert.equal(contact.policies, undefined, 'the contact point example must not touch the policy tree');
  const names = contact.contactPoints.map((c) => c.name);
  const policy = readYaml('provisioning', 'examples', 'alerting', 'notification-policy.yaml');
  const receivers = [];
  const walk = (route) => {
    receivers.push(route.receiver);
    (route.routes ?? []).forEach(walk);
  };
  policy.policies.forEach(walk);
  assert.ok(receivers.includes(names[0]));
  assert.match(readText('provisioning', 'examples', 'alerting', 'notification-policy.yaml'), /REPLACES/);
});

/** A folder laid out as Prometheus sees it: config, rules/ and secrets/ next to each other. */
function prometheusLayout(config, { withToken = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rally-prom-config-'));
  mkdirSync(join(dir, 'rules'));
  copyFileSync(repoPath('alerts', 'rally-monitor.rules.yml'), join(dir, 'rules', 'rally-monitor.rules.yml'));
  copyFileSync(repoPath('provisioning', 'prometheus', config), join(dir, 'prometheus.yml'));
  if (withToken) {
    // Every token and CA file the configuration names, relative to it (the federation example names one per site).
    const { scrape_configs: jobs, remote_write: writes = [] } = readYaml('provisioning', 'prometheus', config);
    const files = [...jobs, ...writes].flatMap((job) => [job.authorization?.credentials_file, job.tls_config?.ca_file]);
    for (const file of files.filter(Boolean)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), 'a-token-for-the-config-check', { mode: 0o400 });
    }
  }
  return dir;
}

for (const config of [
  'scrape-plain.yml',
  'scrape-bearer-token.yml',
  'scrape-canary.yml',
  'federation.yml',
  'remote-write.yml',
  'compose.yml',
]) {
  test(`promtool check config accepts provisioning/prometheus/${config} with the alert rules`, () => {
    const dir = prometheusLayout(config);
    try {
      const result = spawnSync('promtool', ['check', 'config', 'prometheus.yml'], { cwd: dir, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stdout + result.stderr);
      // The remote-write example leaves the rules to the store's ruler.
      if (readYaml('provisioning', 'prometheus', config).rule_files) {
        assert.match(result.stdout, new RegExp(`SUCCESS: ${alertRules().length} rules found`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the scrape examples keep the job name the runner alerts select', () => {
  for (const config of ['scrape-plain.yml', 'scrape-bearer-token.yml', 'compose.yml']) {
    const jobs = readYaml('provisioning', 'prometheus', config).scrape_configs.map((s) => s.job_name);
    assert.deepEqual(jobs, ['rally-monitor'], config);
  }
  assert.match(readText('alerts', 'rally-monitor.rules.yml'), /up\{job="rally-monitor"\}/);
});

test('the canary example finds the canaries through the runner and keeps the job name CanaryDown selects', () => {
  const jobs = readYaml('provisioning', 'prometheus', 'scrape-canary.yml').scrape_configs;
  assert.deepEqual(
    jobs.map((s) => s.job_name),
    ['rally-monitor', 'rally-monitor-canary', 'rally-monitor-canary-node']
  );
  assert.match(jobs[1].http_sd_configs[0].url, /\/api\/canary\/targets$/);
  // The node exporters: the same discovery, the port rewritten to the node exporter's.
  assert.equal(jobs[2].http_sd_configs[0].url, jobs[1].http_sd_configs[0].url);
  const [port] = jobs[2].relabel_configs.filter((r) => r.target_label === '__address__');
  assert.equal(
    '10.0.0.5:8080'.replace(new RegExp(`^${port.regex}$`), port.replacement.replace('${1}', '$1')),
    '10.0.0.5:9100'
  );
  assert.match(readText('alerts', 'rally-monitor.rules.yml'), /up\{job="rally-monitor-canary"\}/);
});

test('the bearer-token example reads the token from a file and never inlines it', () => {
  const [job] = readYaml('provisioning', 'prometheus', 'scrape-bearer-token.yml').scrape_configs;
  assert.equal(job.authorization.type, 'Bearer');
  assert.ok(job.authorization.credentials_file);
  assert.equal(job.authorization.credentials, undefined);
  assert.equal(job.bearer_token, undefined);
  const dir = prometheusLayout('scrape-bearer-token.yml', { withToken: false });
  try {
    const result = spawnSync('promtool', ['check', 'config', 'prometheus.yml'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(result.status, 0, 'promtool must notice the missing token file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the federation example keeps the runners' labels and pulls every series the rules and dashboards need", () => {
  const [job] = readYaml('provisioning', 'prometheus', 'federation.yml').scrape_configs;
  assert.equal(job.honor_labels, true);
  assert.equal(job.metrics_path, '/federate');
  const nameRegexes = job.params['match[]'].map((selector) => {
    const match = /__name__=~"([^"]+)"/.exec(selector);
    assert.ok(match, `${selector}: select by metric name`);
    return new RegExp(`^(?:${match[1]})$`);
  });
  const used = new Set([...alertRules(), ...dashboardExpressions()].flatMap((e) => metricNamesInPromQL(e.expr)));
  for (const name of used) {
    assert.ok(
      nameRegexes.some((re) => re.test(name)),
      `federation does not pull ${name}`
    );
  }
});

test('amtool check-config accepts the Alertmanager configuration, whose inhibitions name real alerts', () => {
  const result = spawnSync('amtool', ['check-config', 'provisioning/alertmanager/alertmanager.yml'], {
    cwd: repoPath(),
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const alerts = new Set(
    readYaml('alerts', 'rally-monitor.rules.yml').groups.flatMap((g) => g.rules.map((r) => r.alert))
  );
  const named = [
    ...readText('provisioning', 'alertmanager', 'alertmanager.yml').matchAll(/alertname=~?"([^"]+)"/g),
  ].flatMap((m) => m[1].split('|'));
  assert.ok(named.length >= 3);
  for (const name of named) assert.ok(alerts.has(name), `inhibit rule names unknown alert ${name}`);
});
