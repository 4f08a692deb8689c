#!/usr/bin/env node
// Generates, from ONE declaration of the sites (provisioning/federation/sites.example.yml is the example), both
//   - the HAProxy configuration of each site's federation gateway (haproxy/<site>.cfg), and
//   - the central Prometheus's federation jobs (prometheus/federation.yml),
// so that the selectors the central asks for and the selectors each gateway admits cannot drift apart.
// The declaration names token FILES (or, for HAProxy, an environment variable): no token is ever written in it, in
// the generated files or in this script's output; the script never reads a token.
//   node provisioning/federation/generate.mjs                 the example: rewrites provisioning/prometheus/federation.yml
//                                                             and provisioning/federation/haproxy/<site>.cfg
//   node provisioning/federation/generate.mjs --check         exit 1 when those committed files differ from a generation
//   node provisioning/federation/generate.mjs --declaration sites.yml --out DIR
//                                                             DIR/prometheus/federation.yml and DIR/haproxy/<site>.cfg
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_DECLARATION = join(repoRoot, 'provisioning', 'federation', 'sites.example.yml');
const COMMITTED = {
  central: join(repoRoot, 'provisioning', 'prometheus', 'federation.yml'),
  gateways: join(repoRoot, 'provisioning', 'federation', 'haproxy'),
};

/** The `job` label of the central Prometheus's federation targets: RallyFederationSiteDown selects its `up`. */
export const FEDERATION_JOB = 'rally-federation';
/** The scrape jobs whose `up` (and the runner dashboard's scrape and process series) a site exports. */
export const DEFAULT_JOBS = ['rally-monitor', 'rally-monitor-canary'];
/**
 * What a gateway admits and the central asks for, by default: the runners' rally_* series, the canaries' canary_*
 * series, and of their jobs only `up` and the four series the runner dashboard shows (scrape duration, memory, CPU).
 * Each selects by metric name (the asset tests check that these names cover every series the rules and dashboards
 * use, and nothing else passes).
 */
export const JOB_SERIES = [
  'up',
  'scrape_duration_seconds',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
];
export const DEFAULT_SELECTORS = [
  '{__name__=~"rally_.*"}',
  '{__name__=~"canary_.*"}',
  `{__name__=~"${JOB_SERIES.join('|')}",job=~"${DEFAULT_JOBS.join('|')}"}`,
];
const DEFAULT_LISTEN = ':9443';
const MIN_TOKEN_LENGTH = 16;

export class DeclarationError extends Error {}
const fail = (message) => {
  throw new DeclarationError(message);
};

/**
 * Go's url.QueryEscape: every byte but ALPHA, DIGIT and `-_.~` as an uppercase %XX, a space as `+`. Prometheus
 * builds a scrape URL's query with Go's url.Values.Encode (prometheus/prometheus scrape/target.go, Target.URL:
 * `RawQuery: params.Encode()`), which uses it; the gateway compares the query byte for byte, so it must be the same.
 */
export function goQueryEscape(text) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The query string Prometheus sends for these `match[]` params, in their order (one key, so no sorting). */
export const federationQuery = (selectors) =>
  selectors.map((selector) => `${goQueryEscape('match[]')}=${goQueryEscape(selector)}`).join('&');

// Values pasted into HAProxy's configuration: a path or address with no space, quote, backslash, `#` or `$`, so that
// nothing in it is a comment, an environment variable or the end of a word (haproxy doc/configuration.txt, 2.2
// "Quoting and escaping", 2.3 "Environment variables").
const SAFE_WORD = /^[A-Za-z0-9_./:@%+=,[\]-]+$/;
const word = (where, value) => {
  if (typeof value !== 'string' || !SAFE_WORD.test(value)) {
    fail(`${where}: expected a path or address without spaces, quotes, '#' or '$', got ${JSON.stringify(value)}`);
  }
  return value;
};
const hostPort = (where, value) => {
  word(where, value);
  if (!/^(?:[A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/.test(value)) {
    fail(`${where}: expected host:port, got ${value}`);
  }
  return value;
};
const duration = (where, value) => {
  if (!/^\d+(ms|s|m|h)$/.test(String(value))) fail(`${where}: expected a duration such as 30s or 1m, got ${value}`);
  return String(value);
};

/** Keys that would hold a secret: a declaration names where tokens are, never a token. */
const SECRET_KEY = /^(token|tokens|bearer|bearer_token|credentials|password|secret)$/i;
function refuseSecrets(value, where) {
  if (Array.isArray(value)) value.forEach((item, i) => refuseSecrets(item, `${where}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_KEY.test(key)) {
        fail(`${where}.${key}: a declaration names token files (token_file) or variables (token_env), never a token`);
      }
      refuseSecrets(inner, `${where}.${key}`);
    }
  }
}

function allowedKeys(where, object, keys) {
  if (!object || typeof object !== 'object' || Array.isArray(object)) fail(`${where}: expected a mapping`);
  for (const key of Object.keys(object)) if (!keys.includes(key)) fail(`${where}: unknown key ${key}`);
  return object;
}

/** Parses and checks a declaration; `file` names it in the generated files' headers. */
export function parseDeclaration(text, file = EXAMPLE_DECLARATION) {
  const raw = parse(text) ?? {};
  refuseSecrets(raw, 'declaration');
  allowedKeys('declaration', raw, ['central', 'gateway', 'selectors', 'sites']);
  const central = allowedKeys('central', raw.central ?? {}, [
    'scrape_interval',
    'scrape_timeout',
    'evaluation_interval',
    'rule_files',
    'ca_file',
  ]);
  const gateway = allowedKeys('gateway', raw.gateway ?? {}, ['listen', 'certificate', 'token_file', 'token_env']);
  const selectors = raw.selectors ?? DEFAULT_SELECTORS;
  if (!Array.isArray(selectors) || selectors.length === 0) fail('selectors: expected a list of match[] selectors');
  for (const selector of selectors) {
    if (typeof selector !== 'string' || !/__name__=~?"/.test(selector) || /[\n\r]/.test(selector)) {
      fail(`selectors: ${JSON.stringify(selector)} must be one line and select by metric name (__name__)`);
    }
  }
  if (new Set(selectors).size !== selectors.length) fail('selectors: a selector is listed twice');
  if (!Array.isArray(raw.sites) || raw.sites.length === 0) fail('sites: expected a list of sites');
  const names = new Set();
  const sites = raw.sites.map((site, index) => {
    const where = `sites[${index}]`;
    allowedKeys(where, site, [
      'name',
      'gateway',
      'listen',
      'prometheus',
      'certificate',
      'token_file',
      'token_env',
      'central_token_file',
      'ca_file',
      'server_name',
    ]);
    if (typeof site.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(site.name)) {
      fail(`${where}.name: lowercase letters, digits and '-' (it names files and a label), got ${site.name}`);
    }
    if (names.has(site.name)) fail(`${where}.name: ${site.name} is declared twice`);
    names.add(site.name);
    const tokenFile = site.token_file ?? (site.token_env ? undefined : gateway.token_file);
    const tokenEnv = site.token_env ?? (site.token_file ? undefined : gateway.token_env);
    if (Boolean(tokenFile) === Boolean(tokenEnv)) {
      fail(`${where}: the gateway needs exactly one of token_file or token_env (here or under gateway)`);
    }
    if (tokenEnv !== undefined && !/^[A-Z_][A-Z0-9_]*$/.test(tokenEnv)) {
      fail(`${where}.token_env: an environment variable name, got ${tokenEnv}`);
    }
    if (!site.central_token_file) fail(`${where}.central_token_file: where the central Prometheus reads the token`);
    const certificate = site.certificate ?? gateway.certificate;
    if (!certificate) fail(`${where}.certificate: the gateway's PEM file (certificate and key), here or under gateway`);
    const caFile = site.ca_file ?? central.ca_file;
    return {
      name: site.name,
      gateway: hostPort(`${where}.gateway`, site.gateway),
      listen: word(`${where}.listen`, String(site.listen ?? gateway.listen ?? DEFAULT_LISTEN)),
      prometheus: hostPort(`${where}.prometheus`, site.prometheus),
      certificate: word(`${where}.certificate`, certificate),
      ...(tokenFile ? { tokenFile: word(`${where}.token_file`, tokenFile) } : { tokenEnv }),
      centralTokenFile: word(`${where}.central_token_file`, site.central_token_file),
      ...(caFile ? { caFile: word(`${where}.ca_file`, caFile) } : {}),
      ...(site.server_name ? { serverName: word(`${where}.server_name`, site.server_name) } : {}),
    };
  });
  const ruleFiles = central.rule_files ?? ['rules/rally-monitor.rules.yml'];
  if (!Array.isArray(ruleFiles)) fail('central.rule_files: expected a list');
  return {
    source: displayPath(file),
    selectors,
    central: {
      scrapeInterval: duration('central.scrape_interval', central.scrape_interval ?? '1m'),
      ...(central.scrape_timeout ? { scrapeTimeout: duration('central.scrape_timeout', central.scrape_timeout) } : {}),
      evaluationInterval: duration('central.evaluation_interval', central.evaluation_interval ?? '1m'),
      ruleFiles: ruleFiles.map((f, i) => word(`central.rule_files[${i}]`, f)),
    },
    sites,
  };
}

const displayPath = (file) => {
  const inRepo = relative(repoRoot, file);
  return inRepo.startsWith('..') ? basename(file) : inRepo;
};

/**
 * The HAProxy configuration of one site's gateway. Rules (haproxy/haproxy doc/configuration.txt):
 * - `http_auth_bearer` (7.3.6) is the token of an `Authorization: Bearer` header; `-m str -f <file>` (7.1, 7.1.3)
 *   matches it exactly against the file's lines (the token file the central Prometheus also reads);
 *   `"${VAR}"` (2.3) reads it from the environment instead. `-m len ge 16` refuses an empty or short token, so an
 *   unset variable never admits an empty bearer.
 * - `path` (7.3.6) is the raw path before `?`, not decoded or normalised: only the exact bytes `/federate` pass,
 *   so `//federate`, `/%66ederate` or `/x/../federate` are other paths (404).
 * - `query` (7.3.6) is the raw query string; it must be, byte for byte, the query the central Prometheus sends
 *   (all selectors, in order) or one selector alone (for a person checking with curl). Anything else is 403.
 * - `http-request deny status <code> ... hdr <name> <fmt>` (4.2, "http-request deny" / "http-request return")
 *   answers without reaching Prometheus; the first matching rule wins, so the token is checked before anything
 *   about the request is revealed.
 */
export function renderGatewayConfig(declaration, siteName) {
  const site = declaration.sites.find((s) => s.name === siteName);
  if (!site) fail(`no site named ${siteName}`);
  const queries = [declaration.selectors, ...declaration.selectors.map((s) => [s])]
    .map(federationQuery)
    .filter((query, index, all) => all.indexOf(query) === index);
  const tokenAcl = site.tokenFile
    ? `acl token_valid http_auth_bearer -m str -f ${site.tokenFile}`
    : `acl token_valid http_auth_bearer -m str "\${${site.tokenEnv}}"`;
  return `# GENERATED by provisioning/federation/generate.mjs from ${declaration.source}: never edit; edit the
# declaration and generate again. The federation gateway of site "${site.name}", in front of its Prometheus:
# it admits only GET /federate, with the site's bearer token, with the central Prometheus's match[] selectors.
# Everything else is refused here and never reaches Prometheus (its API, admin and lifecycle endpoints included).
# Token: ${site.tokenFile ? `the file ${site.tokenFile}` : `the environment variable ${site.tokenEnv}`} (one line; reload HAProxy after rotating it).
global
  ssl-default-bind-options ssl-min-ver TLSv1.2
  log stderr format raw local0 notice

defaults
  mode http
  log global
  option httplog
  timeout connect 5s
  timeout client 30s
  timeout server 60s
  timeout http-request 10s

frontend rally-federation
  bind ${site.listen} ssl crt ${site.certificate}
  ${tokenAcl}
  acl token_long http_auth_bearer -m len ge ${MIN_TOKEN_LENGTH}
  acl federate_path path /federate
  acl get_method method GET
  acl whitelisted_selectors query -m str ${queries.map((q) => `'${q}'`).join(' ')}
  http-request deny status 401 content-type text/plain string "a valid bearer token is required" hdr WWW-Authenticate "Bearer" unless token_valid token_long
  http-request deny status 404 content-type text/plain string "only /federate is served here" unless federate_path
  http-request deny status 405 content-type text/plain string "only GET is allowed" hdr Allow "GET" unless get_method
  http-request deny status 403 content-type text/plain string "these match[] selectors are not allowed" unless whitelisted_selectors
  # The token is for the gateway only: Prometheus never sees it.
  http-request del-header authorization
  default_backend site-prometheus

backend site-prometheus
  server prometheus ${site.prometheus}
`;
}

/** The central Prometheus's configuration: one federation job per site (each has its own token file). */
export function renderCentralConfig(declaration) {
  const { central } = declaration;
  const config = {
    global: {
      scrape_interval: central.scrapeInterval,
      ...(central.scrapeTimeout ? { scrape_timeout: central.scrapeTimeout } : {}),
      evaluation_interval: central.evaluationInterval,
    },
    rule_files: central.ruleFiles,
    scrape_configs: declaration.sites.map((site) => ({
      job_name: `${FEDERATION_JOB}-${site.name}`,
      honor_labels: true,
      metrics_path: '/federate',
      scheme: 'https',
      params: { 'match[]': declaration.selectors },
      authorization: { type: 'Bearer', credentials_file: site.centralTokenFile },
      tls_config: {
        ...(site.caFile ? { ca_file: site.caFile } : {}),
        ...(site.serverName ? { server_name: site.serverName } : {}),
      },
      static_configs: [{ targets: [site.gateway], labels: { site: site.name } }],
      // Every site's job has its own name (its own token), but the `up` of them all is `up{job="rally-federation"}`.
      relabel_configs: [{ target_label: 'job', replacement: FEDERATION_JOB }],
    })),
  };
  return `# GENERATED by provisioning/federation/generate.mjs from ${declaration.source}: never edit; edit the
# declaration and generate again (the sites' gateways are generated from the same declaration, so they admit exactly
# the selectors asked for here). A central Prometheus that federates the Rally series of every site through the
# site's federation gateway (HAProxy, TLS, one bearer token per site, read from credentials_file: keep it 0400).
# honor_labels keeps the runners' cloud, region, job and instance labels, so the central dashboards and alerts see
# the same series as the sites'; every series gets the label site. The up of each site's gateway is
# up{job="${FEDERATION_JOB}",site="<site>"}: RallyFederationSiteDown alerts on it.
# Evaluate the alert rules in ONE place (here or at the sites), or every alert is sent twice.
${stringify(config, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** Every generated file: relative path (prometheus/federation.yml, haproxy/<site>.cfg) -> text. */
export function generate(declaration) {
  const files = { 'prometheus/federation.yml': renderCentralConfig(declaration) };
  for (const site of declaration.sites) files[`haproxy/${site.name}.cfg`] = renderGatewayConfig(declaration, site.name);
  return files;
}

const committedPath = (relativePath) =>
  relativePath === 'prometheus/federation.yml'
    ? COMMITTED.central
    : join(COMMITTED.gateways, relativePath.slice('haproxy/'.length));

function main(argv) {
  const option = (name) => {
    const index = argv.indexOf(name);
    return index === -1 ? undefined : argv[index + 1];
  };
  const declarationFile = option('--declaration') ?? EXAMPLE_DECLARATION;
  const out = option('--out');
  const files = generate(parseDeclaration(readFileSync(declarationFile, 'utf8'), declarationFile));
  if (argv.includes('--check')) {
    const stale = Object.entries(files)
      .filter(([path, text]) => !existsSync(committedPath(path)) || readFileSync(committedPath(path), 'utf8') !== text)
      .map(([path]) => relative(repoRoot, committedPath(path)));
    const extra = readdirSync(COMMITTED.gateways)
      .filter((name) => name.endsWith('.cfg') && !files[`haproxy/${name}`])
      .map((name) => relative(repoRoot, join(COMMITTED.gateways, name)));
    if (stale.length || extra.length) {
      process.stderr.write(
        `federation files out of date: ${[...stale, ...extra].join(', ')}; run node provisioning/federation/generate.mjs\n`
      );
      return 1;
    }
    return 0;
  }
  for (const [path, text] of Object.entries(files)) {
    const target = out ? join(out, path) : committedPath(path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DeclarationError)) throw error;
    process.stderr.write(`federation declaration: ${error.message}\n`);
    process.exitCode = 1;
  }
}
