// provisioning/alerting is generated from the Prometheus rules, has Grafana's provisioning shape, and never drifts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { readText, readYaml, repoPath } from './lib/repo.mjs';
import { alertRules } from './lib/promql.mjs';
import { grafanaRuleUid, renderGrafanaAlerting, renderPrometheusRules } from '../../alerts/generate-rules.mjs';

const committed = () => readYaml('provisioning', 'alerting', 'rally-monitor.yaml');
const node = process.execPath;

test('the committed Prometheus and Grafana rules are exactly what the generator makes from the rule source', () => {
  assert.equal(
    readText('alerts', 'rally-monitor.rules.yml'),
    renderPrometheusRules(readText('alerts', 'rally-monitor.rules.in.yml'))
  );
  assert.equal(
    readText('provisioning', 'alerting', 'rally-monitor.yaml'),
    renderGrafanaAlerting(readText('alerts', 'rally-monitor.rules.yml'))
  );
  const check = spawnSync(node, ['alerts/generate-rules.mjs', '--check'], { cwd: repoPath(), encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('a change to the Prometheus rules shows up as drift', () => {
  const changed = readText('alerts', 'rally-monitor.rules.yml').replace('> 7200', '> 3600');
  assert.notEqual(renderGrafanaAlerting(changed), readText('provisioning', 'alerting', 'rally-monitor.yaml'));
});

test('groups have the provisioning fields Grafana requires (rules_types.go AlertRuleGroupV1)', () => {
  const doc = committed();
  assert.equal(doc.apiVersion, 1);
  const promGroups = readYaml('alerts', 'rally-monitor.rules.yml').groups;
  assert.deepEqual(
    doc.groups.map((g) => g.name),
    promGroups.map((g) => g.name)
  );
  for (const group of doc.groups) {
    assert.equal(group.orgId, 1);
    assert.equal(group.folder, 'Rally Monitor');
    assert.match(group.interval, /^\d+[smh]$/);
    assert.ok(group.rules.length > 0);
  }
});

test('every Prometheus alert has one Grafana rule with the same expression, for, labels and annotations', () => {
  const grafanaRules = committed().groups.flatMap((g) => g.rules);
  const prom = alertRules();
  assert.equal(grafanaRules.length, prom.length);
  const uids = grafanaRules.map((r) => r.uid);
  assert.equal(new Set(uids).size, uids.length, 'rule uids are unique');
  for (const source of prom) {
    const rule = grafanaRules.find((r) => r.title === source.alert);
    assert.ok(rule, `${source.alert} has no Grafana rule`);
    assert.equal(rule.uid, grafanaRuleUid(source.alert));
    assert.match(rule.uid, /^[a-zA-Z0-9_-]{1,40}$/);
    assert.equal(rule.for, source.for);
    assert.deepEqual(rule.labels, source.labels);
    assert.deepEqual(Object.keys(rule.annotations).sort(), ['description', 'runbook_url', 'summary']);
    assert.equal(rule.annotations.runbook_url, source.annotations.runbook_url);
    const query = rule.data.find((d) => d.refId === 'A');
    assert.equal(query.model.expr, source.expr.trim());
  }
});

test('every Grafana rule queries rally-prometheus as A, then decides on __expr__ expressions', () => {
  for (const rule of committed().groups.flatMap((g) => g.rules)) {
    for (const field of [
      'uid',
      'title',
      'condition',
      'data',
      'for',
      'noDataState',
      'execErrState',
      'annotations',
      'labels',
    ]) {
      assert.ok(rule[field] !== undefined && rule[field] !== '', `${rule.title}: missing ${field}`);
    }
    const [a, ...expressions] = rule.data;
    assert.equal(a.refId, 'A');
    assert.equal(a.datasourceUid, 'rally-prometheus');
    assert.equal(a.model.datasource.uid, 'rally-prometheus');
    assert.equal(a.model.instant, true);
    assert.ok(a.relativeTimeRange.from > 0);
    assert.ok(expressions.length >= 1);
    const refIds = new Set(['A']);
    for (const e of expressions) {
      assert.equal(e.datasourceUid, '__expr__', `${rule.title} ${e.refId}`);
      assert.equal(e.model.datasource.uid, '__expr__');
      assert.ok(['math', 'reduce', 'threshold', 'classic_conditions'].includes(e.model.type), e.model.type);
      const inputs =
        e.model.type === 'math'
          ? [...e.model.expression.matchAll(/\$\{?([A-Z])\}?/g)].map((m) => m[1])
          : [e.model.expression];
      for (const input of inputs) {
        assert.ok(refIds.has(input), `${rule.title} ${e.refId} reads ${input} before it exists`);
      }
      refIds.add(e.refId);
    }
    assert.ok(refIds.has(rule.condition), `${rule.title}: condition ${rule.condition} is not a refId`);
    assert.equal(rule.data.at(-1).model.type, 'threshold');
    // No series returned means nothing matched the alert condition: OK, not NoData.
    assert.equal(rule.noDataState, 'OK');
    assert.ok(['Error', 'Alerting', 'OK', 'KeepLast'].includes(rule.execErrState));
    assert.match(rule.for, /^\d+[smh]$/);
  }
});

test('annotations use Grafana template values and nothing Grafana would take as an environment variable', () => {
  for (const rule of committed().groups.flatMap((g) => g.rules)) {
    for (const [key, text] of Object.entries(rule.annotations)) {
      assert.doesNotMatch(text, /\$value\b(?!s)/, `${rule.title} ${key}: Prometheus-only $value`);
      assert.doesNotMatch(text, /\$\{/, `${rule.title} ${key}: provisioning would interpolate \${...}`);
    }
  }
  const overall = committed()
    .groups.flatMap((g) => g.rules)
    .find((r) => r.title === 'RallyOverallFailure');
  assert.match(overall.annotations.summary, /\{\{ \$values\.A\.Value \}\}/);
});

test('the generated files say they are generated', () => {
  assert.match(readText('alerts', 'rally-monitor.rules.yml'), /^# GENERATED by alerts\/generate-rules\.mjs/);
  assert.match(
    readText('provisioning', 'alerting', 'rally-monitor.yaml'),
    /^# GENERATED by alerts\/generate-rules\.mjs/
  );
  assert.doesNotThrow(() => parse(readText('provisioning', 'alerting', 'rally-monitor.yaml')));
});
