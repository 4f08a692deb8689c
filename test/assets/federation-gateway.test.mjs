// The federation gateway on real processes: a runner holding real recorded cycles, the site's Prometheus (scraping
// the runner and itself), HAProxy (Debian's) configured by provisioning/federation/generate.mjs, and a central
// Prometheus configured by the same generator, federating the site through the gateway over TLS with the site's
// token. Every refusal case is sent as an attacker would send it; the central must receive exactly the whitelisted
// series. Loopback ports chosen at random: no lock needed.
//   node --test test/assets/federation-gateway.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoPath } from './lib/repo.mjs';
import { waitFor } from './lib/processes.mjs';
import { FederationStack, freePort, gatewayRequest, makeCertificate, writeToken } from './lib/federation-stack.mjs';
import {
  DEFAULT_SELECTORS,
  FEDERATION_JOB,
  JOB_SERIES,
  federationQuery,
  parseDeclaration,
  renderCentralConfig,
  renderGatewayConfig,
} from '../../provisioning/federation/generate.mjs';

const GENERATOR = repoPath('provisioning', 'federation', 'generate.mjs');
const log = (line) => console.log(line);

describe('federation gateway: real HAProxy between a site Prometheus and the central one', { timeout: 180_000 }, () => {
  let dir, stack, cert, token, declaration, site, runner, gateway, central, allowed;
  const bearer = (value = token) => ({ authorization: `Bearer ${value}` });
  const send = (path, options = {}) => gatewayRequest(gateway.address, path, { ca: cert.ca, ...options });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rally-federation-gw-'));
    stack = new FederationStack(dir, { log });
    cert = makeCertificate(dir);
    token = writeToken(join(dir, 'site-one.token'));
    runner = await stack.startRunner('one', { cloud: 'cloud-one', region: 'region-one' });
    const sitePort = await freePort();
    site = await stack.startPrometheus(
      'site-one',
      {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          { job_name: 'rally-monitor', static_configs: [{ targets: [runner.address] }] },
          // Series the site has that the central must never receive.
          { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${sitePort}`] }] },
        ],
      },
      { port: sitePort }
    );
    await waitFor(
      'the site Prometheus to scrape the runner',
      async () => (await site.query('rally_service_status')).result.length > 0,
      { timeoutMs: 30_000, log }
    );
    const gatewayAddress = `127.0.0.1:${await freePort()}`;
    const declarationText = stringify({
      central: {
        scrape_interval: '1s',
        evaluation_interval: '1s',
        rule_files: [],
        ca_file: cert.ca,
      },
      gateway: { certificate: cert.pem },
      sites: [
        {
          name: 'site-one',
          listen: gatewayAddress,
          gateway: gatewayAddress,
          prometheus: site.url.replace('http://', ''),
          token_file: join(dir, 'site-one.token'),
          central_token_file: join(dir, 'site-one.token'),
          server_name: 'localhost',
        },
      ],
    });
    writeFileSync(join(dir, 'sites.yml'), declarationText);
    declaration = parseDeclaration(declarationText, join(dir, 'sites.yml'));
    allowed = federationQuery(declaration.selectors);
    gateway = await stack.startGateway('site-one', renderGatewayConfig(declaration, 'site-one'), {
      address: gatewayAddress,
      ca: cert.ca,
    });
    central = await stack.startPrometheus('central', renderCentralConfig(declaration));
  });

  after(async () => {
    await stack?.stop();
    if (!process.env.KEEP_FEDERATION_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('admits GET /federate with the token and the central selectors, over TLS', async () => {
    const response = await send(`/federate?${allowed}`, { headers: bearer() });
    assert.equal(response.status, 200, response.body.toString());
    assert.match(response.body.toString(), /^rally_service_status\{/m);
    for (const selector of declaration.selectors) {
      const one = await send(`/federate?${federationQuery([selector])}`, { headers: bearer() });
      assert.equal(one.status, 200, `${selector} alone`);
    }
  });

  it('refuses a request without the token, or with a wrong one, with 401, whatever the path', async () => {
    const cases = [
      ['no token', `/federate?${allowed}`, {}],
      ['wrong token', `/federate?${allowed}`, bearer('0'.repeat(48))],
      ['the token with a suffix', `/federate?${allowed}`, bearer(`${token}x`)],
      ['a prefix of the token', `/federate?${allowed}`, bearer(token.slice(0, 20))],
      ['an empty bearer', `/federate?${allowed}`, { authorization: 'Bearer ' }],
      ['the token as basic auth', `/federate?${allowed}`, { authorization: `Basic ${token}` }],
      ['the token in another header', `/federate?${allowed}`, { 'x-authorization': `Bearer ${token}` }],
      ['no token on the API', '/api/v1/query?query=up', {}],
      ['no token on the admin API', '/api/v1/admin/tsdb/snapshot', {}],
    ];
    for (const [what, path, headers] of cases) {
      const response = await send(path, { headers });
      assert.equal(response.status, 401, what);
      assert.equal(response.headers['www-authenticate'], 'Bearer', what);
    }
  });

  it('answers 404 for every other path, the API, the admin endpoints and encodings of /federate', async () => {
    const paths = [
      '/',
      '/metrics',
      '/graph',
      '/api/v1/query?query=up',
      '/api/v1/series?match[]=up',
      '/api/v1/status/config',
      '/api/v1/targets',
      '/api/v1/admin/tsdb/snapshot',
      '/-/reload',
      '/-/quit',
      '/federate/',
      '//federate',
      `//federate?${allowed}`,
      `/%66ederate?${allowed}`,
      `/federate%2F?${allowed}`,
      `/%2Ffederate?${allowed}`,
      `/Federate?${allowed}`,
      `/x/../federate?${allowed}`,
      `/./federate?${allowed}`,
      `/federate;x?${allowed}`,
      `/api/v1/../../federate?${allowed}`,
    ];
    for (const path of paths) {
      const response = await send(path, { headers: bearer() });
      assert.equal(response.status, 404, path);
    }
    const admin = await send('/api/v1/admin/tsdb/delete_series?match[]=up', { method: 'POST', headers: bearer() });
    assert.equal(admin.status, 404, 'POST to the admin API');
  });

  it('answers 405 for any method but GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']) {
      const response = await send(`/federate?${allowed}`, { method, headers: bearer() });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.allow, 'GET', method);
    }
  });

  it('answers 403 for any other selector, extra parameters or another encoding', async () => {
    const queries = [
      ['no query', ''],
      ['an empty query', '?'],
      ['every series', `?${federationQuery(['{__name__=~".+"}'])}`],
      ['the API of another job', `?${federationQuery(['{job="prometheus"}'])}`],
      ['an extra selector', `?${federationQuery([...declaration.selectors, '{__name__=~".+"}'])}`],
      ['a selector twice', `?${federationQuery([declaration.selectors[0], declaration.selectors[0]])}`],
      ['another parameter', `?${allowed}&x=1`],
      ['a trailing &', `?${allowed}&`],
      ['the selectors in another order', `?${federationQuery([...declaration.selectors].reverse())}`],
      ['unencoded brackets', `?${allowed.replaceAll('match%5B%5D', 'match[]')}`],
      ['lowercase escapes', `?${allowed.replaceAll('%5B%5D', '%5b%5d')}`],
    ];
    for (const [what, query] of queries) {
      const response = await send(`/federate${query}`, { headers: bearer() });
      assert.equal(response.status, 403, what);
    }
  });

  it('never answers plain HTTP on the TLS port', async () => {
    const outcome = await fetch(`http://${gateway.address}/federate?${allowed}`, { headers: bearer() }).then(
      (r) => r.status,
      (error) => error.message
    );
    assert.notEqual(outcome, 200);
  });

  it('the central Prometheus receives exactly the whitelisted series, labelled with the site', async () => {
    await waitFor(
      'the central Prometheus to federate the site',
      async () => (await central.query('rally_service_status')).result.length > 0,
      { timeoutMs: 60_000, log }
    );
    const [target] = await central.targets();
    assert.equal(target.health, 'up', target.lastError);
    assert.equal(target.labels.job, FEDERATION_JOB);
    assert.equal(target.labels.site, 'site-one');
    // A few more federations, so that every series the site holds has arrived.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const centralSeries = (await central.series('{__name__=~".+"}')).filter((s) => s.job !== FEDERATION_JOB);
    const siteSeries = await site.series('{__name__=~".+"}');
    const whitelisted = (s) =>
      /^(rally|canary)_/.test(s.__name__) ||
      (JOB_SERIES.includes(s.__name__) && ['rally-monitor', 'rally-monitor-canary'].includes(s.job));
    const key = (s) =>
      JSON.stringify(
        Object.entries(s)
          .filter(([name]) => name !== 'site')
          .sort(([a], [b]) => a.localeCompare(b))
      );
    assert.ok(
      siteSeries.some((s) => !whitelisted(s)),
      'the site holds series that must not pass'
    );
    // The runner's other process and Node.js series are as near as a series gets to passing: same job, same target.
    assert.ok(siteSeries.some((s) => s.job === 'rally-monitor' && /^nodejs_/.test(s.__name__)));
    assert.deepEqual(
      centralSeries.filter((s) => !whitelisted(s)).map(key),
      [],
      'series that are not whitelisted reached the central Prometheus'
    );
    assert.deepEqual(
      new Set(centralSeries.map(key)),
      new Set(siteSeries.filter(whitelisted).map(key)),
      'the central has every whitelisted series of the site'
    );
    assert.ok(centralSeries.every((s) => s.site === 'site-one'));
    assert.ok(centralSeries.some((s) => s.__name__ === 'up' && s.job === 'rally-monitor'));
  });

  it('the generated files never hold the token, and the generator never prints it', () => {
    const out = join(dir, 'generated');
    const result = spawnSync(process.execPath, [GENERATOR, '--declaration', join(dir, 'sites.yml'), '--out', out], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(token));
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.ok(files.length >= 2);
    for (const entry of files) {
      assert.ok(!readFileSync(join(entry.parentPath, entry.name), 'utf8').includes(token), entry.name);
    }
    // Nor does any log of the gateway, the site's or the central's Prometheus.
    for (const log of readdirSync(dir).filter((name) => name.endsWith('.log'))) {
      assert.ok(!readFileSync(join(dir, log), 'utf8').includes(token), log);
    }
    const centralConfig = parse(readFileSync(join(out, 'prometheus', 'federation.yml'), 'utf8'));
    assert.deepEqual(centralConfig, parse(renderCentralConfig(declaration)));
    assert.equal(
      readFileSync(join(out, 'haproxy', 'site-one.cfg'), 'utf8'),
      renderGatewayConfig(declaration, 'site-one')
    );
  });

  it('the shipped example declaration generates the committed files (no drift)', () => {
    const result = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.deepEqual(DEFAULT_SELECTORS.length > 0, true);
    execFileSync('haproxy', ['-v']);
  });
});
