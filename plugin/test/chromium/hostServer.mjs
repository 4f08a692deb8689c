import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { DATASOURCE_PROXY_PREFIX, datasourceProxyRequest } from './datasourceProxy.mjs';
import { permissionsFor, proxyRequest } from './grafanaProxy.mjs';

const TYPES = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.html': 'text/html',
  '.map': 'application/json',
};

function serveFile(res, file) {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404);
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
}

function inside(root, relative) {
  const file = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  return file.startsWith(root) ? file : path.join(root, '__outside__');
}

/** `permissions` undefined plays a Grafana whose bootData carries no RBAC permissions (the UI falls back to roles). */
export function hostPage({ role, permissions }) {
  const user = {
    orgRole: role,
    isGrafanaAdmin: false,
    login: 'host',
    orgId: 1,
    timezone: 'utc',
    ...(permissions ? { permissions } : {}),
  };
  const bootData = { settings: { buildInfo: { version: '12.4.10' }, featureToggles: {} }, user, navTree: [] };
  const importMap = {
    imports: Object.fromEntries(
      [
        '@emotion/css',
        '@grafana/data',
        '@grafana/runtime',
        '@grafana/ui',
        'react',
        'react-dom',
        'react/jsx-runtime',
        'react-router',
        'rxjs',
      ].map((n) => [n, `app:${n}`])
    ),
  };
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Grafana plugin host</title>
<script>window.grafanaBootData = ${JSON.stringify(bootData)};</script>
<script type="systemjs-importmap">${JSON.stringify(importMap)}</script>
<script src="/systemjs/system.js"></script>
<script src="/systemjs/extras/amd.js"></script>
</head><body><div id="root"></div><script src="/host/host.js"></script></body></html>`;
}

/**
 * Serves the host page, the built plugin under /public/plugins/<id>/ (as Grafana does), and the plugin proxy to the
 * runner, configured like the app's settings (jsonData.runnerUrl, secureJsonData.runnerToken). The user has the org
 * `role` and, with `rbac` (Grafana 12 always has it), the permissions of the plugin roles granted to that role
 * plus those named in `grantedRoles` (what an admin assigns in Administration > Users).
 */
export async function startHostServer({
  distDir,
  hostDir,
  systemjsDir,
  uiPublicDir,
  runnerUrl,
  runnerToken = '',
  role = 'Admin',
  grantedRoles = [],
  rbac = true,
  // Grafana's data sources, {uid, type, url}: the app's Prometheus (rally-prometheus) for the Dataplane page.
  datasources = [],
}) {
  const pluginJson = JSON.parse(fs.readFileSync(path.join(distDir, 'plugin.json'), 'utf8'));
  const pluginPrefix = `/public/plugins/${pluginJson.id}/`;
  const proxyPrefix = `/api/plugin-proxy/${pluginJson.id}/`;
  const permissions = permissionsFor(pluginJson, role, grantedRoles);
  const settings = { role, permissions, rbac, jsonData: { runnerUrl }, secureJsonData: { runnerToken } };
  const proxied = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(hostPage({ role: settings.role, permissions: settings.rbac ? settings.permissions : undefined }));
    }
    if (url.pathname.startsWith(pluginPrefix)) {
      return serveFile(res, inside(distDir, url.pathname.slice(pluginPrefix.length)));
    }
    if (url.pathname.startsWith('/public/')) {
      // Grafana serves @grafana/ui's icons from public/img/icons.
      const relative = url.pathname.slice('/public/'.length).replace(/^build\//, '');
      // Grafana's fonts are not in any npm package; the page falls back to system fonts.
      if (relative.startsWith('fonts/')) {
        res.writeHead(204);
        return res.end();
      }
      return serveFile(res, inside(uiPublicDir, relative));
    }
    if (url.pathname.startsWith('/host/')) {
      return serveFile(res, inside(hostDir, url.pathname.slice('/host/'.length)));
    }
    if (url.pathname.startsWith('/systemjs/')) {
      return serveFile(res, inside(systemjsDir, url.pathname.slice('/systemjs/'.length)));
    }
    if (url.pathname.startsWith(DATASOURCE_PROXY_PREFIX)) {
      proxied.push(`${req.method} ${url.pathname}`);
      return datasourceProxyRequest({ req, res, datasources });
    }
    if (url.pathname.startsWith(proxyPrefix)) {
      // Grafana takes the proxy path from the escaped request path, unnormalised (pkg/api/plugin_proxy.go).
      const rawPath = req.url.split('?')[0];
      const proxyPath = rawPath.slice(rawPath.indexOf(proxyPrefix) + proxyPrefix.length);
      proxied.push(`${req.method} ${proxyPath}`);
      const user = { role: settings.role, permissions: settings.permissions };
      return proxyRequest({
        req,
        res,
        proxyPath,
        search: url.search,
        routes: pluginJson.routes ?? [],
        pluginId: pluginJson.id,
        user,
        ...settings,
      });
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    proxied,
    settings,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
