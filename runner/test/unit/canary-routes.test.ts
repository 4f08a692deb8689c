// The runner's canary read routes: the registry as a peer list for the agents (GET /api/canary/peers) and as a
// Prometheus HTTP service discovery list (GET /api/canary/targets), guarded like the other reads.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { registryPath, writeCanaries, type Canary } from '../../src/canary/registry.js';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';

const canary = (over: Partial<Canary>): Canary => ({
  id: 'canary-az1-0',
  serverId: null,
  name: 'rmcanary-az1-0',
  datacenter: 'dc1',
  availabilityZone: 'az-1',
  address: '10.0.0.5',
  port: 8080,
  createdAt: '2026-11-29T20:00:00Z',
  ...over,
});

describe('canary routes of the runner', () => {
  it('serve the registry as peers and as Prometheus HTTP SD targets; a canary without an address is left out', async () => {
    const { app, dataDir } = await monitorFixture();
    assert.deepEqual((await app.inject({ url: '/api/canary/peers' })).json(), { peers: [] });
    assert.deepEqual((await app.inject({ url: '/api/canary/targets' })).json(), []);
    await writeCanaries(dataDir, [
      canary({}),
      canary({ id: 'canary-az2-0', availabilityZone: 'az-2', address: 'fd00::6', port: 9000 }),
      canary({ id: 'canary-az3-0', availabilityZone: 'az-3', address: null }),
    ]);
    const peers = await app.inject({ url: '/api/canary/peers' });
    assert.equal(peers.statusCode, 200);
    assert.deepEqual(peers.json(), {
      peers: [
        { id: 'canary-az1-0', datacenter: 'dc1', availabilityZone: 'az-1', url: 'http://10.0.0.5:8080' },
        { id: 'canary-az2-0', datacenter: 'dc1', availabilityZone: 'az-2', url: 'http://[fd00::6]:9000' },
      ],
    });
    const targets = await app.inject({ url: '/api/canary/targets' });
    assert.equal(targets.statusCode, 200);
    assert.match(String(targets.headers['content-type']), /^application\/json/);
    assert.deepEqual(targets.json(), [
      {
        targets: ['10.0.0.5:8080'],
        labels: { canary_id: 'canary-az1-0', datacenter: 'dc1', availability_zone: 'az-1' },
      },
      {
        targets: ['[fd00::6]:9000'],
        labels: { canary_id: 'canary-az2-0', datacenter: 'dc1', availability_zone: 'az-2' },
      },
    ]);
  });

  it('answer 500 naming the file when the registry is not one (Prometheus then keeps its last targets)', async () => {
    const { app, dataDir } = await monitorFixture();
    await mkdir(dirname(registryPath(dataDir)), { recursive: true });
    await writeFile(registryPath(dataDir), '{"version": 1, "canaries": [{"id": ""}]}');
    for (const url of ['/api/canary/peers', '/api/canary/targets']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 500, url);
      assert.equal(response.json().code, 'registry');
      assert.match(response.json().error, /canaries\.json is not a canary registry/);
    }
  });

  it('are reads: behind the token when reads are protected', async () => {
    const { app } = await monitorFixture({ RALLY_MONITOR_PROTECT_READS: 'true' });
    for (const url of ['/api/canary/peers', '/api/canary/targets']) {
      assert.equal((await app.inject({ url })).statusCode, 401, url);
      const ok = await app.inject({ url, headers: { authorization: `Bearer ${API_TOKEN}` } });
      assert.equal(ok.statusCode, 200, url);
    }
  });
});
