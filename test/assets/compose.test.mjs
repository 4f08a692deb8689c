// docker-compose.yaml and runner/Dockerfile, checked without a Docker engine (none runs here, and this machine's
// docker CLI has no compose plugin): the YAML is parsed and every path, port, name and variable cross-checked
// against the files the services load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { readJson, readText, readYaml, repoPath } from './lib/repo.mjs';

const compose = readYaml('docker-compose.yaml');
const services = compose.services;

function bindMounts(service) {
  return (services[service].volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source.startsWith('./'))
    .map(([source, target]) => ({ source: source.slice(2), target }));
}
const mountFor = (service, source) => bindMounts(service).find((m) => m.source === source);

test('the stack has the runner, Prometheus, Alertmanager and Grafana', () => {
  assert.deepEqual(Object.keys(services).sort(), ['alertmanager', 'grafana', 'prometheus', 'rally-runner']);
  for (const [name, service] of Object.entries(services)) {
    assert.ok(service.image || service.build, `${name}: image or build`);
  }
  for (const name of Object.values(services).flatMap((s) =>
    (s.volumes ?? []).map((v) => v.split(':')[0]).filter((v) => !v.startsWith('./'))
  )) {
    assert.ok(name in (compose.volumes ?? {}), `named volume ${name} is declared`);
  }
});

test('every bind-mounted file or folder exists (plugin/dist is the plugin build output)', () => {
  for (const name of Object.keys(services)) {
    for (const { source } of bindMounts(name)) {
      if (source === 'plugin/dist') {
        assert.match(
          JSON.parse(readText('plugin', 'package.json')).scripts.build,
          /webpack/,
          'plugin/dist comes from the plugin build'
        );
        continue;
      }
      assert.ok(existsSync(repoPath(source)), `${name}: ./${source} does not exist`);
    }
  }
});

test('Prometheus gets its config, the alert rules where the config looks for them, and targets that are stack services', () => {
  const config = mountFor('prometheus', 'provisioning/prometheus/compose.yml');
  const configFlag = services.prometheus.command.find((c) => c.startsWith('--config.file='));
  assert.equal(configFlag, `--config.file=${config.target}`);
  const prom = readYaml('provisioning', 'prometheus', 'compose.yml');
  const rules = mountFor('prometheus', 'alerts/rally-monitor.rules.yml');
  assert.deepEqual(
    prom.rule_files.map((f) => posix.resolve(posix.dirname(config.target), f)),
    [rules.target]
  );
  const [runnerTarget] = prom.scrape_configs[0].static_configs[0].targets;
  assert.equal(runnerTarget, `rally-runner:${services['rally-runner'].environment.EXPORTER_PORT}`);
  assert.deepEqual(prom.alerting.alertmanagers[0].static_configs[0].targets, ['alertmanager:9093']);
});

test('Alertmanager loads the provisioned configuration', () => {
  const config = mountFor('alertmanager', 'provisioning/alertmanager/alertmanager.yml');
  assert.ok(services.alertmanager.command.includes(`--config.file=${config.target}`));
});

test('Grafana mounts the plugin (which brings the dashboards) and its provisioning', () => {
  const grafana = services.grafana;
  assert.equal(mountFor('grafana', 'plugin/dist').target, '/var/lib/grafana/plugins/rallymonitor-openstack-app');
  for (const kind of ['plugins', 'datasources']) {
    assert.equal(mountFor('grafana', `provisioning/${kind}`).target, `/etc/grafana/provisioning/${kind}`);
  }
  assert.equal(mountFor('grafana', 'provisioning/alerting'), undefined, 'Prometheus evaluates the rules in this stack');
  assert.equal(
    mountFor('grafana', 'dashboards'),
    undefined,
    'the app imports the dashboards; no file provider loads them too'
  );
  assert.match(grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS, /(^|,)rallymonitor-openstack-app(,|$)/);
  assert.match(
    grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS,
    /(^|,)rallymonitor-statustimeline-panel(,|$)/
  );
});

test("no dashboard uid is provisioned twice: the app's bundled dashboards and the file providers Grafana loads", () => {
  // Enabling the app imports the dashboards of its plugin.json includes, and re-imports them over any dashboard with
  // the same slug or uid (grafana/grafana pkg/services/plugindashboards/service/dashboard_updater.go,
  // syncPluginDashboards -> autoUpdateAppDashboard with Overwrite: true; disabling the app deletes them). A file
  // provider loading the same uids fights that updater, so each uid may come from one place only.
  const sources = [];
  const app = readYaml('provisioning', 'plugins', 'rally-monitor.yaml').apps.find(
    (a) => a.type === 'rallymonitor-openstack-app'
  );
  if (mountFor('grafana', 'plugin/dist') && mountFor('grafana', 'provisioning/plugins') && app && !app.disabled) {
    for (const include of readJson('plugin', 'src', 'plugin.json').includes.filter((i) => i.type === 'dashboard')) {
      // The plugin build copies dashboards/<name>.json to dist/dashboards/<name>.json.
      sources.push({
        uid: readJson('dashboards', posix.basename(include.path)).uid,
        from: `app include ${include.path}`,
      });
    }
  }
  const provisioning = mountFor('grafana', 'provisioning/dashboards');
  if (provisioning) {
    for (const file of readdirSync(repoPath('provisioning', 'dashboards')).filter((f) => /\.ya?ml$/.test(f))) {
      for (const provider of readYaml('provisioning', 'dashboards', file).providers ?? []) {
        const mount = bindMounts('grafana').find((m) => m.target === provider.options.path);
        assert.ok(mount, `provider ${provider.name} reads ${provider.options.path}, which nothing is mounted on`);
        for (const json of readdirSync(repoPath(mount.source)).filter((f) => f.endsWith('.json'))) {
          sources.push({
            uid: readJson(mount.source, json).uid,
            from: `file provider ${provider.name}: ${mount.source}/${json}`,
          });
        }
      }
    }
  }
  assert.ok(sources.length >= 4, 'the stack provisions the dashboards one way');
  const twice = sources
    .filter((s) => sources.filter((o) => o.uid === s.uid).length > 1)
    .map((s) => `${s.uid} (${s.from})`);
  assert.deepEqual(twice, []);
});

test('every environment variable the mounted Grafana provisioning files use is set for Grafana', () => {
  const files = [
    ['provisioning', 'plugins', 'rally-monitor.yaml'],
    ['provisioning', 'datasources', 'prometheus.yaml'],
  ];
  const used = files.flatMap((f) =>
    [
      ...readText(...f)
        .replace(/^\s*#.*$/gm, '')
        .matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g),
    ].map((m) => m[1])
  );
  assert.ok(used.includes('RALLY_MONITOR_URL'));
  for (const name of used) assert.ok(name in services.grafana.environment, `Grafana lacks ${name}`);
  assert.equal(
    services.grafana.environment.RALLY_MONITOR_URL,
    `http://rally-runner:${services['rally-runner'].environment.EXPORTER_PORT}`
  );
  assert.equal(services.grafana.environment.RALLY_PROMETHEUS_URL, 'http://prometheus:9090');
  // The runner URL is plain http on the compose network: without the opt-in the app's settings page refuses it.
  assert.equal(services.grafana.environment.RALLY_MONITOR_ALLOW_INSECURE_HTTP, 'true');
});

test("secrets come from the user's environment, never from the file", () => {
  const env = { ...services['rally-runner'].environment, ...services.grafana.environment };
  for (const name of ['OS_PASSWORD', 'RALLY_MONITOR_API_TOKEN', 'GF_SECURITY_ADMIN_PASSWORD']) {
    assert.match(String(env[name]), /^\$\{[A-Z_]+(:\?[^}]*)?\}$/, `${name} must come from the environment`);
  }
  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? []) {
      assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port} beyond loopback`);
    }
  }
});

test('the runner image installs Rally with the script CI runs and runs the compiled runner as a non-root user', () => {
  const build = services['rally-runner'].build;
  assert.equal(build.context, '.');
  const dockerfile = readText(build.dockerfile);
  assert.match(dockerfile, /^FROM debian:bookworm-slim$/m);
  assert.match(dockerfile, /bash \S*ensure\.sh apt-runner/);
  assert.match(dockerfile, /COPY scripts\/ensure\.sh /);
  assert.ok(existsSync(repoPath('scripts', 'ensure.sh')), 'scripts/ensure.sh exists');
  assert.match(
    readText('scripts', 'ensure.sh'),
    /apt-runner/,
    'scripts/ensure.sh has the apt-runner mode the image uses'
  );
  for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) {
    assert.ok(existsSync(repoPath(source)), `Dockerfile copies missing ${source}`);
  }
  assert.match(dockerfile, /^USER (?!root)\S+$/m);
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)[1]);
  assert.equal(cmd[1], 'runner/dist/src/cli.js');
  assert.equal(JSON.parse(readText('runner', 'package.json')).bin['rally-monitor'], 'dist/src/cli.js');
});
