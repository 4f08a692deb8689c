// The federation at scale, for the scale test (a few sites, in `npm test`) and the benchmark (50 sites, `npm run
// bench`): real runners holding real recorded cycles, grouped under site Prometheus servers, each behind its
// generated HAProxy gateway, all federated by one central Prometheus that evaluates the shipped alert rules; and a
// second central Prometheus federating the first site only, to compare every dashboard and alert query over all
// sites with the same query over one.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readText } from './repo.mjs';
import { alertRules, dashboardExpressions, expandGrafanaVariables } from './promql.mjs';
import { rulesForTests } from './test-rules.mjs';
import { waitFor } from './processes.mjs';
import { freePort, inBatches, makeCertificate, writeToken } from './federation-stack.mjs';
import {
  FEDERATION_JOB,
  parseDeclaration,
  renderCentralConfig,
  renderGatewayConfig,
} from '../../../provisioning/federation/generate.mjs';

const siteName = (s) => `site-${String(s + 1).padStart(2, '0')}`;

/**
 * Starts `sites` sites of `runnersPerSite` runners each. Every runner has its own cloud and region label
 * (cloud-<n>, region-<n>). Returns what the checks and measurements need.
 */
export async function startFederation(
  stack,
  { sites, runnersPerSite, interval = '2s', parallel = 4, lookbackDelta = '5m', forDuration = '4s' }
) {
  const { dir, log } = stack;
  const cert = makeCertificate(dir);
  const layout = Array.from({ length: sites }, (_, s) => ({
    name: siteName(s),
    runners: Array.from({ length: runnersPerSite }, (_, r) => {
      const n = s * runnersPerSite + r + 1;
      return { name: `r${n}`, cloud: `cloud-${n}`, region: `region-${n}` };
    }),
  }));

  log(`# starting ${sites * runnersPerSite} runners`);
  const runners = await inBatches(
    layout.flatMap((site) => site.runners.map((runner) => ({ ...runner, site: site.name }))),
    parallel,
    (runner) => stack.startRunner(runner.name, runner).then((started) => ({ ...started, site: runner.site }))
  );

  log(`# starting ${sites} site Prometheus servers`);
  const sitePrometheus = await inBatches(layout, parallel, async (site) => {
    const port = await freePort();
    return stack.startPrometheus(
      site.name,
      {
        global: {
          scrape_interval: interval,
          evaluation_interval: interval,
          external_labels: { prometheus: site.name },
        },
        scrape_configs: [
          {
            job_name: 'rally-monitor',
            static_configs: [{ targets: runners.filter((r) => r.site === site.name).map((r) => r.address) }],
          },
          // The site Prometheus's own series: never federated.
          { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
        ],
      },
      { port }
    );
  });

  const declarationSites = [];
  for (const [s, site] of layout.entries()) {
    const tokenFile = join(dir, `${site.name}.token`);
    writeToken(tokenFile);
    const address = `127.0.0.1:${await freePort()}`;
    declarationSites.push({
      name: site.name,
      listen: address,
      gateway: address,
      prometheus: sitePrometheus[s].url.replace('http://', ''),
      token_file: tokenFile,
      central_token_file: tokenFile,
      server_name: 'localhost',
    });
  }
  const declare = (only) =>
    parseDeclaration(
      stringify({
        central: { scrape_interval: interval, evaluation_interval: interval, rule_files: ['rally-monitor.rules.yml'] },
        gateway: { certificate: cert.pem },
        sites: only.map((site) => ({ ...site, ca_file: cert.ca })),
      }),
      join(dir, 'sites.yml')
    );
  const declaration = declare(declarationSites);

  log(`# starting ${sites} gateways`);
  const gateways = await inBatches(declaration.sites, parallel, (site) =>
    stack.startGateway(site.name, renderGatewayConfig(declaration, site.name), { address: site.gateway, ca: cert.ca })
  );

  const rules = {
    'rally-monitor.rules.yml': rulesForTests(readText('alerts', 'rally-monitor.rules.yml'), { interval, forDuration }),
  };
  // Federated samples carry their timestamps, so the central writes no staleness markers when a site goes away:
  // the site's series stay visible for the lookback delta (5m by default), then vanish. A test shortens it to see
  // both phases in seconds.
  const extraArgs = [`--query.lookback-delta=${lookbackDelta}`];
  const central = await stack.startPrometheus('central', renderCentralConfig(declaration), { rules, extraArgs });
  const centralOne = await stack.startPrometheus(
    'central-one',
    renderCentralConfig(declare(declarationSites.slice(0, 1))),
    {
      rules,
      extraArgs,
    }
  );
  const total = runners.length;
  await waitFor(
    `the central Prometheus to federate all ${total} runners`,
    async () =>
      // Three federated samples of each runner at least, so that rates over the dashboards' windows have data.
      Number(
        (await central.query(`count(count_over_time(up{job="rally-monitor"}[1m]) >= 3)`)).result[0]?.value[1] ?? 0
      ) === total && Number((await central.query('count(rally_monitor_info)')).result[0]?.value[1] ?? 0) === total,
    // At 50 sites on two cores the last runners' `up` reaches the central about 110 s after the start (measured):
    // 120 s failed one bench run of two. The wait ends as soon as every runner is there.
    { timeoutMs: 300_000, intervalMs: 1000, log }
  );
  await waitFor(
    'the single-site central Prometheus to federate its site',
    async () => (await centralOne.query('count_over_time(up{job="rally-monitor"}[1m]) >= 3')).result.length > 0,
    { timeoutMs: 60_000, intervalMs: 1000, log }
  );
  return { cert, layout, runners, sitePrometheus, gateways, central, centralOne, declaration };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(fn, repeats) {
  const times = [];
  let result;
  for (let i = 0; i < repeats; i++) {
    const started = process.hrtime.bigint();
    result = await fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { ms: median(times), result };
}

/**
 * Every dashboard expression (variables on "All", as Grafana sends them: their allValue is `.*`) as a range query
 * over `rangeSeconds`, every variable query through the series API, and every alert expression as an instant
 * query (as the rule evaluator runs it), on the all-sites and on the one-site central Prometheus.
 */
export async function measureQueries(federation, { rangeSeconds = 300, step = 15, repeats = 3 } = {}) {
  const { central, centralOne } = federation;
  const end = Date.now() / 1000;
  const start = end - rangeSeconds;
  const queries = [
    ...dashboardExpressions().map((e) => {
      const expr = expandGrafanaVariables(e.expr, {
        range: `${rangeSeconds}s`,
        interval: `${step}s`,
        rateInterval: '1m',
      });
      return e.variable
        ? { kind: 'variable', where: e.where, expr, label: e.label, run: (p) => p.series(expr) }
        : { kind: 'panel', where: e.where, expr, run: (p) => p.queryRange(expr, start, end, step) };
    }),
    ...alertRules().map((rule) => ({
      kind: 'alert',
      where: `alert ${rule.alert}`,
      expr: rule.expr.trim(),
      run: (p) => p.query(rule.expr),
    })),
  ];
  const measured = [];
  for (const query of queries) {
    const all = await timed(() => query.run(central), repeats);
    const one = await timed(() => query.run(centralOne), repeats);
    measured.push({ ...query, allMs: all.ms, oneMs: one.ms, ratio: all.ms / one.ms, all: all.result, one: one.result });
  }
  return measured;
}

/** Series per site at the central (federated) and at the site's own Prometheus, and the federation's scrape cost. */
export async function measureFederation(federation) {
  const { central, sitePrometheus, layout } = federation;
  const valueBy = async (prometheus, query, label) =>
    Object.fromEntries((await prometheus.query(query)).result.map((r) => [r.metric[label], Number(r.value[1])]));
  const federated = await valueBy(central, `count by (site) ({__name__=~".+",job!="${FEDERATION_JOB}"})`, 'site');
  const durations = await valueBy(central, `scrape_duration_seconds{job="${FEDERATION_JOB}"}`, 'site');
  const samples = await valueBy(central, `scrape_samples_scraped{job="${FEDERATION_JOB}"}`, 'site');
  const atSite = {};
  for (const [s, site] of layout.entries()) {
    atSite[site.name] = Number((await sitePrometheus[s].query('count({__name__=~".+"})')).result[0].value[1]);
  }
  const total = Number((await central.query('count({__name__=~".+"})')).result[0].value[1]);
  const seconds = Object.values(durations);
  return {
    federatedPerSite: federated,
    seriesAtSite: atSite,
    samplesPerSite: samples,
    totalSeriesAtCentral: total,
    federationScrapeSeconds: {
      max: Math.max(...seconds),
      mean: seconds.reduce((a, b) => a + b, 0) / seconds.length,
      perSite: durations,
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const alertKey = (a) =>
  `${a.labels.alertname}/${a.labels.site ?? ''}/${a.labels.instance ?? ''}/${a.labels.service ?? ''}`;

/**
 * Stops the gateway of the last site, waits for RallyFederationSiteDown and for the site's series to vanish from the
 * central (after its lookback delta), starts the gateway again and waits for the alert to resolve and the series to
 * return. Returns what fired, against the alerts firing before the outage, for the caller to judge.
 */
export async function siteOutage(stack, federation, { log = () => {}, settleMs = 8000 } = {}) {
  const { central } = federation;
  const index = federation.gateways.length - 1;
  const down = federation.gateways[index];
  const site = down.name;
  const seriesOf = async () =>
    Number(
      (await central.query(`count({__name__=~".+",site="${site}",job!="${FEDERATION_JOB}"})`)).result[0]?.value[1] ?? 0
    );
  // Let the for windows of what fires anyway (the runners' leak scans cannot reach a cloud) run out first.
  await sleep(settleMs);
  const baseline = (await central.firingAlerts()).map(alertKey);
  log(`# baseline alerts: ${[...new Set(baseline.map((k) => k.split('/')[0]))].join(', ') || 'none'}`);
  const seriesBefore = await seriesOf();

  const stoppedAt = Date.now();
  await down.daemon.stop();
  await waitFor(
    `RallyFederationSiteDown for ${site}`,
    async () =>
      (await central.firingAlerts()).some(
        (a) => a.labels.alertname === 'RallyFederationSiteDown' && a.labels.site === site
      ),
    { timeoutMs: 120_000, intervalMs: 1000, log }
  );
  const alertAfterSeconds = (Date.now() - stoppedAt) / 1000;
  // Federated samples carry their timestamps, so no staleness markers: the site's series linger for the lookback
  // delta, then vanish. By then every rule that selects them has seen them go.
  await waitFor(`the series of ${site} to vanish`, async () => (await seriesOf()) === 0, {
    timeoutMs: 600_000,
    intervalMs: 1000,
    log,
  });
  await sleep(settleMs);
  const during = await central.firingAlerts();

  const restartedAt = Date.now();
  federation.gateways[index] = await stack.startGateway(site, renderGatewayConfig(federation.declaration, site), {
    address: down.address,
    ca: federation.cert.ca,
  });
  await waitFor(
    `RallyFederationSiteDown for ${site} to resolve and its series to return`,
    async () =>
      !(await central.firingAlerts()).some((a) => a.labels.alertname === 'RallyFederationSiteDown') &&
      (await seriesOf()) === seriesBefore,
    { timeoutMs: 120_000, intervalMs: 1000, log }
  );
  const recoveredAfterSeconds = (Date.now() - restartedAt) / 1000;
  await sleep(settleMs);
  const after = (await central.firingAlerts()).map(alertKey);
  return {
    site,
    address: down.address,
    siteAlertsDuring: during.filter((a) => a.labels.site === site).map((a) => a.labels.alertname),
    raisedDuring: during.map(alertKey).filter((k) => !baseline.includes(k)),
    raisedAfter: after.filter((k) => !baseline.includes(k)),
    seriesBefore,
    seriesAfter: await seriesOf(),
    alertAfterSeconds,
    recoveredAfterSeconds,
  };
}
