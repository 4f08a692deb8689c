// Plays Grafana's data source proxy for the app's Prometheus calls: /api/datasources/proxy/uid/<uid>/<proxyPath>.
// Every rule here is copied from Grafana's source (grafana/grafana, read with the repository search tools):
// - pkg/services/datasourceproxy/datasourceproxy.go `ProxyDatasourceRequestWithUID`: a uid that fails
//   util.IsValidShortUID (pkg/util/shortid_generator.go: letters, digits, - and _, at most 40) is 400
//   {"message":"UID is invalid"}; an unknown uid is 404 (toAPIError: datasources.ErrDataSourceNotFound,
//   "Data source not found"). The proxy path is what follows /api/datasources/proxy/uid/<uid>/.
// - pkg/api/pluginproxy/ds_proxy.go `validateRequest`: with no plugin route matched, a Prometheus data source
//   refuses DELETE, PUT and POST with 403 ("non allow-listed POSTs not allowed on proxied Prometheus datasource").
// - ds_proxy.go `director`: the upstream path is util.JoinURLFragments(target.Path, proxyPath), the query string is
//   kept; Cookie, Origin and Referer are dropped (proxyutil.ClearCookieHeader, PrepareProxyRequest).
// - ds_proxy.go `HandleRequest` ModifyResponse: an upstream 401 becomes 400 "Authentication to data source failed";
//   an upstream that cannot be reached is 502 (httputil.ReverseProxy's default error handler).
import http from 'node:http';

import { joinURLFragments } from './grafanaProxy.mjs';

export const DATASOURCE_PROXY_PREFIX = '/api/datasources/proxy/uid/';
const VALID_UID = /^[a-zA-Z0-9_-]{1,40}$/;
const REFUSED_METHODS = { DELETE: 'DELETEs', PUT: 'PUTs', POST: 'POSTs' };

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Handles one request whose path starts with DATASOURCE_PROXY_PREFIX; `datasources` are {uid, type, url}. */
export function datasourceProxyRequest({ req, res, datasources }) {
  const url = new URL(req.url, 'http://grafana');
  const rest = url.pathname.slice(DATASOURCE_PROXY_PREFIX.length);
  const slash = rest.indexOf('/');
  const uid = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
  const proxyPath = slash === -1 ? '' : rest.slice(slash + 1);
  if (!VALID_UID.test(uid)) {
    return json(res, 400, { message: 'UID is invalid' });
  }
  const datasource = datasources.find((d) => d.uid === uid);
  if (!datasource) {
    return json(res, 404, { message: 'Data source not found' });
  }
  if (datasource.type === 'prometheus' && REFUSED_METHODS[req.method]) {
    return json(res, 403, {
      message: `non allow-listed ${REFUSED_METHODS[req.method]} not allowed on proxied Prometheus datasource`,
    });
  }
  const target = new URL(datasource.url);
  const headers = { ...req.headers, host: target.host };
  for (const name of ['cookie', 'origin', 'referer', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto']) {
    delete headers[name];
  }
  const upstream = http.request(
    {
      hostname: target.hostname,
      port: target.port,
      path: joinURLFragments(target.pathname, proxyPath) + url.search,
      method: req.method,
      headers,
    },
    (up) => {
      if (up.statusCode === 401) {
        up.resume();
        res.writeHead(400);
        return res.end('Authentication to data source failed');
      }
      const out = { ...up.headers };
      delete out['set-cookie'];
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    }
  );
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502);
      res.end();
    }
  });
  req.pipe(upstream);
}
