// docs/metrics.md and docs/api.md are the contract the plugin, dashboards and alerts are written against.
// These tests fail when the runner and the docs drift apart, in either direction.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { CanaryMetrics } from '../../src/canary/agent/metrics.js';
import { PROBE_RESULTS } from '../../src/canary/agent/probe.js';
import { REPO_DIR } from '../helpers.js';
import { monitorFixture } from '../support/monitor-fixture.js';

async function section(doc: string, marker: string): Promise<string[]> {
  const text = await readFile(join(REPO_DIR, 'docs', doc), 'utf8');
  const start = text.indexOf(`<!-- ${marker}:start -->`);
  const end = text.indexOf(`<!-- ${marker}:end -->`);
  assert.ok(start >= 0 && end > start, `docs/${doc} lacks the ${marker} markers`);
  return text
    .slice(start, end)
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('| ') && !line.startsWith('| name') && !line.startsWith('| method') && !line.startsWith('|---')
    );
}

const DEFAULT_METRIC = /^(process_|nodejs_)/;

/** The metrics of a docs/metrics.md table: name -> type and sorted label names. */
async function documentedMetrics(marker: string) {
  return new Map(
    (await section('metrics.md', marker)).map((row) => {
      const cells = row.split('|').map((c) => c.trim());
      const name = cells[1]!.replace(/`/g, '');
      const labels = cells[3]!
        .split(',')
        .map((l) => l.replace(/`/g, '').trim())
        .filter(Boolean)
        .sort();
      return [name, { type: cells[2]!, labels }];
    })
  );
}

/** The metrics of a registry (prom-client's defaults left out): name -> type and sorted label names. */
async function exportedMetrics(registry: Registry) {
  const exported = new Map(
    (await registry.getMetricsAsJSON())
      .filter((m) => !DEFAULT_METRIC.test(m.name))
      .map((m) => [m.name, { type: String(m.type), labels: [] as string[] }])
  );
  // Label names come from the metric objects (values may be empty before the first cycle).
  for (const name of exported.keys()) {
    const metric = registry.getSingleMetric(name) as unknown as { labelNames: string[] };
    exported.get(name)!.labels = [...metric.labelNames].sort();
  }
  return exported;
}

function assertSameMetrics(exported: Map<string, unknown>, documented: Map<string, unknown>) {
  assert.deepEqual([...exported.keys()].sort(), [...documented.keys()].sort(), 'metric names');
  for (const [name, doc] of documented) {
    assert.deepEqual(exported.get(name), doc, `type and labels of ${name}`);
  }
}

describe('contract: docs/metrics.md', () => {
  it('lists exactly the metrics the runner exports, with their types and labels', async () => {
    const { metrics } = await monitorFixture();
    assertSameMetrics(await exportedMetrics(metrics.registry), await documentedMetrics('metrics-table'));
  });

  it('lists exactly the metrics the canary agent exports, with their types and labels', async () => {
    const documented = await documentedMetrics('canary-metrics-table');
    assert.deepEqual(
      [...documented.keys()].sort(),
      ['canary_peer_reachable', 'canary_peer_rtt_seconds', 'canary_probes_total'],
      'the names of the issue are the contract'
    );
    assertSameMetrics(await exportedMetrics(new CanaryMetrics().registry), documented);
  });

  it('lists every result a probe can have', async () => {
    const text = await readFile(join(REPO_DIR, 'docs', 'metrics.md'), 'utf8');
    const row = text.split('\n').find((line) => line.startsWith('| `canary_probes_total`'))!;
    for (const result of PROBE_RESULTS) assert.ok(row.includes(`\`${result}\``), `docs/metrics.md names ${result}`);
  });
});

describe('contract: docs/api.md', () => {
  it('lists exactly the routes the runner serves', async () => {
    const documented = (await section('api.md', 'api-routes')).map((row) => {
      const cells = row.split('|').map((c) => c.trim());
      return `${cells[1]} ${cells[2]!.replace(/`/g, '')}`;
    });
    const { routes } = await monitorFixture();
    const served = [...new Set(routes.map(([method, url]) => `${method} ${url}`))];
    assert.deepEqual(served.sort(), documented.sort());
  });
});

describe('contract: the plugin calls only documented routes', () => {
  it('every runner path in the plugin API client is a route of docs/api.md', async () => {
    const documented = (await section('api.md', 'api-routes')).map((row) =>
      row
        .split('|')
        .map((c) => c.trim())[2]!
        .replace(/`/g, '')
        .split('/')
    );
    const client = await readFile(join(REPO_DIR, 'plugin/src/api/runnerApi.ts'), 'utf8');
    const paths = [...client.matchAll(/[`'](\/(?:api|health|metrics)[^`'?]*?)(?:\$\{query\(|[`'])/g)].map((m) => m[1]!);
    assert.ok(paths.length >= 5, `found the client's paths: ${paths.join(', ')}`);
    const placeholder = (segment: string) => segment.startsWith(':') || segment.startsWith('${');
    for (const path of paths) {
      const segments = path.split('/');
      const match = documented.some(
        (doc) =>
          doc.length === segments.length &&
          doc.every((d, i) => d === segments[i] || placeholder(d) || placeholder(segments[i]!))
      );
      assert.ok(match, `the plugin calls ${path}, which docs/api.md does not list`);
    }
  });
});
