// The remote_write example (provisioning/prometheus/remote-write.yml) on real processes: a Prometheus configured by
// it scrapes a real runner (holding real recorded cycles) and itself, and remote-writes to a second real Prometheus
// started with --web.enable-remote-write-receiver, standing in for a horizontally scaled store. The store must
// receive the Rally series with the site label, and nothing the federation gateways would not admit.
// Loopback ports chosen at random: no lock needed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readYaml } from './lib/repo.mjs';
import { waitFor } from './lib/processes.mjs';
import { FederationStack, freePort, writeToken } from './lib/federation-stack.mjs';
import { JOB_SERIES } from '../../provisioning/federation/generate.mjs';

const log = (line) => console.log(line);

describe('remote_write example: a site Prometheus pushing to a remote-write receiver', { timeout: 120_000 }, () => {
  let dir, stack, store, site;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rally-remote-write-'));
    stack = new FederationStack(dir, { log });
    const runner = await stack.startRunner('one', { cloud: 'cloud-rw', region: 'region-rw' });
    store = await stack.startPrometheus(
      'store',
      { global: { scrape_interval: '1m' } },
      {
        extraArgs: ['--web.enable-remote-write-receiver'],
      }
    );
    // The shipped example, aimed at the test's runner and store, its token in a 0400 file, plus the site
    // Prometheus's own series, which must not be written.
    const config = readYaml('provisioning', 'prometheus', 'remote-write.yml');
    const port = await freePort();
    config.global.scrape_interval = '1s';
    config.scrape_configs[0].static_configs = [{ targets: [runner.address] }];
    config.scrape_configs.push({ job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] });
    const tokenFile = join(dir, 'remote-write-token');
    writeToken(tokenFile);
    config.remote_write[0].url = `${store.url}/api/v1/write`;
    config.remote_write[0].authorization.credentials_file = tokenFile;
    config.remote_write[0].queue_config = { batch_send_deadline: '1s' };
    site = await stack.startPrometheus('site', config, { port });
  });

  after(async () => {
    await stack?.stop();
    if (!process.env.KEEP_FEDERATION_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('the store receives the Rally series, labelled with the site, and nothing else', async () => {
    await waitFor(
      'the Rally series to arrive in the store',
      async () => (await store.query('rally_service_status{site="region-one"}')).result.length === 7,
      { timeoutMs: 60_000, intervalMs: 1000, log }
    );
    await waitFor(
      'the runner job up to arrive',
      async () => (await store.query('up{job="rally-monitor"}')).result.length,
      {
        timeoutMs: 30_000,
        log,
      }
    );
    const stored = await store.series('{__name__=~".+"}');
    const atSite = await site.series('{__name__=~".+"}');
    const whitelisted = (s) =>
      /^(rally|canary)_/.test(s.__name__) ||
      (JOB_SERIES.includes(s.__name__) && ['rally-monitor', 'rally-monitor-canary'].includes(s.job));
    assert.ok(
      atSite.some((s) => !whitelisted(s)),
      'the site holds series that must not be written'
    );
    assert.deepEqual(
      stored.filter((s) => !whitelisted(s)).map((s) => s.__name__),
      [],
      'series the gateways would refuse reached the store'
    );
    assert.ok(stored.every((s) => s.site === 'region-one'));
    const names = new Set(stored.map((s) => s.__name__));
    for (const name of ['rally_monitor_info', 'rally_scenario_status', 'up', 'process_resident_memory_bytes']) {
      assert.ok(names.has(name), name);
    }
  });
});
