// The dataplane canary, proven on a real network: four agents (`rally-monitor canary serve`), each in its own
// network namespace labelled as a different availability zone, joined by a bridge this test creates; a real runner
// (`serve`, no schedule) whose canary registry lists them and serves them as peers and as Prometheus HTTP service
// discovery; a real Prometheus (the shipped canary rules, short windows) and Alertmanager with a webhook receiver.
// Faults: a link set down (a partition), 30% random drop with iptables' statistic match, and a delaying relay in
// this test (latency); then recovery. No cloud is needed and no lock: every port is picked at random, every address
// is in the test's own bridge subnet, and the namespaces, links and processes go in `after`, even on failure.
//   node --test test/assets/canary-mesh.e2e.mjs        (as root: it creates namespaces)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { readText, repoPath } from './lib/repo.mjs';
import { CANARY_TABLE, documentedMetricNames } from './lib/metrics-doc.mjs';
import { Daemon, getJson, waitFor } from './lib/processes.mjs';
import { alertmanagerConfigForTests, startAlertmanager, startPrometheus } from './lib/prometheus-stack.mjs';
import { rulesForTests } from './lib/test-rules.mjs';
import { startWebhookReceiver } from './lib/webhook.mjs';

const CLI = repoPath('runner', 'dist', 'src', 'cli.js');
const AGENT_PORT = 8080;
const INTERVAL = '0.1'; // seconds between probes of each peer
const TIMEOUT = '0.5'; // below TCP's first SYN retransmission (1 s): a dropped SYN is a lost probe
const RELAY_DELAY_MS = 1200;
const DROP_PROBES = 800; // probes into the dropping zone counted for the loss figure (sd 1.6 points at 30%)
const NOTIFY_TIMEOUT_MS = 45_000;
const log = (line) => console.log(line);
const ip = (...args) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const quietly = (fn) => {
  try {
    fn();
  } catch {
    // already gone
  }
};

// Short names (interfaces: 15 characters at most), unique to this process; leftovers of a killed run are found by
// the prefix and the dead pid.
const PREFIX = 'rmcan';
const TAG = `${PREFIX}${process.pid.toString(36)}`;

/** Namespaces and bridges a killed earlier run of this test left behind (its pid is gone). */
function removeLeftovers() {
  const alive = (tag) => {
    const pid = parseInt(tag.slice(PREFIX.length), 36);
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0];
    const match = new RegExp(`^(${PREFIX}[0-9a-z]+)-`).exec(name ?? '');
    if (match && !alive(match[1])) quietly(() => ip('netns', 'del', name));
  }
  for (const line of ip('-o', 'link', 'show', 'type', 'bridge').split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    const match = new RegExp(`^(${PREFIX}[0-9a-z]+)br$`).exec(name ?? '');
    if (match && !alive(match[1])) quietly(() => ip('link', 'del', name));
  }
}

/** A /24 of 10.213.0.0/16 that no route of the host uses yet. */
function freeSubnet() {
  const routes = ip('route', 'show');
  for (let attempt = 0; attempt < 50; attempt++) {
    const third = 1 + Math.floor(Math.random() * 250);
    if (!routes.includes(`10.213.${third}.`)) return `10.213.${third}`;
  }
  throw new Error('no free 10.213.x.0/24 for the test bridge');
}

/**
 * A TCP relay on the bridge address: what a client sends reaches the upstream `delayMs` later (the answers come
 * back at once), so a probe through it sees that much more round trip.
 */
async function startRelay(host, upstream) {
  const relay = { delayMs: 0, sockets: new Set() };
  const server = createServer((client) => {
    const target = connect(upstream);
    relay.sockets.add(client).add(target);
    const close = () => {
      client.destroy();
      target.destroy();
      relay.sockets.delete(client);
      relay.sockets.delete(target);
    };
    client.on('data', (chunk) => setTimeout(() => !target.destroyed && target.write(chunk), relay.delayMs));
    target.on('data', (chunk) => !client.destroyed && client.write(chunk));
    client.on('end', () => setTimeout(() => target.end(), relay.delayMs));
    target.on('end', () => client.end());
    client.on('error', close);
    target.on('error', close);
    client.on('close', close);
    target.on('close', close);
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  relay.port = server.address().port;
  relay.close = async () => {
    for (const socket of relay.sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return relay;
}

/** The samples of one metric of a Prometheus text exposition: [{labels, value}]. */
function samples(text, name) {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => ({
      labels: Object.fromEntries(
        [...line.slice(name.length + 1, line.lastIndexOf('}')).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])
      ),
      value: Number(line.slice(line.lastIndexOf(' ') + 1)),
    }));
}

describe(
  'the canary mesh in network namespaces, through a real runner, Prometheus and Alertmanager',
  { timeout: 240_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'rally-canary-mesh-'));
    const subnet = freeSubnet();
    const hostAddress = `${subnet}.1`;
    const bridge = `${TAG}br`;
    // Three zones of one datacenter probe each other (peers from the runner); a fourth canary in another datacenter
    // probes az-3 only, through the delaying relay (its timeout is longer: it is the latency path).
    const canaries = [
      { key: 'a', id: 'canary-a', datacenter: 'dc1', zone: 'az-1', address: `${subnet}.11` },
      { key: 'b', id: 'canary-b', datacenter: 'dc1', zone: 'az-2', address: `${subnet}.12` },
      { key: 'c', id: 'canary-c', datacenter: 'dc1', zone: 'az-3', address: `${subnet}.13` },
      { key: 'd', id: 'canary-d', datacenter: 'dc2', zone: 'az-9', address: `${subnet}.14` },
    ].map((canary) => ({ ...canary, ns: `${TAG}-${canary.key}`, hostLink: `${TAG}${canary.key}` }));
    const byKey = Object.fromEntries(canaries.map((c) => [c.key, c]));
    const daemons = [];
    let runner, relay, webhook, alertmanager, prometheus;
    const started = Date.now();

    const metricsOf = async (canary) => (await fetch(`http://${canary.address}:${AGENT_PORT}/metrics`)).text();
    const notified = (predicate) => webhook.alerts().filter(predicate);
    const atWebhook = (what, status, predicate) =>
      waitFor(
        `${what} (${status}) at the webhook`,
        async () => notified((a) => a.status === status && predicate(a))[0],
        {
          timeoutMs: NOTIFY_TIMEOUT_MS,
          intervalMs: 250,
          log,
        }
      );
    const alertIs = (name, labels) => (a) =>
      a.labels.alertname === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
    /** Notified as firing, then (later) as resolved. */
    const resolvedAfterFiring = (name, labels) => {
      const all = notified(alertIs(name, labels));
      const firstFiring = all.findIndex((a) => a.status === 'firing');
      return firstFiring >= 0 && all.slice(firstFiring).at(-1).status === 'resolved';
    };

    before(async () => {
      assert.equal(process.getuid?.(), 0, 'this test creates network namespaces: run it as root (npm test does)');
      removeLeftovers();
      // The bridge, with the host on it (Prometheus, the runner and the relay reach the namespaces through it).
      ip('link', 'add', bridge, 'type', 'bridge');
      ip('addr', 'add', `${hostAddress}/24`, 'dev', bridge);
      ip('link', 'set', bridge, 'up');
      for (const canary of canaries) {
        ip('netns', 'add', canary.ns);
        ip('link', 'add', canary.hostLink, 'type', 'veth', 'peer', 'name', `${canary.hostLink}n`);
        ip('link', 'set', `${canary.hostLink}n`, 'netns', canary.ns);
        ip('-n', canary.ns, 'link', 'set', 'lo', 'up');
        ip('-n', canary.ns, 'link', 'set', `${canary.hostLink}n`, 'name', 'eth0');
        ip('-n', canary.ns, 'addr', 'add', `${canary.address}/24`, 'dev', 'eth0');
        ip('-n', canary.ns, 'link', 'set', 'eth0', 'up');
        ip('link', 'set', canary.hostLink, 'master', bridge);
        ip('link', 'set', canary.hostLink, 'up');
      }

      // The runner, listening on the bridge: the agents' discovery and Prometheus's service discovery.
      const runnerPort = await freePortOn(hostAddress);
      const dataDir = join(dir, 'runner-data');
      const { writeCanaries } = await import(pathToFileURL(repoPath('runner', 'dist', 'src', 'canary', 'registry.js')));
      await writeCanaries(
        dataDir,
        canaries.map((c) => ({
          id: c.id,
          serverId: null,
          name: `test-${c.id}`,
          datacenter: c.datacenter,
          availabilityZone: c.zone,
          address: c.address,
          port: AGENT_PORT,
          createdAt: new Date().toISOString(),
        }))
      );
      runner = new Daemon('runner', process.execPath, [CLI, 'serve'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME ?? '/root',
          // Nothing listens on port 9: no cycle is run here (the schedule is a year away), and none could reach a cloud.
          OS_AUTH_URL: 'http://127.0.0.1:9/v3',
          OS_USERNAME: 'canary-e2e',
          OS_PASSWORD: 'canary-e2e-password',
          OS_PROJECT_NAME: 'canary-e2e',
          RALLY_MONITOR_DATA_DIR: dataDir,
          RALLY_MONITOR_LISTEN_ADDRESS: hostAddress,
          EXPORTER_PORT: String(runnerPort),
          RALLY_SCHEDULE: '0 0 1 1 *',
        },
        logFile: join(dir, 'runner.log'),
      });
      daemons.push(runner);
      const runnerUrl = `http://${hostAddress}:${runnerPort}`;
      await waitFor('the runner to serve the canary peers', async () => {
        const { status, body } = await getJson(`${runnerUrl}/api/canary/peers`);
        return status === 200 && body.peers.length === 4;
      }).catch((error) => {
        throw new Error(`${error.message}\n${runner.tail()}`);
      });

      relay = await startRelay(hostAddress, { host: byKey.c.address, port: AGENT_PORT });
      for (const canary of canaries) {
        const peers =
          canary.key === 'd'
            ? { PEER_ENDPOINTS: `http://${hostAddress}:${relay.port}`, CANARY_PROBE_TIMEOUT: '2' }
            : { CANARY_DISCOVERY_URL: `${runnerUrl}/api/canary/peers`, CANARY_DISCOVERY_INTERVAL: '5' };
        const agent = new Daemon(
          canary.id,
          'ip',
          ['netns', 'exec', canary.ns, process.execPath, CLI, 'canary', 'serve'],
          {
            env: {
              PATH: process.env.PATH,
              CANARY_ID: canary.id,
              DATACENTER: canary.datacenter,
              AVAILABILITY_ZONE: canary.zone,
              CANARY_PORT: String(AGENT_PORT),
              TRAFFIC_INTERVAL: INTERVAL,
              CANARY_PROBE_TIMEOUT: TIMEOUT,
              ...peers,
            },
            logFile: join(dir, `${canary.id}.log`),
          }
        );
        daemons.push(agent);
        canary.daemon = agent;
      }
      for (const canary of canaries) {
        await waitFor(`${canary.id} to answer`, async () => (await fetch(`http://${canary.address}:8080/health`)).ok, {
          timeoutMs: 20_000,
        }).catch((error) => {
          throw new Error(`${error.message}\n${canary.daemon.tail()}`);
        });
      }

      webhook = await startWebhookReceiver();
      const shippedAlertmanager = parse(readText('provisioning', 'alertmanager', 'alertmanager.yml'));
      alertmanager = await startAlertmanager(dir, alertmanagerConfigForTests(shippedAlertmanager, webhook.url));
      daemons.push(alertmanager.daemon);
      // The shipped canary scrape job, aimed at this runner's service discovery.
      const job = parse(readText('provisioning', 'prometheus', 'scrape-canary.yml')).scrape_configs.find(
        (j) => j.job_name === 'rally-monitor-canary'
      );
      job.http_sd_configs[0].url = `${runnerUrl}/api/canary/targets`;
      job.http_sd_configs[0].refresh_interval = '2s';
      prometheus = await startPrometheus(dir, {
        name: 'canary',
        rulesText: rulesForTests(readText('alerts', 'rally-monitor.rules.yml'), {
          interval: '1s',
          forDuration: '3s',
          rangeWindow: '10s',
          groups: ['rally-monitor-canary'],
        }),
        scrapeJobs: [job],
        alertmanagerAddress: `127.0.0.1:${alertmanager.port}`,
        scrapeInterval: '1s',
      });
      daemons.push(prometheus.daemon);
      log(`# set up in ${Math.round((Date.now() - started) / 1000)} s (bridge ${bridge}, ${subnet}.0/24)`);
    });

    after(async () => {
      for (const canary of canaries) quietly(() => ip('netns', 'exec', canary.ns, 'iptables', '-F', 'INPUT'));
      await Promise.allSettled([...daemons].reverse().map((d) => d.stop('SIGTERM', 5000)));
      await relay?.close();
      await webhook?.close();
      for (const canary of canaries) {
        quietly(() => ip('netns', 'del', canary.ns));
        quietly(() => ip('link', 'del', canary.hostLink));
      }
      quietly(() => ip('link', 'del', bridge));
      if (process.env.RALLY_E2E_KEEP) log(`# kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
      log(`# canary mesh test: ${Math.round((Date.now() - started) / 1000)} s in all`);
    });

    it('Prometheus finds the four canaries through the runner; every pair reaches the other, every contract metric is scraped', async () => {
      await waitFor(
        'four healthy canary targets',
        async () => {
          const health = await prometheus.targetHealth();
          return health.length === 4 && health.every((h) => h === 'up');
        },
        { timeoutMs: 30_000, log }
      );
      // a, b, c probe the three others found through the runner; d probes c through the relay.
      const reachable = await waitFor(
        'ten reachable pairs in Prometheus',
        async () => {
          const result = await prometheus.query('canary_peer_reachable == 1');
          return result.data.result.length === 10 && result.data.result;
        },
        { timeoutMs: 30_000, log }
      );
      const pairs = reachable.map((r) => `${r.metric.src_az}->${r.metric.dst_az}:${r.metric.peer}`).sort();
      assert.deepEqual(pairs, [
        'az-1->az-2:canary-b',
        'az-1->az-3:canary-c',
        'az-1->az-9:canary-d',
        'az-2->az-1:canary-a',
        'az-2->az-3:canary-c',
        'az-2->az-9:canary-d',
        'az-3->az-1:canary-a',
        'az-3->az-2:canary-b',
        'az-3->az-9:canary-d',
        'az-9->az-3:canary-c',
      ]);
      // The service discovery's target labels reach the series.
      const up = await prometheus.query('up{job="rally-monitor-canary",canary_id="canary-b",availability_zone="az-2"}');
      assert.equal(up.data.result.length, 1);
      const present = new Set((await getJson(`${prometheus.url}/api/v1/label/__name__/values`)).body.data);
      assert.deepEqual(
        // A histogram is there as its _bucket, _sum and _count series.
        documentedMetricNames([CANARY_TABLE]).filter((name) => !present.has(name) && !present.has(`${name}_bucket`)),
        []
      );
      // A healthy bridge loses nothing (the agents started one after the other, so the first probes were refused:
      // counted from now on).
      const lostOf = async () =>
        samples(await metricsOf(byKey.a), 'canary_probes_total')
          .filter((s) => s.labels.result !== 'ok')
          .reduce((sum, s) => sum + s.value, 0);
      const lostBefore = await lostOf();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(await lostOf(), lostBefore, 'no probe lost on a healthy bridge');
      const detailed = await (await fetch(`http://${byKey.a.address}:8080/health/detailed`)).json();
      assert.equal(detailed.discovery.error, null);
      assert.deepEqual(detailed.peers.map((p) => p.peer).sort(), ['canary-b', 'canary-c', 'canary-d']);
    });

    it('a link set down partitions az-3: the others lose it and alert through Alertmanager, and recover', async () => {
      const phase = Date.now();
      ip('link', 'set', byKey.c.hostLink, 'down');
      // a and b reach 2 of 3 peers (warning below 70%); d reaches none of its one (critical below 50%).
      for (const canary of [byKey.a, byKey.b]) {
        const alert = await atWebhook(
          `CanaryPeerConnectivityLow of ${canary.id}`,
          'firing',
          alertIs('CanaryPeerConnectivityLow', { src_az: canary.zone })
        );
        assert.equal(alert.labels.severity, 'warning');
        assert.equal(alert.receiver, 'rally-monitor');
      }
      const critical = await atWebhook(
        'CanaryPeerConnectivityCritical of canary-d',
        'firing',
        alertIs('CanaryPeerConnectivityCritical', { src_datacenter: 'dc2', src_az: 'az-9' })
      );
      assert.equal(critical.receiver, 'rally-monitor-critical');
      assert.match(critical.annotations.summary, /reaches only 0% of its peers/);
      // Prometheus cannot scrape canary-c either: its health check fails.
      await atWebhook('CanaryDown of canary-c', 'firing', alertIs('CanaryDown', { canary_id: 'canary-c' }));
      // Nobody else's connectivity alert: a and b are not partitioned from each other.
      const connectivity = await prometheus.query('avg by (src_az) (canary_peer_reachable{src_az=~"az-1|az-2"})');
      for (const r of connectivity.data.result) {
        assert.ok(Math.abs(Number(r.value[1]) - 2 / 3) < 0.01, JSON.stringify(r));
      }
      const c = await (await fetch(`http://${byKey.a.address}:8080/connectivity`)).json();
      const toC = c.peers.find((p) => p.peer === 'canary-c');
      assert.notEqual(toC.result, 'ok');
      assert.equal(c.reachable, 2);
      log(`# partition detected and notified in ${Math.round((Date.now() - phase) / 1000)} s (a->c: ${toC.result})`);

      ip('link', 'set', byKey.c.hostLink, 'up');
      await waitFor(
        'the partition alerts to resolve at the webhook',
        async () =>
          resolvedAfterFiring('CanaryPeerConnectivityLow', { src_az: 'az-1' }) &&
          resolvedAfterFiring('CanaryPeerConnectivityLow', { src_az: 'az-2' }) &&
          resolvedAfterFiring('CanaryPeerConnectivityCritical', { src_az: 'az-9' }) &&
          resolvedAfterFiring('CanaryDown', { canary_id: 'canary-c' }),
        { timeoutMs: NOTIFY_TIMEOUT_MS, intervalMs: 250, log }
      );
      log(`# partition phase: ${Math.round((Date.now() - phase) / 1000)} s`);
    });

    it('30% random drop into az-2 reads 25-35% loss and warns; a delaying relay raises the dc2->az-3 latency alert; both resolve', async () => {
      const phase = Date.now();
      const intoB = async () => {
        let ok = 0;
        let lost = 0;
        for (const canary of [byKey.a, byKey.c]) {
          for (const s of samples(await metricsOf(canary), 'canary_probes_total')) {
            if (s.labels.peer !== 'canary-b') continue;
            if (s.labels.result === 'ok') ok += s.value;
            else lost += s.value;
          }
        }
        return { ok, lost };
      };
      const before = await intoB();
      // Only new connections to the agent's port: each probe is one SYN, so a probe is lost exactly when its SYN is
      // (the probe timeout is shorter than TCP's retransmission). Prometheus's scrapes reuse their connection.
      const drop = ['INPUT', '-p', 'tcp', '--dport', String(AGENT_PORT), '--syn'];
      const statistic = ['-m', 'statistic', '--mode', 'random', '--probability', '0.3', '-j', 'DROP'];
      ip('netns', 'exec', byKey.b.ns, 'iptables', '-A', ...drop, ...statistic);
      relay.delayMs = RELAY_DELAY_MS;

      const warning = await atWebhook(
        'CanaryProbeErrorRateHigh from az-1 to az-2',
        'firing',
        alertIs('CanaryProbeErrorRateHigh', { src_az: 'az-1', dst_az: 'az-2' })
      );
      assert.equal(warning.labels.severity, 'warning');
      const latency = await atWebhook(
        'CanaryLatencyHigh from dc2/az-9 to dc1/az-3',
        'firing',
        alertIs('CanaryLatencyHigh', { src_datacenter: 'dc2', src_az: 'az-9', dst_datacenter: 'dc1', dst_az: 'az-3' })
      );
      assert.match(latency.annotations.summary, /Canary p95 round trip \d/);
      const p95 = await prometheus.query(
        'histogram_quantile(0.95, sum by (le) (rate(canary_peer_rtt_seconds_bucket{src_az="az-9",dst_az="az-3"}[10s])))'
      );
      assert.ok(Number(p95.data.result[0].value[1]) > 1, JSON.stringify(p95.data.result));
      // The drop does not make the peer unreachable (three lost in a row is rare at 30%): no connectivity alert for it.
      assert.deepEqual(
        notified((a) => a.labels.alertname.startsWith('CanaryPeerConnectivity') && Date.parse(a.startsAt) > phase),
        []
      );

      const counted = await waitFor(
        `${DROP_PROBES} probes into az-2 under the drop`,
        async () => {
          const now = await intoB();
          const probes = now.ok + now.lost - before.ok - before.lost;
          return probes >= DROP_PROBES && { probes, lost: now.lost - before.lost };
        },
        { timeoutMs: 90_000, intervalMs: 500, log }
      );
      ip('netns', 'exec', byKey.b.ns, 'iptables', '-D', ...drop, ...statistic);
      relay.delayMs = 0;
      const loss = counted.lost / counted.probes;
      log(`# loss into az-2 under a 30% drop: ${(loss * 100).toFixed(1)}% of ${counted.probes} probes`);
      assert.ok(loss >= 0.25 && loss <= 0.35, `loss ${(loss * 100).toFixed(1)}% of ${counted.probes} probes`);

      await waitFor(
        'the loss and latency alerts to resolve at the webhook',
        async () =>
          resolvedAfterFiring('CanaryProbeErrorRateHigh', { src_az: 'az-1', dst_az: 'az-2' }) &&
          resolvedAfterFiring('CanaryLatencyHigh', { src_az: 'az-9', dst_az: 'az-3' }),
        { timeoutMs: NOTIFY_TIMEOUT_MS, intervalMs: 250, log }
      );
      assert.deepEqual(
        (await prometheus.firingAlerts()).filter((a) => a.labels.dst_az === 'az-2' && a.labels.src_az === 'az-1'),
        []
      );
      log(`# drop and latency phase: ${Math.round((Date.now() - phase) / 1000)} s`);
    });
  }
);

/** A free port on an address of this host. */
async function freePortOn(host) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
