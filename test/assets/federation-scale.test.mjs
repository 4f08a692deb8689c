// The federation at a small scale in `npm test` (the benchmark runs the same at 50 sites: test/assets/
// federation.bench.mjs): FEDERATION_TEST_SITES sites (3) of FEDERATION_TEST_RUNNERS_PER_SITE real runners (2) holding
// real recorded cycles, each site's Prometheus behind its generated HAProxy gateway, all federated by one central
// Prometheus evaluating the shipped rules (for windows shortened). Every dashboard and alert query runs over all
// sites; every dashboard variable works with "All"; a site whose gateway goes down raises RallyFederationSiteDown
// and nothing else, and recovers. Loopback ports chosen at random: no lock needed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FederationStack } from './lib/federation-stack.mjs';
import { measureFederation, measureQueries, siteOutage, startFederation } from './lib/federation-scale.mjs';
import { FEDERATION_JOB } from '../../provisioning/federation/generate.mjs';

const SITES = Number(process.env.FEDERATION_TEST_SITES ?? 3);
const RUNNERS_PER_SITE = Number(process.env.FEDERATION_TEST_RUNNERS_PER_SITE ?? 2);
const SERVICES = ['cinder', 'glance', 'keystone', 'neutron', 'nova', 'placement', 'swift'];
const log = (line) => console.log(line);

describe(`federation of ${SITES} sites x ${RUNNERS_PER_SITE} runners through gateways`, { timeout: 240_000 }, () => {
  let dir, stack, federation, queries;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rally-federation-scale-'));
    stack = new FederationStack(dir, { log });
    federation = await startFederation(stack, { sites: SITES, runnersPerSite: RUNNERS_PER_SITE, lookbackDelta: '10s' });
  });

  after(async () => {
    await stack?.stop();
    if (!process.env.KEEP_FEDERATION_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('federates every runner of every site, and each site only through its gateway', async () => {
    const figures = await measureFederation(federation);
    log(`# ${JSON.stringify({ ...figures, federationScrapeSeconds: figures.federationScrapeSeconds.max })}`);
    assert.deepEqual(Object.keys(figures.federatedPerSite).sort(), federation.layout.map((s) => s.name).sort());
    for (const site of federation.layout) {
      // The site holds its own Prometheus series too; fewer series pass than the site has.
      assert.ok(figures.federatedPerSite[site.name] < figures.seriesAtSite[site.name], site.name);
      const clouds = (
        await federation.central.query(`count by (cloud) (rally_monitor_info{site="${site.name}"})`)
      ).result
        .map((r) => r.metric.cloud)
        .sort();
      assert.deepEqual(clouds, site.runners.map((r) => r.cloud).sort());
    }
    const targets = await federation.central.targets();
    assert.equal(targets.length, SITES);
    assert.ok(
      targets.every((t) => t.health === 'up' && t.labels.job === FEDERATION_JOB && t.scrapeUrl.startsWith('https://'))
    );
  });

  it('every dashboard variable (cloud, region, service) lists every site\'s values with "All"', async () => {
    queries = await measureQueries(federation, { rangeSeconds: 120, step: 2, repeats: 1 });
    const clouds = federation.runners.map((r) => r.cloud).sort();
    const regions = federation.runners.map((r) => r.region).sort();
    const variables = queries.filter((q) => q.kind === 'variable');
    assert.ok(variables.length >= 11);
    for (const variable of variables) {
      const values = [...new Set(variable.all.map((s) => s[variable.label]))].sort();
      const expected = { cloud: clouds, region: regions, service: SERVICES }[variable.label];
      assert.ok(expected, `${variable.where}: unexpected variable ${variable.label}`);
      assert.deepEqual(values, [...expected].sort(), variable.where);
    }
  });

  it('every dashboard and alert query runs over all sites, and sees every site where it sees one', async () => {
    const failed = [];
    for (const query of queries.filter((q) => q.kind !== 'variable')) {
      const all = query.all.result;
      const one = query.one.result;
      if (one.length > 0 && all.length === 0) failed.push(`${query.where}: data over one site, none over all`);
      // A query that keeps the cloud label over one site must show every runner's cloud over all sites
      // (topk and bottomk excepted: they keep some by design).
      const cloudsOf = (result) => new Set(result.map((r) => r.metric.cloud).filter(Boolean));
      if (cloudsOf(one).size > 0 && !/topk|bottomk/.test(query.expr)) {
        const seen = cloudsOf(all);
        const missing = federation.runners.filter((r) => !seen.has(r.cloud)).map((r) => r.cloud);
        if (missing.length) failed.push(`${query.where}: no data for ${missing.join(', ')}`);
      }
    }
    const slowest = [...queries].sort((a, b) => b.ratio - a.ratio)[0];
    log(`# ${queries.length} queries; highest all/one time ratio ${slowest.ratio.toFixed(2)} (${slowest.where})`);
    assert.deepEqual(failed, []);
  });

  it('a site whose gateway goes down raises RallyFederationSiteDown and no other alert, then recovers', async () => {
    const outage = await siteOutage(stack, federation, { log });
    assert.deepEqual(outage.siteAlertsDuring, ['RallyFederationSiteDown'], 'the site raises its one site alert');
    assert.deepEqual(
      outage.raisedDuring,
      [`RallyFederationSiteDown/${outage.site}/${outage.address}/`],
      'nothing else is raised while the site is away'
    );
    assert.deepEqual(outage.raisedAfter, [], 'after recovery, nothing fires that did not fire before the outage');
    assert.equal(outage.seriesAfter, outage.seriesBefore, 'every series of the site is back');
  });
});
