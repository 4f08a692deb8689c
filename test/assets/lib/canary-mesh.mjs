// A real dataplane canary mesh on loopback: canary agents (`rally-monitor canary serve` of the built runner), each
// labelled as a datacenter and availability zone, probing each other, and a real node exporter (Debian's
// prometheus-node-exporter) beside them; with the scrape job a Prometheus needs to see them as the canary scrape
// job does (the labels canary_id, datacenter, availability_zone of the runner's /api/canary/targets). Random ports,
// 127.0.0.1 only; every process is stopped by its own pid in stop().
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, waitFor } from './processes.mjs';
import { repoPath } from './repo.mjs';
import { runnerProcess } from './runner-support.mjs';

const CLI = () => repoPath('runner', 'dist', 'src', 'cli.js');

/**
 * Starts one agent per zone ({id, datacenter, az}) probing all the others every `intervalSeconds`, and one node
 * exporter, whose series carry the first zone's canary labels. Waits until every agent answers /health.
 */
export async function startCanaryMesh(dir, zones, { intervalSeconds = 1, probeTimeoutSeconds = 1 } = {}) {
  const { freePort } = await runnerProcess();
  mkdirSync(dir, { recursive: true });
  const agents = [];
  for (const zone of zones) agents.push({ ...zone, port: await freePort() });
  for (const agent of agents) {
    const peers = agents.filter((a) => a !== agent).map((a) => `127.0.0.1:${a.port}`);
    agent.daemon = new Daemon(`canary ${agent.id}`, process.execPath, [CLI(), 'canary', 'serve'], {
      env: {
        PATH: process.env.PATH,
        CANARY_ID: agent.id,
        DATACENTER: agent.datacenter,
        AVAILABILITY_ZONE: agent.az,
        CANARY_LISTEN_ADDRESS: '127.0.0.1',
        CANARY_PORT: String(agent.port),
        PEER_ENDPOINTS: peers.join(','),
        TRAFFIC_INTERVAL: String(intervalSeconds),
        CANARY_PROBE_TIMEOUT: String(probeTimeoutSeconds),
        LOG_LEVEL: 'warn',
      },
      logFile: join(dir, `canary-${agent.id}.log`),
    });
  }
  const nodeExporter = { ...agents[0], port: await freePort() };
  nodeExporter.daemon = new Daemon(
    'node exporter',
    'prometheus-node-exporter',
    [
      `--web.listen-address=127.0.0.1:${nodeExporter.port}`,
      // What the canary host alerts and the dashboard read, nothing more (no systemd, no network scans).
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.filesystem',
      '--collector.loadavg',
    ],
    { logFile: join(dir, 'node-exporter.log') }
  );
  const mesh = {
    agents,
    nodeExporter,
    /** The canary scrape job as the runner's HTTP SD would make it, with static targets (same labels). */
    scrapeJob(jobName = 'rally-monitor-canary') {
      const group = (target) => ({
        targets: [`127.0.0.1:${target.port}`],
        labels: { canary_id: target.id, datacenter: target.datacenter, availability_zone: target.az },
      });
      return { job_name: jobName, static_configs: [...agents.map(group), group(nodeExporter)] };
    },
    async stopAgent(id) {
      await agents.find((a) => a.id === id).daemon.stop();
    },
    async stop() {
      await Promise.all([...agents, nodeExporter].map((p) => p.daemon.stop()));
    },
  };
  try {
    for (const target of [...agents, nodeExporter]) {
      const path = target === nodeExporter ? '/metrics' : '/health';
      await waitFor(
        `${target.daemon.name} to answer`,
        async () => {
          if (!target.daemon.alive) throw new Error(`${target.daemon.name} exited: ${target.daemon.tail(5)}`);
          return (await fetch(`http://127.0.0.1:${target.port}${path}`)).ok;
        },
        { timeoutMs: 30_000, intervalMs: 200 }
      );
    }
  } catch (error) {
    await mesh.stop();
    throw error;
  }
  return mesh;
}
