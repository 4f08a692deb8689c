// The Prometheus rules pass promtool's checker and their unit tests (alerts/tests/*.yml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readText, repoPath } from './lib/repo.mjs';
import { alertRules, dashboardExpressions, expandGrafanaVariables } from './lib/promql.mjs';

const promtool = (...args) => spawnSync('promtool', args, { cwd: repoPath(), encoding: 'utf8' });

test('promtool check rules accepts the rule file', () => {
  const result = promtool('check', 'rules', 'alerts/rally-monitor.rules.yml');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`SUCCESS: ${alertRules().length} rules found`));
});

test('promtool test rules passes every unit test file', () => {
  const files = readdirSync(repoPath('alerts', 'tests'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `alerts/tests/${f}`);
  assert.ok(files.length >= 3);
  const result = promtool('test', 'rules', ...files);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(result.stdout.match(/SUCCESS/g)?.length, files.length, result.stdout);
});

test('every alert has unit tests that pin its for window: silent one evaluation before firing', () => {
  const seconds = (d) =>
    [...String(d).matchAll(/(\d+)([smhd])/g)].reduce((s, [, n, u]) => s + n * { s: 1, m: 60, h: 3600, d: 86400 }[u], 0);
  const tests = readdirSync(repoPath('alerts', 'tests'))
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => parse(readText('alerts', 'tests', f)).tests);
  for (const rule of alertRules()) {
    assert.ok(seconds(rule.for ?? '0s') > 0, `${rule.alert}: has no for window`);
    const pinned = tests.some((t) => {
      const own = (t.alert_rule_test ?? []).filter((c) => c.alertname === rule.alert);
      const silent = own.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => seconds(c.eval_time));
      const firing = own.filter((c) => c.exp_alerts?.length > 0).map((c) => seconds(c.eval_time));
      return silent.some((s) => firing.includes(s + 60));
    });
    assert.ok(pinned, `${rule.alert}: no test shows it silent at t and firing at t+1m`);
  }
});

test('a rule that pages errors as failures is caught by the unit tests', () => {
  // Guards the tests themselves: with `< 1` instead of `== 0`, an error state (-1) would page, and the tests must say so.
  const dir = mkdtempSync(join(tmpdir(), 'rally-rules-'));
  try {
    const rules = readFileSync(repoPath('alerts', 'rally-monitor.rules.yml'), 'utf8');
    writeFileSync(
      join(dir, 'rally-monitor.rules.yml'),
      rules.replace('rally_scenario_status == 0', 'rally_scenario_status < 1')
    );
    const tests = readFileSync(repoPath('alerts', 'tests', 'results.test.yml'), 'utf8');
    writeFileSync(
      join(dir, 'results.test.yml'),
      tests.replace('../rally-monitor.rules.yml', 'rally-monitor.rules.yml')
    );
    const result = spawnSync('promtool', ['test', 'rules', 'results.test.yml'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(result.status, 0, 'the unit tests passed with an alert that pages on errors');
    assert.match(result.stdout + result.stderr, /RallyTestFailure/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every dashboard expression parses as PromQL', () => {
  const expressions = dashboardExpressions().filter((e) => e.expr);
  const dir = mkdtempSync(join(tmpdir(), 'rally-dash-'));
  try {
    const rules = expressions.map((e, i) => ({
      record: `dashboard_expression_${i}`,
      expr: expandGrafanaVariables(e.expr),
    }));
    writeFileSync(join(dir, 'dashboards.rules.yml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = spawnSync('promtool', ['check', 'rules', 'dashboards.rules.yml'], { cwd: dir, encoding: 'utf8' });
    const failing = (result.stdout + result.stderr)
      .split('\n')
      .filter((l) => /dashboard_expression_\d+|error/i.test(l));
    const explain = failing
      .map((l) => l.replace(/dashboard_expression_(\d+)/g, (_, i) => expressions[i].where))
      .join('\n');
    assert.equal(result.status, 0, explain || result.stdout + result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every alert has a summary, a description with a link to the app, and a runbook that exists', () => {
  for (const rule of alertRules()) {
    const { summary, description, runbook_url: runbook } = rule.annotations;
    assert.ok(summary, `${rule.alert}: summary`);
    assert.match(
      description,
      /https?:\/\/\S+\/a\/rallymonitor-openstack-app\/(overview|cleanup|runs|dataplane|service\/)/,
      `${rule.alert}: app link`
    );
    if (/\bservice\b/.test(rule.expr) || /rally_(service|scenario|sla|orphaned)/.test(rule.expr)) {
      assert.match(description, /\{\{ \$labels\.service \}\}|\/overview/, `${rule.alert}: names the service`);
    }
    assert.ok(runbook.endsWith(`/${rule.alert}.md`), `${rule.alert}: runbook_url ${runbook}`);
    assert.match(
      readText('docs', 'runbooks', `${rule.alert}.md`),
      new RegExp(`^# ${rule.alert} \\(${rule.labels.severity}\\)`),
      `${rule.alert}: runbook title and severity`
    );
  }
});

test("the seed's alerts keep their severities, and the scan alerts warn", () => {
  const severities = Object.fromEntries(alertRules().map((r) => [r.alert, r.labels.severity]));
  assert.deepEqual(severities, {
    RallyServiceDown: 'critical',
    RallyOverallFailure: 'critical',
    RallyTestFailure: 'warning',
    RallySLABreach: 'warning',
    RallyStaleResults: 'warning',
    RallyRunnerDown: 'warning',
    RallyRunnerNotScraped: 'warning',
    RallyFederationSiteDown: 'warning',
    RallyCleanupFailure: 'critical',
    RallyOrphanedResourcesHigh: 'warning',
    RallyCleanupScanFailed: 'warning',
    RallyCleanupScanStale: 'warning',
    // The dataplane canaries (issue 13's thresholds).
    CanaryPeerConnectivityLow: 'warning',
    CanaryPeerConnectivityCritical: 'critical',
    CanaryProbeErrorRateHigh: 'warning',
    CanaryProbeErrorRateCritical: 'critical',
    CanaryLatencyHigh: 'warning',
    CanaryDown: 'warning',
    // The canary hosts (issue 13): the seed's thresholds, a warning and a critical alert each.
    RallyCanaryCpuHigh: 'warning',
    RallyCanaryCpuCritical: 'critical',
    RallyCanaryMemoryHigh: 'warning',
    RallyCanaryMemoryCritical: 'critical',
    RallyCanaryDiskHigh: 'warning',
    RallyCanaryDiskCritical: 'critical',
    RallyCanaryLoadHigh: 'warning',
    RallyCanaryLoadCritical: 'critical',
    RallyAtomicActionRegressed: 'warning',
  });
});
