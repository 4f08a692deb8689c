// The canary agent on loopback: real agents probing each other, their endpoints and their metrics; the command
// line refusing bad configuration with one line.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CanaryAgent } from '../../src/canary/agent/agent.js';
import { loadAgentConfig } from '../../src/canary/agent/config.js';
import { RUNNER_DIR } from '../helpers.js';

const LOCAL = { hostname: 'unit', localAddresses: ['127.0.0.1'] };
const agents: CanaryAgent[] = [];
const servers: Server[] = [];
after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function agent(env: Record<string, string>): Promise<{ agent: CanaryAgent; url: string; port: number }> {
  const config = loadAgentConfig(
    { CANARY_LISTEN_ADDRESS: '127.0.0.1', TRAFFIC_INTERVAL: '0.1', CANARY_PROBE_TIMEOUT: '0.3', ...env },
    LOCAL
  );
  const started = new CanaryAgent({ ...config, port: Number(env.CANARY_PORT ?? 0) }, { log: () => {} });
  agents.push(started);
  const port = await started.listen();
  return { agent: started, url: `http://127.0.0.1:${port}`, port };
}

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The value of one series of a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    const have = Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('canary agent', () => {
  it('probes its peers, learns who they are, and exports the contract metrics with both ends labelled', async () => {
    const b = await agent({ CANARY_ID: 'canary-b', DATACENTER: 'dc1', AVAILABILITY_ZONE: 'az-2' });
    const a = await agent({
      CANARY_ID: 'canary-a',
      DATACENTER: 'dc1',
      AVAILABILITY_ZONE: 'az-1',
      PEER_ENDPOINTS: `127.0.0.1:${b.port}`,
    });
    a.agent.start();
    const labels = { src_datacenter: 'dc1', src_az: 'az-1', dst_datacenter: 'dc1', dst_az: 'az-2', peer: 'canary-b' };
    const metrics = await until('three ok probes of canary-b', async () => {
      const { text } = await get(`${a.url}/metrics`);
      return (sample(text, 'canary_probes_total', { ...labels, result: 'ok' }) ?? 0) >= 3 && text;
    });
    assert.equal(sample(metrics, 'canary_peer_reachable', labels), 1);
    assert.equal(sample(metrics, 'canary_probes_total', { ...labels, result: 'timeout' }), 0, 'every result from 0');
    assert.ok(sample(metrics, 'canary_peer_rtt_seconds_bucket', { ...labels, le: '5' })! >= 3);
    assert.ok(
      sample(metrics, 'canary_peer_rtt_seconds_bucket', { ...labels, le: '0.0001' }) !== undefined,
      'a 0.1 ms bucket'
    );
    assert.match(metrics, /# TYPE canary_peer_rtt_seconds histogram/);
    // Before its first answer the peer was named by its endpoint; that series is gone once its id is known.
    assert.equal(sample(metrics, 'canary_peer_reachable', { peer: `127.0.0.1:${b.port}` }), undefined);

    const health = JSON.parse((await get(`${a.url}/health`)).text);
    assert.equal(health.status, 'ok');
    assert.equal(health.id, 'canary-a');
    const detailed = JSON.parse((await get(`${a.url}/health/detailed`)).text);
    assert.ok(detailed.uptimeSeconds >= 0);
    assert.equal(detailed.peers.length, 1);
    assert.equal(detailed.peers[0].peer, 'canary-b');
    assert.equal(detailed.peers[0].endpoint, `127.0.0.1:${b.port}`);
    assert.equal(detailed.peers[0].availabilityZone, 'az-2');
    assert.equal(detailed.peers[0].reachable, true);
    assert.equal(detailed.peers[0].lastProbe.result, 'ok');
    assert.ok(detailed.peers[0].lastProbe.rttSeconds > 0);

    const connectivity = JSON.parse((await get(`${a.url}/connectivity`)).text);
    assert.deepEqual(
      connectivity.peers.map((p: { peer: string; result: string }) => [p.peer, p.result]),
      [['canary-b', 'ok']]
    );
    assert.equal(connectivity.reachable, 1);
    assert.equal(connectivity.total, 1);

    // The peer stops: refused, and unreachable after three lost probes in a row.
    await b.agent.stop();
    const after = await until('canary-b unreachable', async () => {
      const { text } = await get(`${a.url}/metrics`);
      return sample(text, 'canary_peer_reachable', labels) === 0 && text;
    });
    // Probes in flight while it closed were reset; the ones after it, refused.
    const lost = (result: string) => sample(after, 'canary_probes_total', { ...labels, result })!;
    assert.ok(lost('refused') >= 1 && lost('refused') + lost('reset') >= 3, after);
    const down = JSON.parse((await get(`${a.url}/connectivity`)).text);
    assert.equal(down.peers[0].result, 'refused');
    assert.equal(down.reachable, 0);
  });

  it('finds its peers through the runner discovery route, leaving itself out', async () => {
    const b = await agent({ CANARY_ID: 'canary-d2', AVAILABILITY_ZONE: 'az-2' });
    let selfPort = 0;
    const runner = createServer((request, response) => {
      const peers = [
        { id: 'canary-d1', datacenter: 'default', availabilityZone: 'az-1', url: `http://127.0.0.1:${selfPort}` },
        { id: 'canary-d2', datacenter: 'default', availabilityZone: 'az-2', url: `http://127.0.0.1:${b.port}` },
      ];
      assert.equal(request.headers.authorization, 'Bearer discovery-token-1234567');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ peers }));
    });
    servers.push(runner);
    await new Promise<void>((resolve) => runner.listen(0, '127.0.0.1', resolve));
    const a = await agent({
      CANARY_ID: 'canary-d1',
      AVAILABILITY_ZONE: 'az-1',
      CANARY_DISCOVERY_URL: `http://127.0.0.1:${(runner.address() as { port: number }).port}/api/canary/peers`,
      CANARY_DISCOVERY_TOKEN: 'discovery-token-1234567',
    });
    selfPort = a.port;
    a.agent.start();
    const metrics = await until('a probe of canary-d2', async () => {
      const { text } = await get(`${a.url}/metrics`);
      return (
        (sample(text, 'canary_probes_total', { peer: 'canary-d2', result: 'ok', dst_az: 'az-2' }) ?? 0) >= 1 && text
      );
    });
    assert.equal(sample(metrics, 'canary_peer_reachable', { peer: 'canary-d1' }), undefined, 'never itself');
    const detailed = JSON.parse((await get(`${a.url}/health/detailed`)).text);
    assert.deepEqual(
      detailed.peers.map((p: { peer: string }) => p.peer),
      ['canary-d2']
    );
    assert.equal(detailed.discovery.error, null);
  });

  it('drops a peer that turns out to be itself (its own address under another name), saying so once', async () => {
    let selfUrl = '';
    const runner = createServer((_request, response) => {
      const peers = [{ id: 'canary-alias', datacenter: 'default', availabilityZone: 'az-1', url: selfUrl }];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ peers }));
    });
    servers.push(runner);
    await new Promise<void>((resolve) => runner.listen(0, '127.0.0.1', resolve));
    const lines: string[] = [];
    const config = loadAgentConfig(
      {
        CANARY_ID: 'canary-self',
        CANARY_LISTEN_ADDRESS: '127.0.0.1',
        TRAFFIC_INTERVAL: '0.05',
        CANARY_DISCOVERY_URL: `http://127.0.0.1:${(runner.address() as { port: number }).port}/api/canary/peers`,
        CANARY_DISCOVERY_INTERVAL: '0.1',
      },
      LOCAL
    );
    const self = new CanaryAgent({ ...config, port: 0 }, { log: (_level, message) => lines.push(message) });
    agents.push(self);
    const port = await self.listen();
    selfUrl = `http://127.0.0.1:${port}`;
    self.start();
    await until('the alias to be dropped', async () => lines.some((l) => /answers as this canary itself/.test(l)));
    await sleep(500); // more discovery polls and probe rounds
    const detailed = JSON.parse((await get(`${selfUrl}/health/detailed`)).text);
    assert.deepEqual(detailed.peers, []);
    assert.equal(lines.filter((l) => /answers as this canary itself/.test(l)).length, 1);
    const { text } = await get(`${selfUrl}/metrics`);
    assert.equal(sample(text, 'canary_probes_total', { peer: 'canary-alias' }), undefined);
  });

  it('answers unknown routes 404 and non-probes 400', async () => {
    const a = await agent({ CANARY_ID: 'canary-x' });
    assert.equal((await get(`${a.url}/nope`)).status, 404);
    const bad = await fetch(`${a.url}/echo`, { method: 'POST', body: 'x' });
    assert.equal(bad.status, 400);
  });
});

describe('rally-monitor canary serve', () => {
  const cli = join(RUNNER_DIR, 'dist', 'src', 'cli.js');
  const run = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [cli, 'canary', 'serve'], { env: { PATH: process.env.PATH, ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr })
    );

  for (const [what, env, pattern] of [
    ['an unparseable peer', { PEER_ENDPOINTS: 'http://10.0.0.5:8080,bogus' }, /PEER_ENDPOINTS: "bogus" is not a peer/],
    ['its own address among its peers', { CANARY_PORT: '18080', PEER_ENDPOINTS: '127.0.0.1:18080' }, /own address/],
    ['an interval of 0', { TRAFFIC_INTERVAL: '0' }, /TRAFFIC_INTERVAL/],
  ] as const) {
    it(`stops with one line and a non-zero exit on ${what}`, async () => {
      const { code, stderr } = await run(env);
      assert.notEqual(code, 0);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, /^rally-monitor canary: configuration error: /);
      assert.match(stderr, pattern);
    });
  }
});
