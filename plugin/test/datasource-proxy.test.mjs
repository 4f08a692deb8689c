// The Chromium stand-in's data source proxy (chromium/datasourceProxy.mjs) follows Grafana's rules, so the app's
// Prometheus calls are tested against what Grafana would do with them, not against what the app expects.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { DATASOURCE_PROXY_PREFIX, datasourceProxyRequest } from './chromium/datasourceProxy.mjs';

const listen = async (handler) => {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
};

describe("Grafana's data source proxy stand-in", () => {
  let upstream;
  let grafana;
  const seen = [];
  before(async () => {
    upstream = await listen((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      if (req.url.startsWith('/prom/secret')) {
        res.writeHead(401);
        return res.end('unauthorized');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'a=b' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
    const datasources = [{ uid: 'rally-prometheus', type: 'prometheus', url: `${upstream.url}/prom` }];
    grafana = await listen((req, res) => datasourceProxyRequest({ req, res, datasources }));
  });
  after(async () => {
    await new Promise((resolve) => grafana.server.close(resolve));
    await new Promise((resolve) => upstream.server.close(resolve));
  });
  const call = (path, init) => fetch(`${grafana.url}${DATASOURCE_PROXY_PREFIX}${path}`, init);

  it("forwards GET to the data source's URL joined with the proxy path, query kept, cookies dropped", async () => {
    const response = await call('rally-prometheus/api/v1/query?query=up%7Bjob%3D%22x%22%7D', {
      headers: { cookie: 'grafana_session=s', referer: 'http://grafana/a/app' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('set-cookie'), null);
    const last = seen.at(-1);
    assert.equal(last.url, '/prom/api/v1/query?query=up%7Bjob%3D%22x%22%7D');
    assert.equal(last.headers.cookie, undefined);
    assert.equal(last.headers.referer, undefined);
  });

  it('refuses POST, PUT and DELETE on a Prometheus data source, an unknown uid and an invalid one', async () => {
    const post = await call('rally-prometheus/api/v1/query', { method: 'POST', body: 'query=up' });
    assert.equal(post.status, 403);
    assert.match((await post.json()).message, /non allow-listed POSTs not allowed on proxied Prometheus datasource/);
    assert.equal((await call('other/api/v1/query')).status, 404);
    const invalid = await call('..%2Fadmin/api/v1/query');
    assert.equal(invalid.status, 400);
    assert.deepEqual(await invalid.json(), { message: 'UID is invalid' });
  });

  it("turns the data source's 401 into 400, as Grafana does", async () => {
    const response = await call('rally-prometheus/secret');
    assert.equal(response.status, 400);
    assert.equal(await response.text(), 'Authentication to data source failed');
  });
});
