// A real Prometheus and Alertmanager (Debian's) on loopback ports, with temporary configuration and storage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Daemon, getJson, waitFor } from './processes.mjs';
import { runnerProcess } from './runner-support.mjs';

const freePort = async () => (await runnerProcess()).freePort();
// RALLY_E2E_DEBUG=1 makes Prometheus and Alertmanager log every alert they send and receive.
const debugLogging = () => (process.env.RALLY_E2E_DEBUG ? ['--log.level=debug'] : []);

/**
 * The shipped Alertmanager configuration (routes, grouping, inhibitions) with every receiver pointed at the
 * test's webhook and the waits shortened to a second.
 */
export function alertmanagerConfigForTests(shipped, webhookUrl) {
  const config = structuredClone(shipped);
  const shorten = (route) => {
    if (route.group_wait) route.group_wait = '1s';
    if (route.group_interval) route.group_interval = '1s';
    (route.routes ?? []).forEach(shorten);
  };
  shorten(config.route);
  config.route.group_wait = '1s';
  config.route.group_interval = '1s';
  config.receivers = config.receivers.map(({ name }) => ({
    name,
    webhook_configs: [{ url: webhookUrl, send_resolved: true }],
  }));
  return config;
}

export async function startAlertmanager(dir, config) {
  const port = await freePort();
  mkdirSync(join(dir, 'alertmanager'), { recursive: true });
  const configFile = join(dir, 'alertmanager', 'alertmanager.yml');
  writeFileSync(configFile, stringify(config));
  const daemon = new Daemon(
    'alertmanager',
    'prometheus-alertmanager',
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'alertmanager', 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      ...debugLogging(),
    ],
    { logFile: join(dir, 'alertmanager.log') }
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Alertmanager to be ready', async () => daemon.alive && (await fetch(`${url}/-/ready`)).ok, {
    timeoutMs: 30_000,
  }).catch((error) => {
    throw new Error(`${error.message}\n${daemon.tail()}`);
  });
  return { daemon, url, port };
}

/**
 * The shipped bearer-token scrape job (provisioning/prometheus/scrape-bearer-token.yml) aimed at one runner, with
 * its token written to a file only this user can read, as the example asks.
 */
export function bearerScrapeJobForTests(dir, shippedConfig, runnerAddress, token) {
  const [job] = structuredClone(shippedConfig.scrape_configs);
  const tokenFile = join(dir, 'rally-monitor-api-token');
  writeFileSync(tokenFile, token, { mode: 0o400 });
  job.authorization.credentials_file = tokenFile;
  job.static_configs = [{ targets: [runnerAddress] }];
  return job;
}

/** Without scrape jobs, Prometheus scrapes nothing (a misconfigured Prometheus). */
export async function startPrometheus(
  dir,
  { name = 'main', rulesText, scrapeJobs = [], alertmanagerAddress, scrapeInterval = '2s' }
) {
  const port = await freePort();
  mkdirSync(join(dir, 'prometheus'), { recursive: true });
  writeFileSync(join(dir, 'prometheus', 'rally-monitor.rules.yml'), rulesText);
  const config = {
    // As in any setup with several Prometheus servers, an external label keeps their alerts apart in Alertmanager.
    global: {
      scrape_interval: scrapeInterval,
      evaluation_interval: scrapeInterval,
      external_labels: { prometheus: name },
    },
    rule_files: ['rally-monitor.rules.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanagerAddress] }] }] },
    scrape_configs: scrapeJobs,
  };
  const configFile = join(dir, 'prometheus', 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const daemon = new Daemon(
    'prometheus',
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'prometheus', 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Alerts that fire before the notifier has discovered Alertmanager are dropped and only resent after this delay
      // (1m by default): keep it short so no test waits on it.
      '--rules.alert.resend-delay=2s',
      ...debugLogging(),
    ],
    { logFile: join(dir, 'prometheus.log') }
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', async () => daemon.alive && (await fetch(`${url}/-/ready`)).ok, {
    timeoutMs: 60_000,
  }).catch((error) => {
    throw new Error(`${error.message}\n${daemon.tail()}`);
  });

  const api = async (path, params) => {
    const { status, body } = await getJson(`${url}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    return { httpStatus: status, ...(typeof body === 'object' ? body : { status: 'error', error: String(body) }) };
  };
  return {
    daemon,
    url,
    query: (query) => api('query', { query }),
    series: (match) => api('series', { 'match[]': match }),
    async firingAlerts() {
      const { body } = await getJson(`${url}/api/v1/alerts`);
      return body.data.alerts.filter((a) => a.state === 'firing');
    },
    async targetHealth() {
      const { body } = await getJson(`${url}/api/v1/targets`);
      return body.data.activeTargets.map((t) => t.health);
    },
  };
}
