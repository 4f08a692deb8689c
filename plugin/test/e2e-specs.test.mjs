// The @grafana/plugin-e2e specs (tests/*.spec.ts) run only where a Grafana is (GRAFANA_URL); none is here. What can
// be checked without one is checked here, so the specs are worth running the day a GRAFANA_URL exists: they never
// accept a runner failure as a pass, they assert the real content, and everything they look for is something the
// plugin renders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const specsDir = path.join(root, 'tests');
const specs = fs
  .readdirSync(specsDir)
  .filter((f) => f.endsWith('.spec.ts'))
  .map((file) => ({ file, text: fs.readFileSync(path.join(specsDir, file), 'utf8') }));
const fixtures = fs.readFileSync(path.join(specsDir, 'fixtures.ts'), 'utf8');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : sources(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [fs.readFileSync(full, 'utf8')] : [];
  });
}
const src = sources(path.join(root, 'src')).join('\n');

// What the pages say when the runner did not answer; the specs may only assert their absence.
const FAILURE_TEXTS = ['Runner unreachable', 'Runner error', 'Runner token rejected', 'Connection failed'];

describe('e2e specs', () => {
  it('exist for the app pages, the panel and the settings', () => {
    assert.deepEqual(specs.map((s) => s.file).sort(), ['appConfig.spec.ts', 'pages.spec.ts', 'panel.spec.ts']);
  });

  it('never accept a runner failure, or one of two outcomes, as a pass', () => {
    for (const { file, text } of specs) {
      assert.doesNotMatch(text, /\.or\(/, `${file}: a locator .or() lets either outcome pass`);
      text.split('\n').forEach((line, i) => {
        for (const failure of FAILURE_TEXTS) {
          if (line.includes(failure) && !/^\s*\/\//.test(line)) {
            assert.match(line, /toHaveCount\(0\)/, `${file}:${i + 1} accepts "${failure}"`);
          }
        }
      });
    }
    // The shared pattern of failures is only ever asserted absent.
    for (const { file, text } of specs) {
      for (const line of text.split('\n').filter((l) => l.includes('RUNNER_FAILURE') && !l.includes('import'))) {
        assert.match(line, /getByText\(RUNNER_FAILURE\)\)\.toHaveCount\(0\)/, `${file}: ${line.trim()}`);
      }
    }
  });

  it("check each page against what the runner answers through the proxy: service rows, a timeline, a run's workloads", () => {
    const pages = specs.find((s) => s.file === 'pages.spec.ts').text;
    for (const testId of ['service-row-', 'timeline-lane-', 'run-service-', 'workload-', 'run-row-', 'leak-']) {
      assert.ok(pages.includes(testId), `pages.spec.ts looks for ${testId}…`);
    }
    assert.match(pages, /runner\.latest/, "the pages are compared with the runner's latest cycle");
    assert.match(
      fixtures,
      /\/api\/plugin-proxy\/\$\{pluginJson\.id\}\/runner/,
      "the fixture reads the runner through Grafana's proxy"
    );
    const panel = specs.find((s) => s.file === 'panel.spec.ts').text;
    assert.match(
      panel,
      /timeline-lane-\$\{service\.service\} \(\$\{cycle\.cloud\}\/\$\{cycle\.region\}\)/,
      'lanes named by the legend format'
    );
  });

  it("check the Dataplane page and the Overview's lane against Prometheus through Grafana's data source proxy", () => {
    const pages = specs.find((s) => s.file === 'pages.spec.ts').text;
    assert.match(pages, /gotoPage\('\/dataplane'\)/);
    assert.match(pages, /dataplane\.pairs/, "the matrix is compared with Prometheus's pairs");
    assert.match(pages, /getByText\(PROMETHEUS_FAILURE\)\)\.toHaveCount\(0\)/);
    assert.match(fixtures, /\/api\/datasources\/proxy\/uid\//, "the fixture reads Prometheus through Grafana's proxy");
    assert.match(fixtures, /MATRIX_QUERIES/, "with the page's own query");
  });

  it('look only for test ids, texts and tables that the plugin renders', () => {
    const all = specs.map((s) => s.text).join('\n');
    for (const [, prefix] of all.matchAll(/getByTestId\(`([a-z-]+)-\$\{/g)) {
      assert.ok(src.includes(`data-testid={\`${prefix}-\${`), `no component renders data-testid="${prefix}-…"`);
    }
    for (const [, id] of all.matchAll(/getByTestId\('([a-z-]+)'\)/g)) {
      assert.ok(src.includes(`data-testid="${id}"`), `no component renders data-testid="${id}"`);
    }
    for (const [, name] of all.matchAll(/getByRole\('table', \{ name: '([^']+)' \}\)/g)) {
      assert.ok(src.includes(`aria-label="${name}"`), `no table is labelled "${name}"`);
    }
    for (const [, text] of all.matchAll(/getByText\('([^']+)'\)/g)) {
      if (!FAILURE_TEXTS.includes(text)) assert.ok(src.includes(text), `the plugin never says "${text}"`);
    }
  });
});
