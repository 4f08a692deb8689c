import { readText } from './repo.mjs';

/**
 * The tables of docs/metrics.md: every section between `<!-- <name>-table:start -->` and its end marker (the
 * runner's metrics-table, and the tables of other exporters the assets read, such as the node exporter beside each
 * canary). The runner's contract test (runner/test/unit/contract.test.ts) reads the metrics-table alone.
 */
export const RUNNER_TABLE = 'metrics-table';
export const CANARY_TABLE = 'canary-metrics-table';
export const NODE_EXPORTER_TABLE = 'node-exporter-table';

function documentedTables(only = null) {
  const doc = readText('docs', 'metrics.md');
  const tables = [...doc.matchAll(/<!-- ([a-z-]+-table):start -->([\s\S]*?)<!-- \1:end -->/g)]
    .filter((m) => only === null || only.includes(m[1]))
    .map((m) => m[2]);
  if (!/<!-- metrics-table:start -->/.test(doc) || tables.length === 0) {
    throw new Error('docs/metrics.md has no metrics-table markers');
  }
  return tables.join('\n');
}

/** Metric names of the tables of docs/metrics.md (or of the tables named: RUNNER_TABLE, CANARY_TABLE, ...). */
export function documentedMetricNames(tables = null) {
  return [...documentedTables(tables).matchAll(/^\|\s*`([a-z_:][a-zA-Z0-9_:]*)`\s*\|/gm)].map((match) => match[1]);
}

/**
 * The series names PromQL may select from the documented metrics: a histogram's are its `_bucket`, `_sum` and
 * `_count` (https://prometheus.io/docs/concepts/metric_types/#histogram), every other metric's its own name.
 */
export function documentedSeriesNames() {
  return [...documentedTables().matchAll(/^\|\s*`([a-z_:][a-zA-Z0-9_:]*)`\s*\|\s*(\w+)\s*\|/gm)].flatMap(
    ([, name, type]) => (type === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => name + suffix) : [name])
  );
}

/**
 * Series the assets may use besides the documented table: Prometheus's own per-target series, and prom-client's
 * default process_* and nodejs_* metrics, which docs/metrics.md documents in its prose.
 */
export const PROMETHEUS_TARGET_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];
export const isDocumentedDefaultMetric = (name) => /^(process|nodejs)_/.test(name);

/**
 * Label names of the metrics tables, plus the labels every series carries, the scrape target's own and `site` (added
 * by the central Prometheus's federation jobs: docs/metrics.md, after the tables).
 */
export function documentedLabelNames() {
  const labels = new Set(['cloud', 'region', 'job', 'instance', 'site']);
  for (const row of documentedTables()
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))) {
    const column = row.split('|')[3] ?? '';
    for (const [, name] of column.matchAll(/`([a-z_][a-z0-9_]*)`/g)) labels.add(name);
    // A histogram's _bucket series carry the bucket's upper bound as `le`.
    if ((row.split('|')[2] ?? '').trim() === 'histogram') labels.add('le');
  }
  return labels;
}
