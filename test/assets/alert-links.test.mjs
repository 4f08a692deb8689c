// Alert notifications (e-mail, Slack, Alertmanager's and Grafana's alert lists) are read outside Grafana, so every
// link an alert carries must be absolute: the app page that holds the alert's evidence, and the runbook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readText, readYaml, repoPath } from './lib/repo.mjs';

const APP_PATH = '/a/rallymonitor-openstack-app/';
const prometheusRules = () => readYaml('alerts', 'rally-monitor.rules.yml').groups.flatMap((g) => g.rules);
const grafanaRules = () => readYaml('provisioning', 'alerting', 'rally-monitor.yaml').groups.flatMap((g) => g.rules);

/** Every link-like word of a text: URLs, app paths and repository paths. */
function links(text) {
  return [...text.matchAll(/(?:^|\s)((?:https?:\/\/|\/a\/|docs\/)\S+)/g)].map((m) => m[1]);
}

for (const [what, rules, titleOf] of [
  ['Prometheus', prometheusRules, (r) => r.alert],
  ['Grafana', grafanaRules, (r) => r.title],
]) {
  test(`every link in the ${what} rules' annotations is absolute`, () => {
    for (const rule of rules()) {
      const { description, runbook_url: runbook } = rule.annotations;
      const found = links(description);
      assert.ok(found.length > 0, `${titleOf(rule)}: the description links nowhere`);
      for (const link of found) assert.match(link, /^https?:\/\/[^/\s]+\//, `${titleOf(rule)}: ${link} is relative`);
      assert.match(runbook, /^https?:\/\/[^/\s]+\/\S+\/[A-Za-z]+\.md$/, `${titleOf(rule)}: runbook_url ${runbook}`);
      assert.ok(
        found.some((link) => link.includes(APP_PATH)),
        `${titleOf(rule)}: no link to the app`
      );
    }
  });
}

test('the runbook link of each alert names its own runbook, which exists', () => {
  for (const rule of prometheusRules()) {
    const file = rule.annotations.runbook_url.split('/').at(-1);
    assert.equal(file, `${rule.alert}.md`);
    assert.match(readText('docs', 'runbooks', file), new RegExp(`^# ${rule.alert} \\(`));
  }
});

test('a service alert links to the service page, which shows the latest run of the service and its evidence', () => {
  // No run id is ever a label (docs/metrics.md), so the page of the failing run is the service page: it shows the
  // service's run in the latest cycle, its failures, its Rally report and log, and links to the run itself.
  for (const rule of prometheusRules().filter((r) =>
    /rally_(service_status|scenario_status|sla_passed)\b/.test(r.expr)
  )) {
    if (/count by/.test(rule.expr)) continue; // RallyOverallFailure has no service label: it links to the overview
    assert.match(
      rule.annotations.description,
      /https?:\/\/\S+\/a\/rallymonitor-openstack-app\/service\/\{\{ \$labels\.service \}\}/,
      rule.alert
    );
  }
});

test('the generator writes the configured bases into both rule files, and only there', async () => {
  const { renderRules, PROMETHEUS_RULES_PATH, GRAFANA_RULES_PATH } = await import('../../alerts/generate-rules.mjs');
  const files = renderRules(readText('alerts', 'rally-monitor.rules.in.yml'), {
    grafanaUrl: 'https://grafana.example.org/sub/',
    runbookBaseUrl: 'https://docs.example.org/rally/runbooks',
  });
  for (const path of [PROMETHEUS_RULES_PATH, GRAFANA_RULES_PATH]) {
    const rules = parse(files[path]).groups.flatMap((g) => g.rules);
    for (const rule of rules) {
      const name = rule.alert ?? rule.title;
      assert.match(
        rule.annotations.description,
        /https:\/\/grafana\.example\.org\/sub\/a\/rallymonitor-openstack-app\//,
        name
      );
      assert.equal(rule.annotations.runbook_url, `https://docs.example.org/rally/runbooks/${name}.md`);
    }
    assert.doesNotMatch(files[path], /localhost|@[A-Z_]+@/);
  }
});

test('the generator refuses a base that is not a plain absolute URL, and says why', async () => {
  const { linkBases } = await import('../../alerts/generate-rules.mjs');
  for (const bad of [
    'grafana.example.org',
    'ftp://g.example.org',
    'https://u:secret@g.example.org',
    'https://g.example.org/?x=1',
    'https://g.example.org/{{ $labels.x }}',
    'https://g.example.org/"',
    'https://g.example.org/a b',
    'https://g.example.org/@X@',
  ]) {
    assert.throws(() => linkBases({ grafanaUrl: bad }), /Grafana URL/, bad);
    assert.throws(() => linkBases({ runbookBaseUrl: bad }), /runbook base URL/, bad);
  }
  assert.deepEqual(linkBases({ grafanaUrl: 'https://g.example.org/' }), {
    grafanaUrl: 'https://g.example.org',
    runbookBaseUrl: 'https://g.example.org/public/plugins/rallymonitor-openstack-app/runbooks',
  });
});

test('generate-rules --out writes both files for another Grafana and leaves the repository alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rally-rules-out-'));
  try {
    const before = readText('alerts', 'rally-monitor.rules.yml');
    const run = spawnSync(
      process.execPath,
      ['alerts/generate-rules.mjs', '--out', dir, '--grafana-url', 'https://grafana.example.org'],
      {
        cwd: repoPath(),
        encoding: 'utf8',
        env: { ...process.env, RALLY_MONITOR_GRAFANA_URL: '', RALLY_MONITOR_RUNBOOK_URL: '' },
      }
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['rally-monitor.rules.yml', 'rally-monitor.yaml']);
    assert.match(
      readFileSync(join(dir, 'rally-monitor.rules.yml'), 'utf8'),
      /https:\/\/grafana\.example\.org\/public\/plugins\/rallymonitor-openstack-app\/runbooks\/RallyServiceDown\.md/
    );
    const check = spawnSync(process.execPath, ['alerts/generate-rules.mjs', '--check'], {
      cwd: repoPath(),
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(readText('alerts', 'rally-monitor.rules.yml'), before);
    const refused = spawnSync(
      process.execPath,
      ['alerts/generate-rules.mjs', '--grafana-url', 'https://grafana.example.org'],
      { cwd: repoPath(), encoding: 'utf8' }
    );
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--out DIR/);
    const promtool = spawnSync('promtool', ['check', 'rules', join(dir, 'rally-monitor.rules.yml')], {
      encoding: 'utf8',
    });
    assert.equal(promtool.status, 0, promtool.stdout + promtool.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the plugin build ships every runbook where the default runbook links point', () => {
  // webpack's CopyWebpackPlugin runs from plugin/src: docs/runbooks/*.md -> dist/runbooks/<name>.md.
  assert.match(
    readText('plugin', 'webpack.config.ts'),
    /\{ from: '\.\.\/\.\.\/docs\/runbooks\/\*\.md', to: 'runbooks\/\[name\]\[ext\]' \}/
  );
  for (const rule of prometheusRules()) {
    assert.ok(
      rule.annotations.runbook_url.endsWith(`/public/plugins/rallymonitor-openstack-app/runbooks/${rule.alert}.md`),
      rule.alert
    );
  }
  // `npm test` builds the plugin before the asset phase; a checkout without a build has only the config to check.
  if (existsSync(repoPath('plugin', 'dist', 'plugin.json'))) {
    for (const rule of prometheusRules()) {
      assert.equal(
        readText('plugin', 'dist', 'runbooks', `${rule.alert}.md`),
        readText('docs', 'runbooks', `${rule.alert}.md`),
        `plugin/dist/runbooks/${rule.alert}.md`
      );
    }
  }
});
