import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { proxyRequest } from './grafanaProxy.mjs';

const TYPES = { '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.html': 'text/html', '.map': 'application/json' };

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

export function hostPage({ role }) {
  const bootData = { settings: { buildInfo: { version: '12.4.10' }, featureToggles: {} }, user: { orgRole: role, isGrafanaAdmin: false, login: 'host', timezone: 'utc' }, navTree: [] };
  const importMap = {
    imports: Object.fromEntries(
      ['@emotion/css', '@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'react-dom', 'react/jsx-runtime', 'react-router', 'rxjs'].map((n) => [n, `app:${n}`])
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
 * runner, configured like the app's settings (jsonData.runnerUrl, secureJsonData.runnerToken).
 */
export async function startHostServer({ distDir, hostDir, systemjsDir, uiPublicDir, runnerUrl, runnerToken = '', role = 'Admin' }) {
  const pluginJson = JSON.parse(fs.readFileSync(path.join(distDir, 'plugin.json'), 'utf8'));
  const pluginPrefix = `/public/plugins/${pluginJson.id}/`;
  const proxyPrefix = `/api/plugin-proxy/${pluginJson.id}/`;
  const settings = { role, jsonData: { runnerUrl }, secureJsonData: { runnerToken } };
  const proxied = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(hostPage({ role: settings.role }));
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
    if (url.pathname.startsWith(proxyPrefix)) {
      const proxyPath = url.pathname.slice(proxyPrefix.length);
      proxied.push(`${req.method} ${proxyPath}`);
      return proxyRequest({ req, res, proxyPath, search: url.search, routes: pluginJson.routes ?? [], ...settings });
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
