import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { checkPluginJson } from './pluginJsonRules.mjs';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const readDist = (file) => JSON.parse(fs.readFileSync(path.join(DIST, file), 'utf8'));

/** A copy of dist/ whose app plugin.json was changed by `mutate`, to show the rules catch that mistake. */
function brokenCopy(mutate, file = 'plugin.json') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-dist-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  mutate(json, dir);
  fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
  return dir;
}

describe('built dist/plugin.json', () => {
  it('exists: run `npm run build` first', () => {
    assert.ok(fs.existsSync(path.join(DIST, 'plugin.json')), `no ${DIST}/plugin.json`);
  });

  it('follows Grafana plugin schema rules, app and nested panel', () => {
    assert.deepEqual(checkPluginJson(DIST), []);
  });

  it('is the app with the nested status timeline panel', () => {
    const app = readDist('plugin.json');
    assert.equal(app.id, 'rallymonitor-openstack-app');
    assert.equal(app.type, 'app');
    assert.equal(app.dependencies.grafanaDependency, '>=12.3.0');
    const panelInclude = app.includes.find((i) => i.type === 'panel');
    const panel = readDist(panelInclude.path);
    assert.equal(panel.id, 'rallymonitor-statustimeline-panel');
    assert.ok(fs.existsSync(path.join(DIST, path.dirname(panelInclude.path), 'module.js')));
  });

  it('ships every dashboard of dashboards/ unchanged: one source for the app and the file provider', () => {
    const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dashboards');
    const included = readDist('plugin.json')
      .includes.filter((i) => i.type === 'dashboard')
      .map((i) => i.path)
      .sort();
    const files = fs
      .readdirSync(source)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(
      included,
      files.map((f) => `dashboards/${f}`)
    );
    for (const file of files) {
      assert.equal(
        fs.readFileSync(path.join(DIST, 'dashboards', file), 'utf8'),
        fs.readFileSync(path.join(source, file), 'utf8'),
        file
      );
    }
  });

  it('declares the run and purge roles, granted to Admins, as the POST routes require', () => {
    const app = readDist('plugin.json');
    const byAction = Object.fromEntries(app.roles.map((r) => [r.role.permissions[0].action, r]));
    for (const [path, action] of [
      ['runner/api/runs', 'rallymonitor-openstack-app.cycles:run'],
      ['runner/api/cleanup/purge', 'rallymonitor-openstack-app.cleanup:purge'],
    ]) {
      const route = app.routes.find((r) => r.path === path && r.method === 'POST');
      assert.equal(route?.reqAction, action, path);
      assert.deepEqual(byAction[action]?.grants, ['Admin'], action);
    }
    for (const route of app.routes) {
      assert.deepEqual(
        route.headers,
        [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.runnerToken }}' }],
        route.path
      );
    }
  });
});

describe('plugin.json rules catch mistakes', () => {
  const cases = [
    ['a bad id', (j) => (j.id = 'RallyMonitor_app'), /id "RallyMonitor_app"/],
    ['a missing required field', (j) => delete j.info, /"info" missing/],
    [
      'an include path missing from dist',
      (j) => (j.includes.find((i) => i.type === 'panel').path = 'panels/nope/plugin.json'),
      /does not exist in dist/,
    ],
    ['an invalid grafanaDependency', (j) => (j.dependencies.grafanaDependency = '>=twelve'), /grafanaDependency/],
    [
      'a POST route open to viewers',
      (j) => delete j.routes.find((r) => r.method === 'POST').reqAction,
      /allows POST to non-Admins/,
    ],
    ['a method list Grafana cannot match', (j) => (j.routes[0].method = 'GET,POST'), /is not one HTTP method/],
    ['a "*" inside a segment', (j) => (j.routes[0].path = 'runner/api*'), /only works as the last whole segment/],
    [
      'a reqAction no role grants',
      (j) => (j.routes.find((r) => r.reqAction).reqAction = 'rallymonitor-openstack-app.other:run'),
      /not granted by any/,
    ],
    [
      'a role action without the plugin id prefix',
      (j) => (j.roles[0].role.permissions[0].action = 'cycles:run'),
      /not prefixed/,
    ],
    ['an unknown top-level field', (j) => (j.colour = 'green'), /unknown field "colour"/],
    ['a missing logo file', (j, dir) => fs.rmSync(path.join(dir, j.info.logos.small)), /logos.small .* does not exist/],
  ];
  for (const [name, mutate, expected] of cases) {
    it(`reports ${name}`, () => {
      const dir = brokenCopy(mutate);
      try {
        const problems = checkPluginJson(dir);
        assert.ok(
          problems.some((p) => expected.test(p)),
          `expected ${expected} in ${JSON.stringify(problems)}`
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('checks the nested panel too', () => {
    const dir = brokenCopy((j) => (j.id = 'statustimeline'), 'panels/statustimeline/plugin.json');
    try {
      assert.ok(checkPluginJson(dir).some((p) => p.includes('panels/statustimeline/plugin.json: id "statustimeline"')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
