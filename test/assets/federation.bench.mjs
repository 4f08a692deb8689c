// `npm run bench` part `federation` (BENCH_PARTS=federation): the federation at 50 sites. Real runners holding real
// recorded cycles (FEDERATION_BENCH_SITES sites x FEDERATION_BENCH_RUNNERS_PER_SITE runners, 50 x 1 by default),
// each site's Prometheus behind its generated HAProxy gateway, one central Prometheus federating them all and one
// federating the first site only. Prints series per site and in all, the federation scrape duration at the central,
// the time of every dashboard and alert query over all sites as a ratio to the same query over one site, and a
// site outage (its one alert, then recovery). No cloud, no lock: loopback ports chosen at random.
//   node test/assets/federation.bench.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FederationStack } from './lib/federation-stack.mjs';
import { measureFederation, measureQueries, siteOutage, startFederation } from './lib/federation-scale.mjs';

const SITES = Number(process.env.FEDERATION_BENCH_SITES ?? 50);
const RUNNERS_PER_SITE = Number(process.env.FEDERATION_BENCH_RUNNERS_PER_SITE ?? 1);
const INTERVAL = process.env.FEDERATION_BENCH_INTERVAL ?? '5s';
const WARM_UP_SECONDS = Number(process.env.FEDERATION_BENCH_WARM_UP ?? 60);
const log = (line) => console.log(line);
const rssMiB = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
};
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { min: sorted[0], p50: at(0.5), p90: at(0.9), max: sorted.at(-1) };
};
const fixed = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

const dir = mkdtempSync(join(tmpdir(), 'rally-federation-bench-'));
const stack = new FederationStack(dir, { log });
let status = 0;
const stop = async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  const started = Date.now();
  log(`federation: ${SITES} sites x ${RUNNERS_PER_SITE} runners, scrape and federation every ${INTERVAL}`);
  const federation = await startFederation(stack, {
    sites: SITES,
    runnersPerSite: RUNNERS_PER_SITE,
    interval: INTERVAL,
    // The outage below waits for the site's series to leave the central: shortened from 5m, as in the test.
    lookbackDelta: '30s',
  });
  log(`started ${stack.daemons.length} processes in ${fixed((Date.now() - started) / 1000)} s`);
  log(`warming up for ${WARM_UP_SECONDS} s (range queries need history)`);
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_SECONDS * 1000));

  const figures = await measureFederation(federation);
  const perSite = Object.values(figures.federatedPerSite);
  const atSite = Object.values(figures.seriesAtSite);
  const scrape = stats(Object.values(figures.federationScrapeSeconds.perSite));
  log('');
  log(
    `series federated per site: ${JSON.stringify(stats(perSite))} (the site Prometheus holds ${JSON.stringify(stats(atSite))})`
  );
  log(
    `series at the central Prometheus: ${figures.totalSeriesAtCentral} (${perSite.reduce((a, b) => a + b, 0)} federated)`
  );
  log(
    `federation scrape_duration_seconds at the central, per site: p50 ${fixed(scrape.p50 * 1000)} ms, p90 ` +
      `${fixed(scrape.p90 * 1000)} ms, max ${fixed(scrape.max * 1000)} ms`
  );
  log(
    `resident memory: central Prometheus ${fixed(rssMiB(federation.central.daemon.child.pid))} MiB, a site ` +
      `Prometheus ${fixed(rssMiB(federation.sitePrometheus[0].daemon.child.pid))} MiB, a runner ` +
      `${fixed(rssMiB(federation.runners[0].daemon.child.pid))} MiB, a gateway ` +
      `${fixed(rssMiB(federation.gateways[0].daemon.child.pid))} MiB`
  );

  const queries = await measureQueries(federation, { rangeSeconds: WARM_UP_SECONDS, step: 15, repeats: 5 });
  log('');
  log(`query times, median of 5, all ${SITES} sites vs one site (range ${WARM_UP_SECONDS} s, step 15 s):`);
  log('  all ms   one ms   ratio  query');
  for (const q of [...queries].sort((a, b) => b.ratio - a.ratio)) {
    log(`${fixed(q.allMs).padStart(7)}  ${fixed(q.oneMs).padStart(7)}  ${fixed(q.ratio, 2).padStart(6)}  ${q.where}`);
  }
  for (const kind of ['panel', 'variable', 'alert']) {
    const of = queries.filter((q) => q.kind === kind);
    const ratios = stats(of.map((q) => q.ratio));
    const all = stats(of.map((q) => q.allMs));
    log(
      `${kind} queries (${of.length}): all-sites time p50 ${fixed(all.p50)} ms, max ${fixed(all.max)} ms; ` +
        `ratio p50 ${fixed(ratios.p50, 2)}, max ${fixed(ratios.max, 2)}`
    );
  }

  log('');
  const outage = await siteOutage(stack, federation, { log, settleMs: 2 * 5000 });
  log(
    `site outage (${outage.site}): RallyFederationSiteDown after ${fixed(outage.alertAfterSeconds)} s (for window ` +
      `of the test rules); site alerts while away: ${outage.siteAlertsDuring.join(', ')}; raised besides: ` +
      `${outage.raisedDuring.filter((k) => !k.startsWith('RallyFederationSiteDown/')).join(', ') || 'nothing'}; ` +
      `recovered in ${fixed(outage.recoveredAfterSeconds)} s; raised after recovery: ${outage.raisedAfter.join(', ') || 'nothing'}; ` +
      `series ${outage.seriesBefore} before, ${outage.seriesAfter} after`
  );
  if (
    outage.raisedDuring.length !== 1 ||
    outage.raisedAfter.length !== 0 ||
    outage.seriesAfter !== outage.seriesBefore
  ) {
    status = 1;
    log('the site outage raised something else, or did not recover: see above');
  }
} catch (error) {
  status = 1;
  console.error(error);
} finally {
  await stop();
}
process.exit(status);
