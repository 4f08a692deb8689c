// dashboards/*.json: the one source of the dashboards, for the dashboard provider and the app plugin alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dashboards, readJson, readText, readYaml, repoPath } from './lib/repo.mjs';
import {
  dashboardExpressions,
  dashboardPanels,
  grafanaVariablesIn,
  metricNamesInPromQL,
  variableQuery,
} from './lib/promql.mjs';
import { documentedMetricNames } from './lib/metrics-doc.mjs';

const TIMELINE_PANEL_ID = 'rallymonitor-statustimeline-panel';
const APP_PATH = '/a/rallymonitor-openstack-app/';
const APP_PAGES =
  /^\/a\/rallymonitor-openstack-app\/(overview|cleanup|dataplane(\?.*)?|runs(\?.*)?|service\/[^/?]+(\?.*)?)$/;
const PANEL_TYPES = new Set(['stat', 'timeseries', 'bargauge', 'table', 'row', TIMELINE_PANEL_ID]);
const STATUS_METRICS = ['rally_service_status', 'rally_scenario_status'];
const all = dashboards();

/**
 * The schema version Grafana 12 writes: the default dashboard of the @grafana/schema the plugin is built against
 * (12.4.10: 42), the same as grafana/grafana apps/dashboard/pkg/migration/schemaversion/migrations.go LATEST_VERSION.
 * A dashboard declaring less is migrated on every load, and saved back different from the file.
 */
function latestSchemaVersion() {
  const schema = readText(
    'node_modules',
    '@grafana',
    'schema',
    'dist',
    'esm',
    'raw',
    'dashboard',
    'x',
    'types.gen.mjs'
  );
  const match = /defaultDashboard\b[\s\S]*?schemaVersion: (\d+)/.exec(schema);
  assert.ok(match, 'the default dashboard of @grafana/schema declares a schemaVersion');
  return Number(match[1]);
}

test('there are the overview, service, cleanup, runner and dataplane dashboards', () => {
  assert.deepEqual(all.map((d) => d.json.uid).sort(), [
    'rally-cleanup',
    'rally-dataplane',
    'rally-overview',
    'rally-runner',
    'rally-service',
  ]);
});

test('dashboards are importable: id null, unique valid uids and titles, a schema version', () => {
  const uids = all.map((d) => d.json.uid);
  assert.equal(new Set(uids).size, uids.length);
  assert.equal(new Set(all.map((d) => d.json.title)).size, all.length);
  for (const { file, json } of all) {
    assert.equal(json.id, null, `${file}: id must be null so Grafana assigns one`);
    assert.match(json.uid, /^[a-zA-Z0-9_-]{1,40}$/, file);
    assert.equal(typeof json.schemaVersion, 'number', file);
    assert.ok(json.tags.includes('rally-monitor'), file);
  }
});

test("dashboards are in Grafana 12's schema version, with what its migrations up to it change already applied", () => {
  const latest = latestSchemaVersion();
  assert.ok(latest >= 42, `@grafana/schema's latest dashboard schema is ${latest}`);
  for (const { file, json } of all) {
    assert.equal(
      json.schemaVersion,
      latest,
      `${file}: Grafana 12 would migrate schemaVersion ${json.schemaVersion} on load`
    );
    // schemaversion/v40.go: refresh is a string; v41.go: no timepicker.time_options; v42.go: hidden from viz, hidden from tooltip.
    assert.equal(typeof (json.refresh ?? ''), 'string', `${file}: refresh`);
    assert.equal(json.timepicker?.time_options, undefined, `${file}: timepicker.time_options`);
    for (const panel of dashboardPanels(json)) {
      for (const property of (panel.fieldConfig?.overrides ?? []).flatMap((o) => o.properties ?? [])) {
        if (property.id === 'custom.hideFrom' && property.value?.viz) {
          assert.equal(property.value.tooltip, true, `${file} "${panel.title}"`);
        }
      }
    }
  }
});

test('panels have unique ids, known types and fit the 24-column grid', () => {
  for (const { file, json } of all) {
    const panels = dashboardPanels(json);
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
    for (const panel of panels) {
      assert.ok(PANEL_TYPES.has(panel.type), `${file} "${panel.title}": unknown panel type ${panel.type}`);
      const { x, y, w, h } = panel.gridPos;
      assert.ok(
        Number.isInteger(x) && Number.isInteger(y) && w > 0 && h > 0 && x + w <= 24,
        `${file} "${panel.title}": gridPos`
      );
      if (panel.type !== 'row') assert.ok(panel.targets?.length > 0, `${file} "${panel.title}": no query`);
    }
  }
});

test('every query goes through the datasource variable, which defaults to the provisioned rally-prometheus', () => {
  const provisioned = readYaml('provisioning', 'datasources', 'prometheus.yaml').datasources.map((d) => d.uid);
  for (const { file, json } of all) {
    const dsVar = json.templating.list.find((v) => v.name === 'datasource');
    assert.equal(dsVar?.type, 'datasource', file);
    assert.equal(dsVar.query, 'prometheus', file);
    assert.ok(
      provisioned.includes(dsVar.current.value),
      `${file}: default data source ${dsVar.current.value} is not provisioned`
    );
    const refs = [
      ...dashboardPanels(json)
        .filter((p) => p.type !== 'row')
        .flatMap((p) => [p.datasource, ...p.targets.map((t) => t.datasource)]),
      ...json.templating.list.filter((v) => v.type === 'query').map((v) => v.datasource),
    ];
    for (const ref of refs) assert.deepEqual(ref, { type: 'prometheus', uid: '${datasource}' }, file);
  }
});

test('cloud, region and service variables let one Grafana serve many runners', () => {
  for (const { file, json } of all) {
    const names = json.templating.list.map((v) => v.name);
    const expected = {
      'rally-runner': ['datasource', 'cloud', 'region'],
      // The canaries' series carry no cloud or region: their datacenter and availability zone place them.
      'rally-dataplane': ['datasource', 'datacenter', 'az'],
    }[json.uid] ?? ['datasource', 'cloud', 'region', 'service'];
    assert.deepEqual(names, expected, file);
    // The Dataplane dashboard's variables choose the probing side (src_datacenter, src_az) of each pair.
    const labelOf = json.uid === 'rally-dataplane' ? { datacenter: 'src_datacenter', az: 'src_az' } : {};
    for (const v of json.templating.list.filter((v) => v.type === 'query')) {
      const label = labelOf[v.name] ?? v.name;
      assert.match(variableQuery(v), new RegExp(`^label_values\\(.*, ${label}\\)$`), `${file} ${v.name}`);
    }
  }
});

test('every variable used is defined, and multi-value variables are only matched with =~', () => {
  for (const { file, json } of all) {
    const defined = new Set(json.templating.list.map((v) => v.name));
    const texts = [
      JSON.stringify(json.panels),
      JSON.stringify(json.links),
      ...json.templating.list.map((v) => variableQuery(v) ?? ''),
    ];
    for (const name of texts.flatMap(grafanaVariablesIn)) {
      assert.ok(name.startsWith('__') || defined.has(name), `${file}: $${name} is used but not defined`);
    }
  }
  for (const { where, expr } of dashboardExpressions()) {
    assert.doesNotMatch(expr, /[^=!]=\s*"\$/, `${where}: a variable with "All" or several values needs =~`);
  }
});

test("status over time is drawn by the app's status timeline panel, whose id is the plugin's real one", () => {
  const panelPluginJson = repoPath('plugin', 'src', 'panels', 'statustimeline', 'plugin.json');
  assert.ok(existsSync(panelPluginJson), 'the nested panel plugin.json exists');
  assert.equal(readJson('plugin', 'src', 'panels', 'statustimeline', 'plugin.json').id, TIMELINE_PANEL_ID);
  const timelineMetrics = all.flatMap(({ json }) =>
    dashboardPanels(json)
      .filter((p) => p.type === TIMELINE_PANEL_ID)
      .flatMap((p) => p.targets.flatMap((t) => metricNamesInPromQL(t.expr)))
  );
  for (const metric of STATUS_METRICS) assert.ok(timelineMetrics.includes(metric), `no timeline panel shows ${metric}`);
  const overview = all.find((d) => d.json.uid === 'rally-overview').json;
  const serviceTimeline = dashboardPanels(overview).find((p) => p.type === TIMELINE_PANEL_ID);
  assert.match(serviceTimeline.targets[0].expr, /rally_service_status\{[^}]*service=~"\$service"/);
});

test('links lead to real app pages and real dashboards', () => {
  const uids = new Set(all.map((d) => d.json.uid));
  for (const { file, json } of all) {
    const urls = [...JSON.stringify(json).matchAll(/"url":\s*"([^"]*)"/g)].map((m) => m[1]);
    assert.ok(
      urls.some((u) => u.startsWith(APP_PATH)),
      `${file}: no link to the app`
    );
    for (const url of urls) {
      if (url.startsWith(APP_PATH)) {
        assert.match(url.replace(/\$\{[^}]*\}/g, 'x').replace(/&from=x&to=x$/, ''), APP_PAGES, `${file}: ${url}`);
      } else if (url.startsWith('/d/')) assert.ok(uids.has(url.split('/')[2]), `${file}: ${url} names no dashboard`);
      else assert.fail(`${file}: unexpected link ${url}`);
    }
  }
});

test("the Service dashboard's link to the app keeps its service, and timeline links keep each lane's cloud and region", () => {
  const service = all.find((d) => d.json.uid === 'rally-service').json;
  const appLinks = service.links.filter((l) => l.type === 'link' && l.url.startsWith(APP_PATH));
  assert.ok(appLinks.length > 0, 'the Service dashboard links to the app');
  for (const link of appLinks) assert.equal(link.url, `${APP_PATH}service/\${service}`, link.title);
  // Lanes of several clouds or regions: each link carries the lane's own labels, not the dashboard's selection.
  for (const { file, json } of all) {
    for (const panel of dashboardPanels(json).filter((p) => p.type === TIMELINE_PANEL_ID)) {
      for (const link of panel.fieldConfig?.defaults?.links ?? []) {
        if (link.url.startsWith(`${APP_PATH}service/`)) {
          assert.match(link.url, /[?&]cloud=\$\{__field\.labels\.cloud\}/, `${file} "${panel.title}": ${link.title}`);
          assert.match(link.url, /[?&]region=\$\{__field\.labels\.region\}/, `${file} "${panel.title}": ${link.title}`);
        }
      }
    }
  }
});

test('the Cleanup dashboard shows every orphaned-resource gauge of docs/metrics.md, each cloud, region and service selected', () => {
  const cleanup = all.find((d) => d.json.uid === 'rally-cleanup').json;
  const queries = dashboardPanels(cleanup).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, expr: t.expr })));
  const gauges = documentedMetricNames().filter((name) => name.startsWith('rally_orphaned_'));
  assert.ok(gauges.includes('rally_orphaned_unattributed_resources'), 'docs/metrics.md lists the unattributed gauge');
  for (const gauge of gauges) {
    const showing = queries.filter(({ expr }) => metricNamesInPromQL(expr).includes(gauge));
    assert.ok(showing.length > 0, `no panel of the Cleanup dashboard shows ${gauge}`);
    for (const { panel, expr } of showing) {
      assert.match(
        expr,
        new RegExp(`${gauge}\\{[^}]*cloud=~"\\$cloud",region=~"\\$region",service=~"\\$service"`),
        `"${panel.title}"`
      );
    }
  }
});

test('dashboards/ is the only source: no other committed dashboard JSON, and the app includes only these files', () => {
  const tracked = execFileSync('git', ['ls-files', '*.json'], { cwd: repoPath(), encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const copies = tracked
    .filter((path) => !path.startsWith('dashboards/') && !path.includes('node_modules/'))
    .filter((path) => {
      try {
        const json = JSON.parse(readFileSync(repoPath(path), 'utf8'));
        return Array.isArray(json.panels) && 'schemaVersion' in json;
      } catch {
        return false;
      }
    });
  assert.deepEqual(copies, [], 'dashboards are copied at build time, never committed twice');
  const plugin = readJson('plugin', 'src', 'plugin.json');
  const files = new Set(all.map((d) => d.file));
  const included = (plugin.includes ?? []).filter((i) => i.type === 'dashboard');
  for (const include of included) {
    assert.match(include.path, /^dashboards\/[^/]+\.json$/, include.path);
    assert.ok(files.has(include.path.split('/')[1]), `${include.path} is not one of dashboards/*.json`);
  }
  // And the app ships every one of them.
  assert.deepEqual(included.map((i) => i.path.split('/')[1]).sort(), [...files].sort());
});

test('the Dataplane dashboard: datacenter and AZ variables with All, the AZ x AZ matrices, host panels of the canaries only', () => {
  const dataplane = all.find((d) => d.json.uid === 'rally-dataplane').json;
  const variables = Object.fromEntries(dataplane.templating.list.map((v) => [v.name, v]));
  assert.equal(variableQuery(variables.datacenter), 'label_values(canary_peer_reachable, src_datacenter)');
  assert.equal(
    variableQuery(variables.az),
    'label_values(canary_peer_reachable{src_datacenter=~"$datacenter"}, src_az)'
  );
  for (const name of ['datacenter', 'az']) {
    assert.ok(variables[name].multi && variables[name].includeAll, `${name}: several values and All`);
    // Without an allValue, All would expand to the values seen when the dashboard loaded, not every one.
    assert.equal(variables[name].allValue, '.*', name);
  }
  const queries = dashboardPanels(dataplane).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, expr: t.expr })));
  for (const { panel, expr } of queries) {
    const metrics = metricNamesInPromQL(expr);
    for (const [, , inside] of expr.matchAll(/\b(canary_[a-z_]+)\{([^}]*)\}/g)) {
      assert.match(inside, /src_datacenter=~"\$datacenter",src_az=~"\$az"/, `"${panel.title}": ${expr}`);
    }
    // Every canary metric is filtered by the variables (a bare name would show every datacenter whatever is chosen).
    const bare = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, '');
    assert.doesNotMatch(bare, /\bcanary_[a-z_]+\b(?!\{)/, `"${panel.title}": ${expr}`);
    // The operator's other node exporters share the Prometheus: only the canary scrape job's targets (canary_id).
    for (const [, inside] of expr.matchAll(/\b(?:node_[A-Za-z_0-9]+|up)\{([^}]*)\}/g)) {
      assert.match(
        inside,
        /canary_id!="",datacenter=~"\$datacenter",availability_zone=~"\$az"/,
        `"${panel.title}": ${expr}`
      );
    }
    assert.ok(metrics.length > 0, `"${panel.title}": ${expr}`);
  }
  const matrices = dashboardPanels(dataplane).filter(
    (p) =>
      p.type === 'table' &&
      (p.transformations ?? []).some(
        (t) => t.id === 'groupingToMatrix' && t.options.rowField === 'src_az' && t.options.columnField === 'dst_az'
      )
  );
  const shown = (panels, pattern) => panels.some((p) => (p.targets ?? []).some((t) => pattern.test(t.expr)));
  assert.ok(
    shown(matrices, /histogram_quantile\(0\.95, sum by \(src_az, dst_az, le\)/),
    'an AZ x AZ p95 latency matrix'
  );
  assert.ok(shown(matrices, /canary_probes_total\{[^}]*result="ok"/), 'an AZ x AZ loss matrix');
  const panels = dashboardPanels(dataplane);
  for (const metric of [
    'node_cpu_seconds_total',
    'node_memory_MemAvailable_bytes',
    'node_filesystem_avail_bytes',
    'node_load5',
  ]) {
    assert.ok(shown(panels, new RegExp(`\\b${metric}\\b`)), `a host panel shows ${metric}`);
  }
  assert.ok(
    dataplane.links.some((l) => l.url === '/a/rallymonitor-openstack-app/dataplane'),
    'a link to the app page'
  );
});
