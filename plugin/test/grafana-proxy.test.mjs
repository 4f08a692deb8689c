// The stand-in's plugin proxy follows Grafana's rules (see the citations in chromium/grafanaProxy.mjs), and the
// built plugin.json's routes work under them: every runner call the app makes resolves, nothing else does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { joinURLFragments, permissionsFor, proxyRequest, resolveRoute, treeMatch } from './chromium/grafanaProxy.mjs';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const APP_ID = 'rallymonitor-openstack-app';
const RUN_ACTION = `${APP_ID}.cycles:run`;
const PURGE_ACTION = `${APP_ID}.cleanup:purge`;
const RUN_ID = '20261122T003330Z-cc94e1';

describe("pkg/web/tree.go's match, as the stand-in ports it", () => {
  const cases = [
    // [pattern, path, params or null]
    ['runner', 'runner', {}],
    ['runner', 'runner/', {}],
    ['runner', 'runner/api/results', null],
    ['runner', 'runnerx', null],
    ['runner/api/*', 'runner/api/results', { '*': 'results' }],
    ['runner/api/*', 'runner/api/runs/x/report.html', { '*': 'runs/x/report.html' }],
    ['runner/api/*', 'runner/api', null],
    ['runner/api/*', 'runner/api/', null],
    ['runner/api/*', 'runner/apix/results', null],
    ['runner/api/*', 'runner/health', null],
    ['runner/api/*', 'runner/api/a%2Fb', { '*': 'a/b' }],
    ['runner/api/*', 'runner/api/%zz', null],
    ['runner/api/runs/:id', 'runner/api/runs/abc', { ':id': 'abc' }],
    ['runner/api/runs/:id', 'runner/api/runs/abc/report.html', null],
    ['/runner/health/', 'runner/health', {}],
    ['*', 'anything/at/all', { '*': 'anything/at/all' }],
  ];
  for (const [pattern, url, expected] of cases) {
    it(`"${pattern}" ${expected ? 'matches' : 'does not match'} "${url}"`, () => {
      assert.deepEqual(treeMatch(pattern, url), expected);
    });
  }

  it('util.JoinURLFragments joins with exactly one slash and keeps the base for an empty rest', () => {
    assert.equal(joinURLFragments('/api', 'results'), '/api/results');
    assert.equal(joinURLFragments('/api/', '/results'), '/api/results');
    assert.equal(joinURLFragments('/health', ''), '/health');
  });
});

describe("HandleRequest's route choice", () => {
  const routes = [
    { path: 'a/*', method: 'POST', reqRole: 'Admin', url: 'http://up/post' },
    { path: 'a/*', method: 'GET', url: 'http://up/first' },
    { path: 'a/b', method: 'GET', url: 'http://up/second' },
    { path: 'c', method: 'GET,POST', url: 'http://up/list' },
    { path: 'd', reqAction: 'x.y:z', reqRole: 'Viewer', url: 'http://up/d' },
  ];
  const viewer = { role: 'Viewer', permissions: {} };

  it('takes the first route whose method and path match', () => {
    assert.equal(resolveRoute({ routes, method: 'GET', proxyPath: 'a/b', user: viewer }).route.url, 'http://up/first');
  });
  it('filters on the method before the path, and answers 403 for the matching route the user may not use', () => {
    assert.deepEqual(resolveRoute({ routes, method: 'POST', proxyPath: 'a/b', user: viewer }), {
      status: 403,
      message: 'plugin proxy route access denied',
    });
  });
  it('does not understand method lists: "GET,POST" matches neither', () => {
    assert.equal(resolveRoute({ routes, method: 'GET', proxyPath: 'c', user: viewer }).status, 404);
  });
  it('checks reqAction instead of reqRole when both are set', () => {
    assert.equal(resolveRoute({ routes, method: 'GET', proxyPath: 'd', user: viewer }).status, 403);
    assert.ok(
      resolveRoute({ routes, method: 'GET', proxyPath: 'd', user: { role: 'None', permissions: { 'x.y:z': true } } })
        .route
    );
  });
  it('answers 404 "plugin route match not found" when nothing matches', () => {
    assert.deepEqual(resolveRoute({ routes, method: 'GET', proxyPath: 'zzz', user: viewer }), {
      status: 404,
      message: 'plugin route match not found',
    });
  });
});

describe("the built plugin.json's routes under Grafana's rules", () => {
  let pluginJson;
  before(() => {
    pluginJson = JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8'));
  });
  const fill = (url) => url.replace('{{ .JsonData.runnerUrl }}', 'http://runner:9101');
  const upstream = (r) => joinURLFragments(new URL(fill(r.route.url)).pathname, r.proxyPath);
  const as = (role, granted = []) => ({ role, permissions: permissionsFor(pluginJson, role, granted) });

  // Every runner call of src/api/runnerApi.ts, with the runner path it must reach.
  const reads = [
    ['runner/health', '/health'],
    ['runner/api/results', '/api/results'],
    ['runner/api/history', '/api/history'],
    [`runner/api/runs/${RUN_ID}`, `/api/runs/${RUN_ID}`],
    [`runner/api/runs/${RUN_ID}/report.html`, `/api/runs/${RUN_ID}/report.html`],
    [`runner/api/runs/${RUN_ID}/junit.xml`, `/api/runs/${RUN_ID}/junit.xml`],
    [`runner/api/runs/${RUN_ID}/rally.log`, `/api/runs/${RUN_ID}/rally.log`],
    ['runner/api/cleanup', '/api/cleanup'],
    ['runner/api/cleanup/audit', '/api/cleanup/audit'],
  ];
  for (const [proxyPath, runnerPath] of reads) {
    it(`lets a Viewer GET ${proxyPath} -> ${runnerPath}`, () => {
      const r = resolveRoute({
        routes: pluginJson.routes,
        method: 'GET',
        proxyPath,
        user: as('Viewer'),
        pluginId: APP_ID,
      });
      assert.ok(r.route, `${proxyPath}: ${r.status} ${r.message}`);
      assert.equal(upstream(r), runnerPath);
      assert.deepEqual(r.route.headers, [
        { name: 'Authorization', content: 'Bearer {{ .SecureJsonData.runnerToken }}' },
      ]);
    });
  }

  for (const proxyPath of [
    'runner',
    'runner/metrics',
    'runner/',
    'runner/healthz',
    'runner/api',
    'runner/other/api/results',
  ]) {
    it(`reaches no other runner path: GET ${proxyPath} is 404`, () => {
      assert.equal(
        resolveRoute({ routes: pluginJson.routes, method: 'GET', proxyPath, user: as('Admin'), pluginId: APP_ID })
          .status,
        404
      );
    });
  }

  it('routes no method but GET and the two POSTs', () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      assert.equal(
        resolveRoute({
          routes: pluginJson.routes,
          method,
          proxyPath: 'runner/api/runs',
          user: as('Admin'),
          pluginId: APP_ID,
        }).status,
        404,
        method
      );
    }
    assert.equal(
      resolveRoute({
        routes: pluginJson.routes,
        method: 'POST',
        proxyPath: 'runner/api/history',
        user: as('Admin'),
        pluginId: APP_ID,
      }).status,
      404
    );
  });

  const posts = [
    ['runner/api/runs', '/api/runs', RUN_ACTION, 'Cycle runner'],
    ['runner/api/cleanup/purge', '/api/cleanup/purge', PURGE_ACTION, 'Cleanup purger'],
  ];
  for (const [proxyPath, runnerPath, action, roleName] of posts) {
    it(`POST ${proxyPath} needs ${action}: Admins by default, a Viewer once granted "${roleName}"`, () => {
      const admin = resolveRoute({
        routes: pluginJson.routes,
        method: 'POST',
        proxyPath,
        user: as('Admin'),
        pluginId: APP_ID,
      });
      assert.equal(admin.route?.reqAction, action);
      assert.equal(upstream(admin), runnerPath);
      assert.equal(
        resolveRoute({ routes: pluginJson.routes, method: 'POST', proxyPath, user: as('Viewer'), pluginId: APP_ID })
          .status,
        403
      );
      assert.equal(
        resolveRoute({ routes: pluginJson.routes, method: 'POST', proxyPath, user: as('Editor'), pluginId: APP_ID })
          .status,
        403
      );
      assert.ok(
        resolveRoute({
          routes: pluginJson.routes,
          method: 'POST',
          proxyPath,
          user: as('Viewer', [roleName]),
          pluginId: APP_ID,
        }).route
      );
    });
  }

  const maintenance = [
    ['POST', 'runner/api/maintenance', '/api/maintenance'],
    ['DELETE', 'runner/api/maintenance/mw-0123456789ab', '/api/maintenance/mw-0123456789ab'],
  ];
  for (const [method, proxyPath, runnerPath] of maintenance) {
    it(`${method} ${proxyPath} is the run role's (Cycle runner): Admins by default, never a bare Viewer`, () => {
      const admin = resolveRoute({ routes: pluginJson.routes, method, proxyPath, user: as('Admin'), pluginId: APP_ID });
      assert.equal(admin.route?.reqAction, RUN_ACTION);
      assert.equal(upstream(admin), runnerPath);
      for (const role of ['Viewer', 'Editor']) {
        const refused = resolveRoute({
          routes: pluginJson.routes,
          method,
          proxyPath,
          user: as(role),
          pluginId: APP_ID,
        });
        assert.equal(refused.route, undefined, role);
      }
      assert.ok(
        resolveRoute({
          routes: pluginJson.routes,
          method,
          proxyPath,
          user: as('Viewer', ['Cycle runner']),
          pluginId: APP_ID,
        }).route
      );
    });
  }

  it('a Viewer reads the maintenance windows through the GET route', () => {
    const read = resolveRoute({
      routes: pluginJson.routes,
      method: 'GET',
      proxyPath: 'runner/api/maintenance',
      user: as('Viewer'),
      pluginId: APP_ID,
    });
    assert.equal(upstream(read), '/api/maintenance');
  });

  it('grants "run" and "purge" separately', () => {
    const runner = as('Viewer', ['Cycle runner']);
    assert.ok(
      resolveRoute({
        routes: pluginJson.routes,
        method: 'POST',
        proxyPath: 'runner/api/runs',
        user: runner,
        pluginId: APP_ID,
      }).route
    );
    assert.equal(
      resolveRoute({
        routes: pluginJson.routes,
        method: 'POST',
        proxyPath: 'runner/api/cleanup/purge',
        user: runner,
        pluginId: APP_ID,
      }).status,
      403
    );
  });
});

describe("the stand-in's reverse proxy", () => {
  let upstreamServer;
  let proxyServer;
  let seen;
  let base;

  before(async () => {
    upstreamServer = http.createServer((req, res) => {
      seen = { url: req.url, headers: req.headers };
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "sandbox allow-scripts; script-src 'unsafe-inline'",
        'set-cookie': 'grafana_session=stolen',
        'x-content-type-options': 'nosniff',
      });
      res.end('<p>report</p>');
    });
    await new Promise((r) => upstreamServer.listen(0, '127.0.0.1', r));
    const routes = [
      {
        path: 'runner/api/*',
        method: 'GET',
        url: `http://127.0.0.1:${upstreamServer.address().port}/api`,
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.runnerToken }}' }],
      },
    ];
    proxyServer = http.createServer((req, res) => {
      const rawPath = req.url.split('?')[0];
      const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      proxyRequest({
        req,
        res,
        proxyPath: rawPath.slice(1),
        search,
        routes,
        jsonData: {},
        secureJsonData: { runnerToken: 't0k' },
        user: { role: 'Viewer', permissions: {} },
        pluginId: APP_ID,
      });
    });
    await new Promise((r) => proxyServer.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${proxyServer.address().port}`;
  });
  after(async () => {
    await new Promise((r) => upstreamServer.close(r));
    await new Promise((r) => proxyServer.close(r));
  });

  it("replaces the upstream's Content-Security-Policy with sandbox, drops Set-Cookie, passes the rest", async () => {
    const response = await fetch(`${base}/runner/api/runs/x/report.html?service=keystone`, {
      headers: { cookie: 'grafana_session=mine', referer: 'http://grafana/a/x' },
    });
    assert.equal(response.headers.get('content-security-policy'), 'sandbox');
    assert.equal(response.headers.get('set-cookie'), null);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(seen.url, '/api/runs/x/report.html?service=keystone');
    assert.equal(seen.headers.authorization, 'Bearer t0k');
    assert.equal(seen.headers.cookie, undefined, 'Grafana never forwards its session cookie');
    assert.equal(seen.headers.referer, undefined);
  });

  it("forwards a `..` under runner/api/* unresolved, as Grafana's tree and Go's client do", async () => {
    // fetch() and URL strings resolve the dot segments in the client; a raw request line need not.
    const { port } = new URL(base);
    const status = await new Promise((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/runner/api/%2e%2e/metrics' }, (res) => resolve(res.resume().statusCode))
        .on('error', reject)
    );
    assert.equal(status, 200);
    assert.equal(
      seen.url,
      '/api/../metrics',
      'the runner, not the proxy, decides what `..` means (its router does not resolve it)'
    );
  });
});
