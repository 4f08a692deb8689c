// Dashboards and alert rules use only metric names that docs/metrics.md lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alertRules,
  dashboardExpressions,
  dashboardPanels,
  labelNamesInPromQL,
  metricNamesInPromQL,
} from './lib/promql.mjs';
import { dashboards } from './lib/repo.mjs';
import {
  documentedLabelNames,
  documentedMetricNames,
  documentedSeriesNames,
  isDocumentedDefaultMetric,
  PROMETHEUS_TARGET_SERIES,
} from './lib/metrics-doc.mjs';

test('metric names are found in PromQL, and functions, keywords, labels and variables are not', () => {
  assert.deepEqual(
    metricNamesInPromQL(
      'sum by (service) (increase(rally_runs_total{result="fail",cloud=~"$cloud"}[$__rate_interval])) / on (job) group_left (cloud) up offset 5m'
    ),
    ['rally_runs_total', 'up']
  );
  assert.deepEqual(metricNamesInPromQL('time() - rally_last_run_timestamp_seconds > 7.2e3 and bool 1'), [
    'rally_last_run_timestamp_seconds',
  ]);
  assert.deepEqual(metricNamesInPromQL('avg_over_time(((x_status{a="b"} >= 0) == bool 1)[$__range:5m])'), ['x_status']);
  assert.deepEqual(metricNamesInPromQL('absent(up{job="rally-monitor"})'), ['up']);
});

test('the metrics table of docs/metrics.md is read', () => {
  const names = documentedMetricNames();
  assert.ok(names.includes('rally_service_status'));
  assert.ok(names.includes('rally_monitor_info'));
  assert.ok(names.length >= 16);
});

test("the canary agent's table of docs/metrics.md is read too, with each histogram's series", () => {
  const names = documentedMetricNames();
  for (const name of ['canary_peer_rtt_seconds', 'canary_peer_reachable', 'canary_probes_total']) {
    assert.ok(names.includes(name), name);
  }
  const series = documentedSeriesNames();
  for (const name of [
    'canary_peer_rtt_seconds_bucket',
    'canary_peer_rtt_seconds_sum',
    'canary_peer_rtt_seconds_count',
  ]) {
    assert.ok(series.includes(name), name);
  }
  assert.ok(!series.includes('canary_probes_total_bucket'), 'only histograms have buckets');
  const labels = documentedLabelNames();
  for (const name of ['src_az', 'dst_datacenter', 'peer', 'le', 'canary_id', 'availability_zone']) {
    assert.ok(labels.has(name), name);
  }
});

test("a documented histogram's series are its _bucket, _sum and _count, not its bare name", () => {
  const series = documentedSeriesNames();
  assert.ok(series.includes('canary_peer_rtt_seconds_bucket') && series.includes('canary_peer_rtt_seconds_count'));
  assert.ok(!series.includes('canary_peer_rtt_seconds'));
  assert.ok(series.includes('rally_service_status'));
});

test("the node exporter's table of docs/metrics.md is read too, with the canary scrape job's labels", () => {
  const names = documentedMetricNames();
  assert.ok(names.includes('node_cpu_seconds_total') && names.includes('node_load5'), names.join(' '));
  const labels = documentedLabelNames();
  for (const label of ['canary_id', 'datacenter', 'availability_zone', 'mountpoint']) {
    assert.ok(labels.has(label), label);
  }
});

function undocumented(expressions) {
  const documented = new Set([...documentedSeriesNames(), ...PROMETHEUS_TARGET_SERIES]);
  return expressions.flatMap(({ where, expr }) =>
    metricNamesInPromQL(expr)
      .filter((name) => !documented.has(name) && !isDocumentedDefaultMetric(name))
      .map((name) => `${where}: ${name}`)
  );
}

test('alert rules use only metrics documented in docs/metrics.md', () => {
  const expressions = alertRules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }));
  assert.deepEqual(undocumented(expressions), []);
});

test('dashboards use only metrics documented in docs/metrics.md', () => {
  assert.deepEqual(undocumented(dashboardExpressions()), []);
});

test('label names are found in matchers, groupings and joins', () => {
  assert.deepEqual(
    labelNamesInPromQL(
      'sum by (cloud, region) (x{service=~"$s",stat="p95"}) / on (job) group_left (version) y{a!="b"}'
    ).sort(),
    ['a', 'cloud', 'job', 'region', 'service', 'stat', 'version']
  );
});

test('alert rules and dashboards use only documented labels, in queries, legends, links and annotations', () => {
  const documented = documentedLabelNames();
  assert.ok(documented.has('scenario') && documented.has('stat') && documented.has('result'));
  const used = [];
  for (const rule of alertRules()) {
    for (const name of labelNamesInPromQL(rule.expr)) used.push([`alert ${rule.alert}`, name]);
    for (const [, name] of JSON.stringify(rule.annotations).matchAll(/\$labels\.([a-z_]+)/g)) {
      used.push([`alert ${rule.alert} annotations`, name]);
    }
  }
  for (const e of dashboardExpressions()) for (const name of labelNamesInPromQL(e.expr)) used.push([e.where, name]);
  for (const { file, json } of dashboards()) {
    for (const panel of dashboardPanels(json)) {
      for (const t of panel.targets ?? []) {
        for (const [, name] of (t.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
          used.push([`${file} "${panel.title}" legend`, name]);
        }
      }
      for (const [, name] of JSON.stringify(panel.fieldConfig ?? {}).matchAll(/__field\.labels\.(\w+)/g)) {
        used.push([`${file} "${panel.title}" link`, name]);
      }
    }
  }
  assert.ok(used.length > 50);
  assert.deepEqual(
    used.filter(([, name]) => !documented.has(name)).map(([where, name]) => `${where}: ${name}`),
    []
  );
});
