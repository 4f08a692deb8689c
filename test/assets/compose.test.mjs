// docker-compose.yaml and runner/Dockerfile, checked without a Docker engine (none runs here, and this machine's
// docker CLI has no compose plugin): the YAML is parsed and every path, port, name and variable cross-checked
// against the files the services load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { interpolate, substitutedNames } from './lib/compose-interpolation.mjs';
import { readJson, readText, readYaml, repoPath, repoRoot } from './lib/repo.mjs';
import { container, envFile } from './lib/runner-support.mjs';

const compose = readYaml('docker-compose.yaml');
const services = compose.services;
const { parseEnvFile } = await envFile();
const envExample = parseEnvFile(readText('.env.example'));
/** What compose substitutes with .env.example copied as it is to .env. */
const envExampleValues = Object.fromEntries(envExample.map((e) => [e.key, e.value]));
const volumesOf = (service) => (services[service].volumes ?? []).map((v) => interpolate(v, envExampleValues));

function bindMounts(service) {
  return volumesOf(service)
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
  for (const name of Object.keys(services).flatMap((s) =>
    volumesOf(s)
      .map((v) => v.split(':')[0])
      .filter((v) => !v.startsWith('./'))
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
  for (const name of [
    'OS_PASSWORD',
    'OS_APPLICATION_CREDENTIAL_SECRET',
    'RALLY_MONITOR_API_TOKEN',
    'GF_SECURITY_ADMIN_PASSWORD',
  ]) {
    assert.match(String(env[name]), /^\$\{[A-Z_]+(:\?[^}]*|:-)?\}$/, `${name} must come from the environment`);
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
  assert.equal(JSON.parse(readText('runner', 'package.json')).bin['rally-monitor'], 'dist/src/cli.js');
});

// ---- the runner's settings, its port, its files, and the one-shot form

const { dockerfileFacts, oneShotCommand, parseDockerRun } = await container();
const runnerService = services['rally-runner'];
const dockerfile = dockerfileFacts(readText('runner', 'Dockerfile'));
/** Runner settings that are the container's layout in compose (the port Prometheus scrapes, the volume): pinned. */
const CONTAINER_LAYOUT = {
  EXPORTER_PORT: '9101',
  RALLY_MONITOR_LISTEN_ADDRESS: '0.0.0.0',
  RALLY_MONITOR_DATA_DIR: '/var/lib/rally-monitor',
};

test("the runner gets every variable of .env.example's runner part from the user's .env, and nothing else", () => {
  const runnerKeys = envExample.filter((e) => e.section === 'runner').map((e) => e.key);
  assert.deepEqual(Object.keys(runnerService.environment).sort(), [...runnerKeys].sort());
  for (const key of runnerKeys) {
    const value = String(runnerService.environment[key]);
    if (key in CONTAINER_LAYOUT) {
      assert.equal(value, CONTAINER_LAYOUT[key], `${key} is the container's layout`);
      continue;
    }
    // Empty when unset, so the runner's default applies and an openrc file or clouds.yaml can give OS_* values.
    assert.match(value, new RegExp(`^\\$\\{${key}(:-|:\\?[^}]*)\\}$`), `${key} must pass the user's value through`);
  }
});

test('every variable docker-compose.yaml substitutes is in .env.example, and each compose-only one is used', () => {
  const used = new Set(substitutedNames(readText('docker-compose.yaml').replace(/^\s*#.*$/gm, '')));
  const listed = new Set(envExample.map((e) => e.key));
  assert.deepEqual([...used].filter((name) => !listed.has(name)).sort(), [], 'substituted, not in .env.example');
  const composeOnly = envExample.filter((e) => e.section === 'compose').map((e) => e.key);
  assert.deepEqual(
    composeOnly.filter((name) => !used.has(name)),
    [],
    'compose-only in .env.example, never used'
  );
});

test("the runner's port is published on loopback, on the port the image exposes and Prometheus scrapes", () => {
  const port = CONTAINER_LAYOUT.EXPORTER_PORT;
  assert.deepEqual(runnerService.ports, [`127.0.0.1:9101:${port}`]);
  assert.match(readText('runner', 'Dockerfile'), new RegExp(`^EXPOSE ${port}$`, 'm'));
  assert.equal(dockerfile.env.EXPORTER_PORT, port);
});

test('the data volume is mounted where the image keeps its data, and the configuration directory read-only', () => {
  const mounts = volumesOf('rally-runner').map((v) => v.split(':'));
  const data = mounts.find(([, target]) => target === CONTAINER_LAYOUT.RALLY_MONITOR_DATA_DIR);
  assert.ok(data && data[0] in compose.volumes, 'a named volume holds the history, reports and Rally database');
  assert.deepEqual(dockerfile.volumes, [CONTAINER_LAYOUT.RALLY_MONITOR_DATA_DIR]);
  assert.equal(dockerfile.env.RALLY_MONITOR_DATA_DIR, CONTAINER_LAYOUT.RALLY_MONITOR_DATA_DIR);
  // A CA bundle, an openrc file, a clouds.yaml: one directory, named in .env by their paths under /etc/rally-monitor.
  const config = mounts.find(([, target]) => target === '/etc/rally-monitor');
  assert.deepEqual(config, ['./config', '/etc/rally-monitor', 'ro']);
  assert.ok(existsSync(repoPath('config', 'README.md')));
  for (const key of ['OS_CACERT', 'RALLY_MONITOR_OPENRC', 'OS_CLIENT_CONFIG_FILE']) {
    assert.match(readText('config', 'README.md'), new RegExp(`\`${key}=/etc/rally-monitor/`), key);
  }
});

test('git ignores the credentials put in the configuration directory, not its README', () => {
  const ignored = (path) => {
    try {
      execFileSync('git', ['check-ignore', '-q', path], { cwd: repoRoot });
      return true;
    } catch {
      return false;
    }
  };
  assert.equal(ignored('config/openrc.sh'), true);
  assert.equal(ignored('config/ca-bundle.pem'), true);
  assert.equal(ignored('config/README.md'), false);
  assert.equal(ignored('.env'), true, '.env holds the password');
  assert.equal(ignored('.env.example'), false);
});

test('the image is the CLI: it serves by default, and the documented one-shot command runs run-once on it', () => {
  assert.deepEqual(dockerfile.entrypoint, ['node', 'runner/dist/src/cli.js']);
  assert.deepEqual(dockerfile.cmd, ['serve']);
  assert.equal(dockerfile.workdir, '/app');
  assert.notEqual(dockerfile.user, 'root');
  // A fixed uid, so a host directory can be given to it before it is mounted.
  assert.match(readText('runner', 'Dockerfile'), /useradd --uid 65500 /);
  const run = parseDockerRun(oneShotCommand(readText('README.md')));
  assert.equal(run.remove, true);
  assert.deepEqual(run.envFiles, ['.env']);
  assert.equal(run.image, interpolate(runnerService.image, envExampleValues), 'the tag compose builds');
  assert.deepEqual(run.args, ['run-once']);
  assert.deepEqual(
    run.volumes.map((v) => v.target),
    [CONTAINER_LAYOUT.RALLY_MONITOR_DATA_DIR]
  );
});
