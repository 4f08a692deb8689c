// Grafana's plugin.json rules (docs/sources/developers/plugins/plugin.schema.json in grafana/grafana) that matter
// for a plugin Grafana will load, checked on the built dist/. Returns a list of problems; empty means valid.
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const ID_PATTERN = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$/;
const TYPES = ['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer'];
const TOP_LEVEL_KEYS = new Set([
  'id',
  'type',
  'info',
  'name',
  'dependencies',
  '$schema',
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'builtIn',
  'category',
  'enterpriseFeatures',
  'executable',
  'hideFromList',
  'includes',
  'logs',
  'metrics',
  'pascalName',
  'preload',
  'queryOptions',
  'routes',
  'skipDataQuery',
  'state',
  'streaming',
  'tracing',
  'roles',
  'extensions',
  'iam',
  'buildMode',
  'aliasIDs',
  'languages',
]);
const INFO_KEYS = new Set([
  'author',
  'build',
  'description',
  'keywords',
  'links',
  'logos',
  'screenshots',
  'updated',
  'version',
]);
const INCLUDE_TYPES = ['dashboard', 'page', 'panel', 'datasource', 'secretsmanager'];
const ROLES = ['Admin', 'Editor', 'Viewer'];
const ROUTE_KEYS = new Set([
  'path',
  'method',
  'url',
  'reqSignedIn',
  'reqRole',
  'reqAction',
  'headers',
  'body',
  'tokenAuth',
  'jwtTokenAuth',
  'urlParams',
]);
// The schema's own pattern for grafanaDependency, on top of being a valid npm semver range.
const GRAFANA_DEPENDENCY =
  /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/;
const MUTATING = /\b(POST|PUT|PATCH|DELETE)\b/i;
const METHODS = ['', '*', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Problems of the plugin.json at `file` inside `distDir`; nested panel includes are checked recursively. */
export function checkPluginJson(distDir, file = 'plugin.json', expectedType) {
  const problems = [];
  const at = (msg) => problems.push(`${file}: ${msg}`);
  const full = path.join(distDir, file);
  if (!fs.existsSync(full)) {
    return [`${file}: missing`];
  }
  let json;
  try {
    json = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (e) {
    return [`${file}: not JSON (${e.message})`];
  }
  const dir = path.dirname(full);
  for (const key of ['type', 'name', 'id', 'info', 'dependencies']) {
    if (json[key] === undefined) at(`required field "${key}" missing`);
  }
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL_KEYS.has(key)) at(`unknown field "${key}"`);
  }
  if (typeof json.id !== 'string' || !ID_PATTERN.test(json.id)) at(`id "${json.id}" does not match ${ID_PATTERN}`);
  if (!TYPES.includes(json.type)) at(`type "${json.type}" is not one of ${TYPES.join(', ')}`);
  if (expectedType && json.type !== expectedType) at(`type "${json.type}", expected "${expectedType}"`);
  if (typeof json.id === 'string' && json.type && !json.id.endsWith(`-${json.type}`)) {
    at(`id "${json.id}" does not end with "-${json.type}"`);
  }
  if (!fs.existsSync(path.join(dir, 'module.js'))) at('no module.js next to plugin.json');

  const info = json.info ?? {};
  for (const key of ['logos', 'version', 'updated', 'keywords']) {
    if (info[key] === undefined) at(`required field "info.${key}" missing`);
  }
  for (const key of Object.keys(info)) {
    if (!INFO_KEYS.has(key)) at(`unknown field "info.${key}"`);
  }
  if (!Array.isArray(info.keywords) || info.keywords.length < 1) at('info.keywords needs at least one keyword');
  if (!semver.valid(info.version)) at(`info.version "${info.version}" is not a built semver version`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(info.updated ?? '')) at(`info.updated "${info.updated}" is not a built date`);
  for (const size of ['small', 'large']) {
    const logo = info.logos?.[size];
    if (!logo) at(`info.logos.${size} missing`);
    else if (!fs.existsSync(path.join(dir, logo))) at(`info.logos.${size} "${logo}" does not exist in dist`);
  }

  const deps = json.dependencies ?? {};
  const range = deps.grafanaDependency;
  if (typeof range !== 'string' || !GRAFANA_DEPENDENCY.test(range) || semver.validRange(range) === null) {
    at(`dependencies.grafanaDependency "${range}" is not a valid Grafana version range`);
  }
  for (const dep of deps.plugins ?? []) {
    if (!ID_PATTERN.test(dep.id ?? '')) at(`dependencies.plugins id "${dep.id}" is invalid`);
  }

  for (const include of json.includes ?? []) {
    if (!INCLUDE_TYPES.includes(include.type)) at(`include type "${include.type}" is invalid`);
    if (include.role !== undefined && !ROLES.includes(include.role)) at(`include role "${include.role}" is invalid`);
    if (
      include.type === 'page' &&
      !(include.path?.startsWith(`/a/${json.id}/`) || include.path === `/plugins/${json.id}`) &&
      !include.component
    ) {
      at(`page include "${include.name}" path "${include.path}" is not under /a/${json.id}/`);
    }
    if (include.type === 'panel' || include.type === 'datasource' || include.type === 'dashboard') {
      if (!include.path) {
        at(`${include.type} include "${include.name}" has no path`);
      } else if (!fs.existsSync(path.join(dir, include.path))) {
        at(`${include.type} include path "${include.path}" does not exist in dist`);
      } else if (include.type !== 'dashboard') {
        problems.push(...checkPluginJson(distDir, path.join(path.dirname(file), include.path), include.type));
      }
    }
  }

  // Plugin roles (Grafana 11.6+ app RBAC): pkg/plugins/plugins.go RoleRegistration {role: {name, description,
  // permissions: [{action, scope}]}, grants}; pkg/services/pluginsintegration/pluginaccesscontrol
  // ValidatePluginRole / ValidatePluginPermissions: a display name, and every action prefixed "<id>:" or "<id>."
  // (or plugins.app:access scoped to plugins:id:<id>); grants are basic roles.
  const declaredActions = new Set();
  for (const registration of json.roles ?? []) {
    const role = registration.role ?? {};
    if (!role.name) at('a plugin role has no name');
    for (const grant of registration.grants ?? []) {
      if (![...ROLES, 'Grafana Admin'].includes(grant)) at(`role "${role.name}" grants "${grant}", not a basic role`);
    }
    for (const permission of role.permissions ?? []) {
      const action = permission.action ?? '';
      declaredActions.add(action);
      if (action === 'plugins.app:access') {
        if (permission.scope !== `plugins:id:${json.id}`) {
          at(`role "${role.name}": plugins.app:access must be scoped to plugins:id:${json.id}`);
        }
      } else if (!action.startsWith(`${json.id}:`) && !action.startsWith(`${json.id}.`)) {
        at(`role "${role.name}": action "${action}" is not prefixed with "${json.id}:" or "${json.id}."`);
      }
    }
  }

  for (const route of json.routes ?? []) {
    for (const key of Object.keys(route)) {
      if (!ROUTE_KEYS.has(key)) at(`route "${route.path}" has unknown field "${key}"`);
    }
    if (!route.path || !route.url) at(`route "${route.path}" needs path and url`);
    if (route.reqRole !== undefined && !ROLES.includes(route.reqRole)) {
      at(`route "${route.path}" reqRole "${route.reqRole}" is invalid`);
    }
    // pluginproxy.go compares route.Method with the request's method as one string: "GET,POST" matches nothing.
    if (route.method !== undefined && !METHODS.includes(route.method)) {
      at(`route "${route.path}" method "${route.method}" is not one HTTP method`);
    }
    // The route tree (pkg/web/tree.go) only knows `*` as a whole final segment; "runner*" is a literal.
    if (/\*/.test(route.path ?? '') && !/(^|\/)\*$/.test(route.path)) {
      at(`route "${route.path}": "*" only works as the last whole segment`);
    }
    if (route.reqAction !== undefined && !declaredActions.has(route.reqAction)) {
      at(`route "${route.path}" reqAction "${route.reqAction}" is not granted by any of the plugin's roles`);
    }
    if (!route.method || route.method === '*' || MUTATING.test(route.method)) {
      // Grafana checks reqAction instead of reqRole when a route has one.
      if (route.reqAction === undefined && route.reqRole !== 'Admin') {
        at(`route "${route.path}" allows ${route.method ?? 'every method'} to non-Admins`);
      }
    }
  }
  const text = JSON.stringify(json);
  if (/%(VERSION|TODAY|PLUGIN_ID)%/.test(text)) at('template placeholders left unreplaced');
  return problems;
}
