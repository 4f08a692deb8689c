// `npm run bench` (canary part; no cloud): what the canary agent costs, side by side in one run with the plain tools
// doing the same work.
//   1. One real agent (`rally-monitor canary serve`) probing 50 peers on loopback every second: its CPU per probe
//      and per peer, its memory, against an idle agent (no peers) for the memory it costs to have peers at all.
//   2. A plain `curl` loop sending the same probes (POST /echo, one connection each) to the same 50 peers: its CPU
//      per probe.
//   3. The round-trip floor: `ping` on loopback, beside the agent's measured round trip and curl's.
// Bounded: BENCH_CANARY_SECONDS (20) of probing, BENCH_CANARY_CURL_ROUNDS (10) rounds of curl; every process it
// starts is stopped at the end. Traffic stays on 127.0.0.1.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CanaryAgent } from '../../src/canary/agent/agent.js';
import { loadAgentConfig } from '../../src/canary/agent/config.js';
import { CLI, freePort, REPO_ROOT } from '../../test/support/runner-process.js';

const PEERS = Number(process.env.BENCH_CANARY_PEERS ?? 50);
const SECONDS = Number(process.env.BENCH_CANARY_SECONDS ?? 20);
const CURL_ROUNDS = Number(process.env.BENCH_CANARY_CURL_ROUNDS ?? 10);
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** user + system CPU seconds of a process so far (/proc/<pid>/stat, fields 14 and 15, in clock ticks). */
async function cpuSeconds(pid: number, ticks: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** Resident memory now and at its peak (VmRSS, VmHWM), in MiB. */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Probes so far and the sum of their round trips, from an agent's /metrics. */
async function probeCounts(url: string): Promise<{ probes: number; lost: number; rttSum: number; rttCount: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let probes = 0;
  let lost = 0;
  let rttSum = 0;
  let rttCount = 0;
  for (const line of text.split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('canary_probes_total{')) {
      probes += value;
      if (!line.includes('result="ok"')) lost += value;
    } else if (line.startsWith('canary_peer_rtt_seconds_sum{')) rttSum += value;
    else if (line.startsWith('canary_peer_rtt_seconds_count{')) rttCount += value;
  }
  return { probes, lost, rttSum, rttCount };
}

function startAgent(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'canary', 'serve'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`the agent at ${url} did not answer within 30 s`);
    await sleep(200);
  }
}

/** The curl loop: the same probe (POST /echo, a fresh connection) to every peer, CURL_ROUNDS times. */
async function curlLoop(ports: number[]) {
  const script = `
    for round in $(seq ${CURL_ROUNDS}); do
      for port in ${ports.join(' ')}; do
        curl -s -o /dev/null -w '%{time_connect} %{time_total}\\n' -X POST -H 'content-type: application/json' \\
          --data "{\\"id\\":\\"curl-$round-$port\\",\\"payload\\":\\"rally-monitor-canary-probe-0123456789abcdefghijklmnopqrstuvwxyz0\\"}" \\
          "http://127.0.0.1:$port/echo"
      done
    done
    times`;
  const started = performance.now();
  const { stdout } = await run('bash', ['-c', script], { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  const wall = (performance.now() - started) / 1000;
  const lines = stdout.trim().split('\n');
  // `times`: the shell's user and system time, then its children's (the curls).
  const seconds = (text: string) =>
    [...text.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  const cpu = seconds(lines.at(-2)!) + seconds(lines.at(-1)!);
  const timings = lines.slice(0, -2).map((line) => line.split(' ').map(Number) as [number, number]);
  const echo = timings.map(([connect, total]) => total - connect).sort((a, b) => a - b);
  return { probes: timings.length, cpu, wall, echoMedian: echo[Math.floor(echo.length / 2)]! };
}

async function pingFloor(): Promise<{ min: number; avg: number } | string> {
  try {
    const { stdout } = await run('ping', ['-c', '50', '-i', '0.02', '-q', '127.0.0.1'], { timeout: 30_000 });
    const m = /= ([\d.]+)\/([\d.]+)\//.exec(stdout);
    return m ? { min: Number(m[1]) / 1000, avg: Number(m[2]) / 1000 } : `ping said: ${stdout.trim().slice(-200)}`;
  } catch (error) {
    return `ping could not run (${(error as Error).message.split('\n')[0]}); Debian's iputils-ping provides it`;
  }
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(3)} ms`;

async function main() {
  const ticks = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
  const quiet = { log: () => {} };
  // The 50 peers: agents without peers of their own, in this process (they only answer the probes).
  const peers: CanaryAgent[] = [];
  const children: ChildProcess[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < PEERS; i++) {
      const config = loadAgentConfig({ CANARY_ID: `bench-peer-${i}`, AVAILABILITY_ZONE: `az-${i % 3}` });
      const peer = new CanaryAgent({ ...config, listenAddress: '127.0.0.1', port: 0 }, quiet);
      peers.push(peer);
      ports.push(await peer.listen());
    }
    const [port, idlePort] = [await freePort(), await freePort()];
    const agentUrl = `http://127.0.0.1:${port}`;
    const common = { CANARY_LISTEN_ADDRESS: '127.0.0.1', TRAFFIC_INTERVAL: '1', AVAILABILITY_ZONE: 'az-bench' };
    const agent = startAgent({
      ...common,
      CANARY_ID: 'bench-agent',
      CANARY_PORT: String(port),
      PEER_ENDPOINTS: ports.map((p) => `127.0.0.1:${p}`).join(','),
    });
    const idle = startAgent({ ...common, CANARY_ID: 'bench-idle', CANARY_PORT: String(idlePort) });
    children.push(agent, idle);
    await waitUntilServing(agentUrl);
    await waitUntilServing(`http://127.0.0.1:${idlePort}`);
    await sleep(3000); // past start-up and the first rounds

    const cpu0 = await cpuSeconds(agent.pid!, ticks);
    const idleCpu0 = await cpuSeconds(idle.pid!, ticks);
    const counts0 = await probeCounts(agentUrl);
    const wall0 = performance.now();
    await sleep(SECONDS * 1000);
    const wall = (performance.now() - wall0) / 1000;
    const cpu = (await cpuSeconds(agent.pid!, ticks)) - cpu0;
    const idleCpu = (await cpuSeconds(idle.pid!, ticks)) - idleCpu0;
    const counts1 = await probeCounts(agentUrl);
    const mem = await memory(agent.pid!);
    const idleMem = await memory(idle.pid!);
    const probes = counts1.probes - counts0.probes;
    const lost = counts1.lost - counts0.lost;
    const agentRtt = (counts1.rttSum - counts0.rttSum) / (counts1.rttCount - counts0.rttCount);

    const curl = await curlLoop(ports);
    const floor = await pingFloor();

    console.log(`canary agent probing ${PEERS} peers on loopback every 1 s, measured over ${wall.toFixed(1)} s:`);
    console.log(
      `  probes: ${probes} (${(probes / wall / PEERS).toFixed(2)} per peer per second), lost: ${lost}` +
        `; CPU ${cpu.toFixed(2)} s = ${((cpu / wall) * 100).toFixed(1)}% of a core` +
        ` (idle agent: ${((idleCpu / wall) * 100).toFixed(1)}%)`
    );
    console.log(
      `  CPU per probe: ${ms(cpu / probes)} (probe, metrics, log), i.e. ${((cpu / wall / PEERS) * 100).toFixed(3)}% of a core per peer at 1 probe/s`
    );
    console.log(
      `  memory: ${mem.rss.toFixed(1)} MiB resident (peak ${mem.peak.toFixed(1)}); an idle agent: ${idleMem.rss.toFixed(1)} MiB` +
        ` -> ${(((mem.rss - idleMem.rss) * 1024) / PEERS).toFixed(0)} KiB per peer`
    );
    console.log(`plain curl loop, the same probe to the same ${PEERS} peers, ${CURL_ROUNDS} rounds:`);
    console.log(
      `  ${curl.probes} probes in ${curl.wall.toFixed(1)} s; CPU ${curl.cpu.toFixed(2)} s = ${ms(curl.cpu / curl.probes)} per probe` +
        ` -> the agent costs ${(curl.cpu / curl.probes / (cpu / probes)).toFixed(1)}x less CPU per probe`
    );
    console.log('round trip on loopback (the echo, after the connect):');
    console.log(`  agent, mean over the window: ${ms(agentRtt)}; curl, median: ${ms(curl.echoMedian)}`);
    console.log(
      typeof floor === 'string'
        ? `  ping: ${floor}`
        : `  ping (ICMP, the floor): min ${ms(floor.min)}, avg ${ms(floor.avg)} -> the agent's round trip is ${(agentRtt / floor.avg).toFixed(0)}x ping's`
    );
    const benchDir = join(REPO_ROOT, '.bench');
    await mkdir(benchDir, { recursive: true });
    await writeFile(
      join(benchDir, 'canary-mesh.json'),
      JSON.stringify(
        {
          peers: PEERS,
          seconds: wall,
          agent: { probes, lost, cpu, rssMiB: mem.rss, peakMiB: mem.peak, meanRtt: agentRtt },
          idle: { cpu: idleCpu, rssMiB: idleMem.rss },
          curl,
          ping: floor,
        },
        null,
        1
      )
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(peers.map((peer) => peer.stop()));
  }
}

main().catch((error: Error) => {
  console.error(`canary benchmark failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
