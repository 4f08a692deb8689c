import { readText } from './repo.mjs';

/** Metric names of the table between the metrics-table markers of docs/metrics.md. */
export function documentedMetricNames() {
  const doc = readText('docs', 'metrics.md');
  const table = /<!-- metrics-table:start -->([\s\S]*?)<!-- metrics-table:end -->/.exec(doc);
  if (!table) throw new Error('docs/metrics.md has no metrics-table markers');
  return [...table[1].matchAll(/^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|/gm)].map((match) => match[1]);
}

/**
 * Series the assets may use besides the documented table: Prometheus's own per-target series, and prom-client's
 * default process_* and nodejs_* metrics, which docs/metrics.md documents in its prose.
 */
export const PROMETHEUS_TARGET_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];
export const isDocumentedDefaultMetric = (name) => /^(process|nodejs)_/.test(name);

/** Label names of the metrics table, plus the labels every series carries, the scrape target's own and `site`. */
export function documentedLabelNames() {
  const doc = readText('docs', 'metrics.md');
  const table = /<!-- metrics-table:start -->([\s\S]*?)<!-- metrics-table:end -->/.exec(doc)[1];
  // `site`: added by the central Prometheus's federation jobs (docs/metrics.md, after the table).
  const labels = new Set(['cloud', 'region', 'job', 'instance', 'site']);
  for (const row of table.split('\n').filter((line) => /^\|\s*`/.test(line))) {
    const column = row.split('|')[3] ?? '';
    for (const [, name] of column.matchAll(/`([a-z_][a-z0-9_]*)`/g)) labels.add(name);
  }
  return labels;
}
