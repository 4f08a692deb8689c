// Plays Grafana's plugin proxy for an app (pkg/api/pluginproxy): the first route of plugin.json whose method and
// path prefix match wins, its reqRole is enforced, {{ .JsonData.x }} / {{ .SecureJsonData.x }} are filled in the
// URL and headers, and the rest of the path is appended to the route URL.
import http from 'node:http';

const ROLE_RANK = { Viewer: 1, Editor: 2, Admin: 3 };

function fill(template, jsonData, secureJsonData) {
  return template
    .replace(/\{\{\s*\.JsonData\.(\w+)\s*\}\}/g, (_, key) => String(jsonData[key] ?? ''))
    .replace(/\{\{\s*\.SecureJsonData\.(\w+)\s*\}\}/g, (_, key) => String(secureJsonData[key] ?? ''));
}

function matchRoute(routes, method, proxyPath) {
  return routes.find((route) => {
    const methods = (route.method ?? '*').split(',').map((m) => m.trim().toUpperCase());
    return (methods.includes('*') || methods.includes(method)) && proxyPath.startsWith(route.path);
  });
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Handles one request to /api/plugin-proxy/<id>/<proxyPath>. */
export function proxyRequest({ req, res, proxyPath, search, routes, jsonData, secureJsonData, role }) {
  const route = matchRoute(routes, req.method, proxyPath);
  if (!route) {
    return json(res, 404, { message: 'plugin route match not found' });
  }
  if (route.reqRole && (ROLE_RANK[role] ?? 0) < ROLE_RANK[route.reqRole]) {
    return json(res, 403, { message: 'plugin proxy route access denied' });
  }
  const base = fill(route.url, jsonData, secureJsonData);
  let target;
  try {
    target = new URL(base + proxyPath.slice(route.path.length) + search);
  } catch {
    return json(res, 500, { message: 'invalid route url' });
  }
  const headers = { accept: 'application/json' };
  for (const h of route.headers ?? []) {
    headers[h.name.toLowerCase()] = fill(h.content, jsonData, secureJsonData);
  }
  if (req.headers['content-type']) {
    headers['content-type'] = req.headers['content-type'];
  }
  const upstream = http.request(target, { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'application/octet-stream' });
    up.pipe(res);
  });
  // What Grafana answers when the route's URL cannot be reached.
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502);
      res.end();
    }
  });
  req.pipe(upstream);
}
