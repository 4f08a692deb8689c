// Dashboards and alert rules use only metric names that docs/metrics.md lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertRules, dashboardExpressions, metricNamesInPromQL } from './lib/promql.mjs';
import { documentedMetricNames, isDocumentedDefaultMetric, PROMETHEUS_TARGET_SERIES } from './lib/metrics-doc.mjs';

test('metric names are found in PromQL, and functions, keywords, labels and variables are not', () => {
  assert.deepEqual(
    metricNamesInPromQL('sum by (service) (increase(rally_runs_total{result="fail",cloud=~"$cloud"}[$__rate_interval])) / on (job) group_left (cloud) up offset 5m'),
    ['rally_runs_total', 'up'],
  );
  assert.deepEqual(metricNamesInPromQL('time() - rally_last_run_timestamp_seconds > 7.2e3 and bool 1'), ['rally_last_run_timestamp_seconds']);
  assert.deepEqual(metricNamesInPromQL('avg_over_time(((x_status{a="b"} >= 0) == bool 1)[$__range:5m])'), ['x_status']);
  assert.deepEqual(metricNamesInPromQL('absent(up{job="rally-monitor"})'), ['up']);
});

test('the metrics table of docs/metrics.md is read', () => {
  const names = documentedMetricNames();
  assert.ok(names.includes('rally_service_status'));
  assert.ok(names.includes('rally_monitor_info'));
  assert.ok(names.length >= 16);
});

function undocumented(expressions) {
  const documented = new Set([...documentedMetricNames(), ...PROMETHEUS_TARGET_SERIES]);
  return expressions.flatMap(({ where, expr }) =>
    metricNamesInPromQL(expr)
      .filter((name) => !documented.has(name) && !isDocumentedDefaultMetric(name))
      .map((name) => `${where}: ${name}`));
}

test('alert rules use only metrics documented in docs/metrics.md', () => {
  const expressions = alertRules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }));
  assert.deepEqual(undocumented(expressions), []);
});

test('dashboards use only metrics documented in docs/metrics.md', () => {
  assert.deepEqual(undocumented(dashboardExpressions()), []);
});
