// Plays Grafana's plugin proxy for an app: /api/plugin-proxy/<id>/<proxyPath>. Every rule here is copied from
// Grafana's source (grafana/grafana, read with the repository search tools), not from what our app expects:
// - pkg/api/plugin_proxy.go `ProxyPluginRequest`: proxyPath is the escaped request path after
//   /api/plugin-proxy/<id>/ (extractProxyPath over URL.EscapedPath()); the query string is kept as it is.
// - pkg/api/pluginproxy/pluginproxy.go `HandleRequest`: routes are tried in plugin.json order; a route whose
//   method is neither "" nor "*" must equal the request's method exactly (no lists); then
//   `web.NewTree().Add(route.Path)` + `Match(proxyPath)`; the FIRST match wins. No match: 404
//   {"message":"plugin route match not found"}. A match the user may not use: 403
//   {"message":"plugin proxy route access denied"}. The `*` remainder (params["*"]) becomes the new proxyPath,
//   else proxyPath is "" (an exact route forwards to its url alone).
// - pluginproxy.go `hasAccessToRoute`: reqAction (RBAC) first, through
//   pkg/services/pluginsintegration/pluginaccesscontrol `GetPluginRouteEvaluator` (plugins:write and
//   plugins.app:access are scoped to plugins:id:<id>, any other action is checked unscoped); only without
//   reqAction, reqRole through the org role (Admin includes Editor includes Viewer); neither: allowed.
// - pluginproxy.go `director`: url and headers are Go templates over JsonData / SecureJsonData; the path is
//   util.JoinURLFragments(target.Path, proxyPath); Cookie and Set-Cookie are dropped;
//   pkg/util/proxyutil `PrepareProxyRequest` drops Origin, Referer and X-Forwarded-Host/Port/Proto.
// - pkg/util/proxyutil/reverse_proxy.go `modifyResponse`: the upstream's headers pass through, except
//   Set-Cookie, and `SetProxyResponseHeaders` (proxyutil.go) sets `Content-Security-Policy: sandbox`, replacing
//   the upstream's policy. `errorHandler`: an unreachable upstream is 502, a timeout 504.
// - pkg/web/tree.go: the route tree (ported below for one pattern).
import http from 'node:http';
import https from 'node:https';

// The org roles as pkg/services/org RoleType.Includes orders them.
const ROLE_RANK = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };
// pluginaccesscontrol: the actions whose route evaluator is scoped to the plugin.
const SCOPED_PLUGIN_ACTIONS = new Set(['plugins:write', 'plugins.app:access']);
// Hop-by-hop headers: Go's httputil.ReverseProxy removes them from both directions.
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Go's url.PathUnescape: undefined where Go returns an error. */
function pathUnescape(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** pkg/web/tree.go checkPattern, for one segment. */
function segmentType(segment) {
  if (segment === '*') return 'matchAll';
  if (segment === '*.*') return 'pathExt';
  if (segment.includes(':')) {
    if (/^:[a-zA-Z0-9]+$/.test(segment)) return 'holder';
    // Regexp segments (`:id([0-9]+)`, `:int`) are not used by our plugin.json; refuse rather than guess.
    throw new Error(`route segment "${segment}": regexp segments are not emulated`);
  }
  return 'static';
}

/**
 * pkg/web/tree.go for a tree holding the single pattern `pattern` (what pluginproxy.go builds per route):
 * Add trims a trailing "/", Match trims one leading and one trailing "/"; static segments compare unescaped,
 * `:name` takes one segment, a final `*` takes the rest (one or more segments, never none). Returns the params
 * (`*` holds the rest, unescaped) or null.
 */
export function treeMatch(pattern, url) {
  const segments = pattern.replace(/\/$/, '').replace(/^\//, '').split('/');
  const types = segments.map(segmentType);
  const params = {};
  const last = segments.length - 1;

  const matchLeaf = (depth, text) => {
    if (depth !== last) return false;
    const unescaped = pathUnescape(text);
    if (unescaped === undefined) return false;
    switch (types[depth]) {
      case 'static':
        return segments[depth] === unescaped;
      case 'holder':
        params[segments[depth]] = unescaped;
        return true;
      case 'matchAll':
        params['*'] = unescaped;
        return true;
      case 'pathExt': {
        const dot = unescaped.lastIndexOf('.');
        params[':path'] = dot > -1 ? unescaped.slice(0, dot) : unescaped;
        if (dot > -1) params[':ext'] = unescaped.slice(dot + 1);
        return true;
      }
    }
    return false;
  };

  const matchSubtree = (depth, segment, rest) => {
    const unescaped = pathUnescape(segment);
    if (unescaped === undefined) return false;
    if (depth < last) {
      const type = types[depth];
      const fits = type === 'static' ? segments[depth] === unescaped : type === 'holder' || type === 'matchAll';
      if (fits && matchNext(depth + 1, rest)) {
        if (type === 'holder') params[segments[depth]] = unescaped;
        return true;
      }
    }
    // A leaf `*` (or `*.*`) at this depth swallows the remaining segments.
    if (depth === last && (types[depth] === 'matchAll' || types[depth] === 'pathExt')) {
      const whole = pathUnescape(`${segment}/${rest}`);
      if (whole === undefined) return false;
      if (types[depth] === 'matchAll') {
        params['*'] = whole;
      } else {
        const dot = whole.lastIndexOf('.');
        params[':path'] = dot > -1 ? whole.slice(0, dot) : whole;
        if (dot > -1) params[':ext'] = whole.slice(dot + 1);
      }
      return true;
    }
    return false;
  };

  const matchNext = (depth, text) => {
    const slash = text.indexOf('/');
    return slash === -1 ? matchLeaf(depth, text) : matchSubtree(depth, text.slice(0, slash), text.slice(slash + 1));
  };

  return matchNext(0, url.replace(/^\//, '').replace(/\/$/, '')) ? params : null;
}

/**
 * The permissions Grafana gives `role` from the plugin's declared roles (plugin.json `roles`, registered as fixed
 * roles granted to basic roles; a basic role inherits the grants of the ones it includes), in the shape of
 * bootData.user.permissions ({action: true}), plus `granted`: roles an admin assigned on top.
 */
export function permissionsFor(pluginJson, role, granted = []) {
  const permissions = {};
  for (const registration of pluginJson.roles ?? []) {
    const byGrant = (registration.grants ?? []).some((g) => (ROLE_RANK[role] ?? 0) >= (ROLE_RANK[g] ?? Infinity));
    if (byGrant || granted.includes(registration.role?.name)) {
      for (const p of registration.role?.permissions ?? []) {
        permissions[p.action] = true;
      }
    }
  }
  return permissions;
}

/** pluginproxy.go hasAccessToRoute for `user` = {role, permissions}. */
function hasAccessToRoute(route, user, pluginId) {
  if (route.reqAction) {
    // GetPluginRouteEvaluator: plugins:write and plugins.app:access need the scope plugins:id:<id>; any other
    // action is evaluated unscoped, i.e. "has the action". The stand-in's permissions are {action: true} (the
    // bootData shape) or {action: [scopes]}.
    const held = user.permissions?.[route.reqAction];
    if (SCOPED_PLUGIN_ACTIONS.has(route.reqAction) && Array.isArray(held)) {
      return held.includes(`plugins:id:${pluginId}`) || held.includes('plugins:*');
    }
    return Boolean(held);
  }
  if (route.reqRole && ROLE_RANK[route.reqRole] !== undefined) {
    return (ROLE_RANK[user.role] ?? 0) >= ROLE_RANK[route.reqRole];
  }
  return true;
}

/**
 * HandleRequest's route choice. Returns {route, proxyPath} for the first route matching method and path, or
 * {status, message} with Grafana's answer.
 */
export function resolveRoute({ routes, method, proxyPath, user, pluginId }) {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) continue;
    const params = treeMatch(route.path ?? '', proxyPath);
    if (!params) continue;
    if (!hasAccessToRoute(route, user, pluginId)) {
      return { status: 403, message: 'plugin proxy route access denied' };
    }
    return { route, proxyPath: params['*'] ?? '' };
  }
  return { status: 404, message: 'plugin route match not found' };
}

function fill(template, jsonData, secureJsonData) {
  return template
    .replace(/\{\{\s*\.JsonData\.(\w+)\s*\}\}/g, (_, key) => String(jsonData[key] ?? ''))
    .replace(/\{\{\s*\.SecureJsonData\.(\w+)\s*\}\}/g, (_, key) => String(secureJsonData[key] ?? ''));
}

/** util.JoinURLFragments. */
export function joinURLFragments(a, b) {
  if (b.length === 0) return a;
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

/** Go's url.URL.EscapedPath for a Path set by the director (RawPath no longer fits): escape(path, encodePath). */
function escapePath(path) {
  return Array.from(new TextEncoder().encode(path), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Handles one request to /api/plugin-proxy/<id>/<proxyPath> (proxyPath escaped, as in the request line) for
 * `user` = {role, permissions}.
 */
export function proxyRequest({ req, res, proxyPath, search, routes, jsonData, secureJsonData, user, pluginId }) {
  const resolved = resolveRoute({ routes, method: req.method, proxyPath, user, pluginId });
  if (!resolved.route) {
    return json(res, resolved.status, { message: resolved.message });
  }
  let target;
  try {
    target = new URL(fill(resolved.route.url, jsonData, secureJsonData));
  } catch {
    return json(res, 500, { message: 'Could not parse url' });
  }
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (
      !HOP_BY_HOP.has(name) &&
      ![
        'cookie',
        'set-cookie',
        'origin',
        'referer',
        'host',
        'x-forwarded-host',
        'x-forwarded-port',
        'x-forwarded-proto',
      ].includes(name)
    ) {
      headers[name] = value;
    }
  }
  headers.host = target.host;
  headers['x-grafana-referer'] = req.headers.referer ?? '';
  for (const h of resolved.route.headers ?? []) {
    headers[h.name.toLowerCase()] = fill(h.content, jsonData, secureJsonData);
  }
  // The path goes out as Go sends it: not normalised (a `..` stays a `..` for the upstream to interpret).
  const path = escapePath(joinURLFragments(decodeURIComponent(target.pathname), resolved.proxyPath)) + search;
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(
    { protocol: target.protocol, hostname: target.hostname, port: target.port, path, method: req.method, headers },
    (up) => {
      const out = {};
      for (const [name, value] of Object.entries(up.headers)) {
        if (!HOP_BY_HOP.has(name) && name !== 'set-cookie') out[name] = value;
      }
      out['content-security-policy'] = 'sandbox';
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
