import { readText } from './repo.mjs';

// The runner's table and the canary agent's table (docs/metrics.md): both are the contract of the assets.
export const RUNNER_TABLE = 'metrics-table';
export const CANARY_TABLE = 'canary-metrics-table';
/** The node exporter beside each canary: the series the canary host alerts and the Dataplane dashboard read. */
export const NODE_EXPORTER_TABLE = 'node-exporter-table';
const TABLES = [RUNNER_TABLE, CANARY_TABLE, NODE_EXPORTER_TABLE];

/** Rows (`| \`name\` | type | labels | ...`) of every metrics table of docs/metrics.md. */
function documentedRows(tables = TABLES) {
  const doc = readText('docs', 'metrics.md');
  return tables.flatMap((marker) => {
    const table = new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(doc);
    if (!table) throw new Error(`docs/metrics.md has no ${marker} markers`);
    return table[1].split('\n').filter((line) => /^\|\s*`/.test(line));
  });
}

/**
 * Metric names of the tables between the metrics-table and canary-metrics-table markers of docs/metrics.md (or of
 * the tables named: RUNNER_TABLE, CANARY_TABLE).
 */
export function documentedMetricNames(tables = TABLES) {
  return documentedRows(tables).map((row) => /^\|\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`/.exec(row)[1]);
}

/** The series names PromQL may use: each metric's name, and a histogram's _bucket, _sum and _count. */
export function documentedSeriesNames() {
  const names = new Set();
  for (const row of documentedRows()) {
    const [, name, type] = row.split('|').map((cell) => cell.trim().replace(/`/g, ''));
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

/**
 * Series the assets may use besides the documented table: Prometheus's own per-target series, and prom-client's
 * default process_* and nodejs_* metrics, which docs/metrics.md documents in its prose.
 */
export const PROMETHEUS_TARGET_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];
export const isDocumentedDefaultMetric = (name) => /^(process|nodejs)_/.test(name);

/**
 * Label names of the metrics tables, plus the labels every runner series carries, the scrape target's own, a
 * histogram's `le`, and the target labels the runner's canary service discovery adds (docs/metrics.md, "Canary
 * agent"; runner/src/canary/registry.ts canaryTargets).
 */
export function documentedLabelNames() {
  const labels = new Set(['cloud', 'region', 'job', 'instance', 'le', 'canary_id', 'datacenter', 'availability_zone']);
  for (const row of documentedRows()) {
    const column = row.split('|')[3] ?? '';
    for (const [, name] of column.matchAll(/`([a-z_][a-z0-9_]*)`/g)) labels.add(name);
  }
  return labels;
}
