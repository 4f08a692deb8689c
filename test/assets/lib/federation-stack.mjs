// Builds federated set-ups out of real processes on loopback ports chosen at random: runners (`serve`, schedule off)
// holding real recorded cycles, site Prometheus servers scraping them, one HAProxy federation gateway per site
// configured by provisioning/federation/generate.mjs, and central Prometheus servers federating the sites through
// the gateways. Used by the federation tests and by the federation benchmark. Every process is tracked and stopped
// by `stack.stop()`, which the tests call in `after`, whatever happened.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Daemon, getJson, waitFor } from './processes.mjs';
import { repoPath } from './repo.mjs';
import { runnerProcess } from './runner-support.mjs';

export const freePort = async () => (await runnerProcess()).freePort();

/**
 * Cycles recorded by the runner's integration tests against the real local cloud (test/fixtures/runner-api/README.md):
 * a Keystone-only cycle and a cycle over all seven services, in that order.
 */
export const RECORDED_CYCLES = [
  repoPath('test', 'fixtures', 'runner-api', 'run-20261122T003330Z-cc94e1.json'),
  repoPath('test', 'fixtures', 'runner-api', 'seven-services', 'run-20261122T035130Z-19eec6.json'),
];

const ISO_TIME = /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)"/g;

/**
 * A runner data directory (the layout runner/src/history/store.ts reads: runs/<id>/cycle.json) holding the recorded
 * cycles, moved forward in time so that the latest one finished `agoSeconds` ago. Only the times change (and the
 * run ids, which start with the start time): states, workloads, durations and reasons stay as recorded. Recorded
 * days ago, they would otherwise make every runner stale (RallyStaleResults) and be pruned at start.
 */
export function seedRunnerData(dataDir, { cycles = RECORDED_CYCLES, agoSeconds = 60, now = Date.now() } = {}) {
  const texts = cycles.map((file) => readFileSync(file, 'utf8'));
  const latest = Math.max(...texts.map((text) => Date.parse(JSON.parse(text).finishedAt)));
  const shiftMs = now - agoSeconds * 1000 - latest;
  const shift = (iso) => new Date(Date.parse(iso) + shiftMs).toISOString();
  mkdirSync(join(dataDir, 'runs'), { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const text of texts) {
    const original = JSON.parse(text);
    const startedAt = shift(original.startedAt);
    const id = `${startedAt.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}-${original.id.split('-')[1]}`;
    const moved = text.replace(ISO_TIME, (_, iso) => JSON.stringify(shift(iso))).replaceAll(original.id, id);
    mkdirSync(join(dataDir, 'runs', id), { mode: 0o700 });
    writeFileSync(join(dataDir, 'runs', id, 'cycle.json'), moved, { mode: 0o600 });
  }
}

/** A self-signed certificate for 127.0.0.1 and localhost: `pem` (certificate and key, for HAProxy) and `ca`. */
export function makeCertificate(dir, name = 'gateway') {
  const key = join(dir, `${name}.key`);
  const ca = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      ca,
    ],
    { stdio: 'ignore' }
  );
  const pem = join(dir, `${name}.pem`);
  writeFileSync(pem, readFileSync(ca, 'utf8') + readFileSync(key, 'utf8'), { mode: 0o600 });
  return { pem, ca };
}

/** A random bearer token in a file only this user can read. The token is returned, never logged. */
export function writeToken(file) {
  const token = randomBytes(24).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o400 });
  return token;
}

/**
 * One HTTPS request with the test's CA, sending `path` exactly as given (no normalisation), so that encodings and
 * double slashes reach the gateway as an attacker would send them.
 */
export function gatewayRequest(address, path, { method = 'GET', headers = {}, ca, timeoutMs = 10_000 } = {}) {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host, port: Number(port), path, method, headers, ca: readFileSync(ca), servername: 'localhost' },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      }
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${address} in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

const tlsAccepts = (address, ca) =>
  new Promise((resolve) => {
    const [host, port] = address.split(':');
    const socket = tlsConnect({ host, port: Number(port), ca: readFileSync(ca), servername: 'localhost' }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** Runs `fn` over `items` with at most `limit` at a time (process starts on a small machine). */
export async function inBatches(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class FederationStack {
  constructor(dir, { log = () => {} } = {}) {
    this.dir = dir;
    this.log = log;
    this.daemons = [];
  }

  track(daemon) {
    this.daemons.push(daemon);
    return daemon;
  }

  /** Stops every process this stack started, in reverse order; never throws. */
  async stop() {
    const daemons = this.daemons.splice(0).reverse();
    await Promise.all(daemons.map((daemon) => daemon.stop('SIGTERM', 5000).catch(() => undefined)));
  }

  /** A runner serving real recorded cycles; no cloud: its schedule and leak scans are off (once a year). */
  async startRunner(name, { cloud, region }) {
    const dataDir = join(this.dir, 'runners', name);
    seedRunnerData(dataDir);
    const port = await freePort();
    const node = process.execPath;
    const daemon = this.track(
      new Daemon(`runner ${name}`, node, [repoPath('runner', 'dist', 'src', 'cli.js'), 'serve'], {
        env: {
          PATH: process.env.PATH,
          HOME: dataDir,
          // Nothing answers on the discard port: the runner needs an auth URL to start, never reaches it.
          OS_AUTH_URL: 'http://127.0.0.1:9/v3',
          OS_USERNAME: 'monitor',
          OS_PASSWORD: 'unused-no-cloud',
          OS_PROJECT_NAME: 'monitoring',
          OS_REGION_NAME: region,
          RALLY_MONITOR_CLOUD: cloud,
          RALLY_MONITOR_DATA_DIR: dataDir,
          RALLY_RESULTS_RETENTION_DAYS: '3650',
          RALLY_SCHEDULE: '0 0 1 1 *',
          RALLY_MONITOR_CLEANUP_SCHEDULE: '0 0 1 1 *',
          EXPORTER_PORT: String(port),
          RALLY_MONITOR_LISTEN_ADDRESS: '127.0.0.1',
          LOG_LEVEL: 'warn',
        },
        logFile: join(this.dir, `runner-${name}.log`),
      })
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`runner ${name} to serve /metrics`, async () => daemon.alive && (await fetch(`${url}/metrics`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 250,
      log: this.log,
    }).catch((error) => {
      throw new Error(`${error.message}\n${daemon.tail()}`);
    });
    return { name, cloud, region, address: `127.0.0.1:${port}`, url, daemon };
  }

  /** A Prometheus server with the given configuration object (and rule files written next to it). */
  async startPrometheus(name, config, { rules = {}, extraArgs = [], port } = {}) {
    const home = join(this.dir, 'prometheus', name);
    mkdirSync(home, { recursive: true });
    for (const [file, text] of Object.entries(rules)) writeFileSync(join(home, file), text);
    const configFile = join(home, 'prometheus.yml');
    writeFileSync(configFile, typeof config === 'string' ? config : stringify(config, { lineWidth: 0 }));
    const listen = port ?? (await freePort());
    const daemon = this.track(
      new Daemon(
        `prometheus ${name}`,
        'prometheus',
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${join(home, 'data')}`,
          `--web.listen-address=127.0.0.1:${listen}`,
          ...extraArgs,
        ],
        { logFile: join(this.dir, `prometheus-${name}.log`) }
      )
    );
    const url = `http://127.0.0.1:${listen}`;
    await waitFor(`Prometheus ${name} to be ready`, async () => daemon.alive && (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 250,
      log: this.log,
    }).catch((error) => {
      throw new Error(`${error.message}\n${daemon.tail()}`);
    });
    return prometheusClient(name, url, daemon, listen);
  }

  /** HAProxy in the foreground (-db) with a generated configuration; ready once its TLS port answers. */
  async startGateway(name, configText, { address, ca, env = {} }) {
    const configFile = join(this.dir, `haproxy-${name}.cfg`);
    writeFileSync(configFile, configText, { mode: 0o600 });
    const check = execFileSyncQuiet('haproxy', ['-c', '-f', configFile], env);
    if (check.status !== 0) throw new Error(`haproxy -c refused the configuration of ${name}:\n${check.output}`);
    const daemon = this.track(
      new Daemon(`haproxy ${name}`, 'haproxy', ['-db', '-f', configFile], {
        env: { PATH: process.env.PATH, ...env },
        logFile: join(this.dir, `haproxy-${name}.log`),
      })
    );
    await waitFor(`gateway ${name} to accept TLS`, async () => daemon.alive && tlsAccepts(address, ca), {
      timeoutMs: 30_000,
      intervalMs: 200,
      log: this.log,
    }).catch((error) => {
      throw new Error(`${error.message}\n${daemon.tail()}`);
    });
    return { name, address, daemon, configFile };
  }
}

function execFileSyncQuiet(command, args, env) {
  try {
    const output = execFileSync(command, args, {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, output };
  } catch (error) {
    return { status: error.status ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` };
  }
}

/** The parts of Prometheus's HTTP API the tests use. */
export function prometheusClient(name, url, daemon, port) {
  const api = async (path, params) => {
    const { status, body } = await getJson(`${url}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    if (typeof body !== 'object' || body.status !== 'success') {
      throw new Error(
        `${name} ${path} ${JSON.stringify(params)}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`
      );
    }
    return body.data;
  };
  return {
    name,
    url,
    port,
    daemon,
    api,
    query: (query, time) => api('query', time === undefined ? { query } : { query, time: String(time) }),
    queryRange: (query, start, end, step) =>
      api('query_range', { query, start: String(start), end: String(end), step: String(step) }),
    series: (match) => api('series', { 'match[]': match }),
    async firingAlerts() {
      const { body } = await getJson(`${url}/api/v1/alerts`);
      return body.data.alerts.filter((a) => a.state === 'firing');
    },
    async targets() {
      const { body } = await getJson(`${url}/api/v1/targets`);
      return body.data.activeTargets;
    },
  };
}
