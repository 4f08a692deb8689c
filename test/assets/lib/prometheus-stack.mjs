// A real Prometheus and Alertmanager (Debian's) on loopback ports, with temporary configuration and storage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Daemon, freePort, getJson, waitFor } from './processes.mjs';

export async function startAlertmanager(dir, webhookUrl) {
  const port = await freePort();
  mkdirSync(join(dir, 'alertmanager'), { recursive: true });
  const config = {
    route: { receiver: 'test-webhook', group_by: ['alertname', 'service'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
    receivers: [{ name: 'test-webhook', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  };
  const configFile = join(dir, 'alertmanager', 'alertmanager.yml');
  writeFileSync(configFile, stringify(config));
  const daemon = new Daemon('alertmanager', 'prometheus-alertmanager', [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'alertmanager', 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ], { logFile: join(dir, 'alertmanager.log') });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Alertmanager to be ready', async () => daemon.alive && (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 30_000 })
    .catch((error) => { throw new Error(`${error.message}\n${daemon.tail()}`); });
  return { daemon, url, port };
}

export async function startPrometheus(dir, { rulesText, runnerAddress, alertmanagerAddress, scrapeInterval = '2s' }) {
  const port = await freePort();
  mkdirSync(join(dir, 'prometheus'), { recursive: true });
  writeFileSync(join(dir, 'prometheus', 'rally-monitor.rules.yml'), rulesText);
  const config = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    rule_files: ['rally-monitor.rules.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanagerAddress] }] }] },
    scrape_configs: [{ job_name: 'rally-monitor', metrics_path: '/metrics', static_configs: [{ targets: [runnerAddress] }] }],
  };
  const configFile = join(dir, 'prometheus', 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const daemon = new Daemon('prometheus', 'prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'prometheus', 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
  ], { logFile: join(dir, 'prometheus.log') });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', async () => daemon.alive && (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 60_000 })
    .catch((error) => { throw new Error(`${error.message}\n${daemon.tail()}`); });

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
