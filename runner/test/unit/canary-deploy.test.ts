// canary deploy|status|destroy against a loopback stand-in of Nova, Neutron and Glance (test/support/openstack-standin.ts,
// which follows the services' own answers). No traffic goes anywhere but 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { readCanaries, writeCanaries } from '../../src/canary/registry.js';
import { CANARY_NAME_PREFIX, canaryName } from '../../src/canary/deploy/names.js';
import { CanaryDeployer, CanaryBusyError } from '../../src/canary/deploy/deploy.js';
import { canarySettings, type CanarySettings } from '../../src/canary/deploy/settings.js';
import { loadConfig } from '../../src/config.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { FAKE_CREDENTIALS, tempDir } from '../helpers.js';
import { OpenStackStandin, STANDIN_FLAVOR, STANDIN_IMAGE, STANDIN_NETWORK } from '../support/openstack-standin.js';

const SETTINGS: CanarySettings = {
  image: STANDIN_IMAGE.name,
  flavor: STANDIN_FLAVOR.name,
  network: STANDIN_NETWORK.name,
  securityGroup: 'rally-monitor-canary',
  port: 8080,
  datacenter: 'dc-west',
  discoveryUrl: 'http://runner.example:9101/api/canary/peers',
  agentImage: 'registry.example/rally-monitor-canary:0.1.0',
  scrapeCidr: null,
  perAz: 1,
  bootTimeoutSeconds: 5,
};

function decodeUserData(encoded: string | null): Record<string, unknown> {
  assert.ok(encoded, 'the server has user data');
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  assert.ok(text.startsWith('#cloud-config\n'), 'user data is a cloud-config');
  return parseYaml(text) as Record<string, unknown>;
}

function envFileOf(cloudConfig: Record<string, unknown>): Record<string, string> {
  const files = cloudConfig.write_files as Array<{ path: string; content: string }>;
  const env = files.find((f) => f.path === '/etc/rally-monitor/canary.env');
  assert.ok(env, 'the agent environment file is written');
  return Object.fromEntries(
    env.content
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  );
}

describe('canary deploy, status and destroy (stand-in cloud)', () => {
  const standin = new OpenStackStandin();
  let dataDir: string;
  let session: OpenStackSession;
  const deployer = (settings: Partial<CanarySettings> = {}) =>
    new CanaryDeployer({ dataDir, session, settings: { ...SETTINGS, ...settings }, pollMs: 5 });

  before(() => standin.start());
  after(() => standin.stop());
  beforeEach(async () => {
    dataDir = await tempDir();
    standin.servers.clear();
    standin.groups.clear();
    standin.calls.length = 0;
    standin.bootStatus = 'ACTIVE';
    standin.misplace.clear();
    session = new OpenStackSession(FAKE_CREDENTIALS, { authenticate: standin.token, backoffMs: 1, timeoutMs: 2000 });
  });
  afterEach(() => session.close());

  it('boots one canary per available zone, in the canary group, with user data that starts the agent', async () => {
    const outcome = await deployer().deploy();
    const servers = [...standin.servers.values()];
    assert.deepEqual(servers.map((s) => s.availabilityZone).sort(), ['az-1', 'az-2', 'az-3'], 'az-down is left out');
    assert.deepEqual(outcome.zones, ['az-1', 'az-2', 'az-3']);
    assert.deepEqual(
      outcome.canaries.map((c) => c.action),
      ['created', 'created', 'created']
    );
    const [group] = [...standin.groups.values()];
    assert.ok(group, 'a security group was created');
    assert.equal(group.name, 'rally-monitor-canary');
    const ingress = group.security_group_rules.filter((r) => r.direction === 'ingress');
    assert.ok(ingress.length >= 1);
    for (const rule of ingress) {
      assert.equal(rule.remote_group_id, group.id, 'only the group itself may reach the agent');
      assert.equal(rule.remote_ip_prefix, null);
      assert.equal(rule.protocol, 'tcp');
      assert.deepEqual([rule.port_range_min, rule.port_range_max], [8080, 8080]);
    }
    for (const server of servers) {
      assert.ok(server.name.startsWith(CANARY_NAME_PREFIX), server.name);
      assert.deepEqual(server.securityGroups, [group.id]);
      assert.equal(server.imageRef, STANDIN_IMAGE.id, 'the image name was resolved through Glance');
      assert.equal(server.flavorRef, STANDIN_FLAVOR.id, 'the flavor name was resolved through Nova');
      assert.deepEqual(server.networks, [{ uuid: STANDIN_NETWORK.id }]);
      const cloudConfig = decodeUserData(server.userData);
      const env = envFileOf(cloudConfig);
      assert.deepEqual(env, {
        CANARY_ID: server.name,
        DATACENTER: 'dc-west',
        AVAILABILITY_ZONE: server.availabilityZone,
        CANARY_PORT: '8080',
        CANARY_DISCOVERY_URL: 'http://runner.example:9101/api/canary/peers',
      });
      assert.ok((cloudConfig.packages as string[]).includes('prometheus-node-exporter'));
      const unit = (cloudConfig.write_files as Array<{ path: string; content: string }>).find((f) =>
        f.path.endsWith('rally-monitor-canary.service')
      );
      assert.match(unit!.content, /registry\.example\/rally-monitor-canary:0\.1\.0/);
      assert.match(JSON.stringify(cloudConfig.runcmd), /rally-monitor-canary\.service/);
      assert.match(JSON.stringify(cloudConfig.runcmd), /prometheus-node-exporter/);
    }
    const registry = await readCanaries(dataDir);
    assert.deepEqual(registry.map((c) => c.availabilityZone).sort(), ['az-1', 'az-2', 'az-3']);
    for (const canary of registry) {
      const server = standin.servers.get(canary.serverId!)!;
      assert.equal(canary.id, server.name);
      assert.equal(canary.datacenter, 'dc-west');
      assert.equal(canary.port, 8080);
      assert.equal(canary.address, server.addresses[STANDIN_NETWORK.name]![0]!.addr);
    }
  });

  it('a second deploy changes nothing; a third replaces only the canary in ERROR or gone', async () => {
    await deployer().deploy();
    const before = new Map([...standin.servers.values()].map((s) => [s.name, s.id]));
    standin.calls.length = 0;
    const second = await deployer().deploy();
    assert.deepEqual(
      second.canaries.map((c) => c.action),
      ['kept', 'kept', 'kept']
    );
    assert.ok(!standin.calls.some((c) => c.startsWith('POST') || c.startsWith('DELETE')), standin.calls.join('\n'));
    assert.equal(standin.groups.size, 1);

    const [broken, gone] = [...standin.servers.values()].filter((s) => s.availabilityZone !== 'az-1');
    broken!.status = 'ERROR';
    standin.servers.delete(gone!.id);
    const third = await deployer().deploy();
    const actions = Object.fromEntries(third.canaries.map((c) => [c.availabilityZone, c.action]));
    assert.deepEqual(actions, {
      'az-1': 'kept',
      [broken!.availabilityZone]: 'replaced',
      [gone!.availabilityZone]: 'created',
    });
    const after = new Map([...standin.servers.values()].map((s) => [s.name, s.id]));
    assert.equal(after.size, 3, 'the ERROR server is deleted, not left beside its replacement');
    assert.equal(after.get(canaryName('az-1', 1)), before.get(canaryName('az-1', 1)));
    assert.notEqual(after.get(broken!.name), broken!.id);
    const registry = await readCanaries(dataDir);
    assert.deepEqual(registry.map((c) => c.serverId).sort(), [...after.values()].sort());
  });

  it('--per-az N boots N per zone under distinct, stable names', async () => {
    const outcome = await deployer({ perAz: 2 }).deploy();
    assert.equal(standin.servers.size, 6);
    assert.deepEqual(
      outcome.canaries.map((c) => c.name),
      ['az-1', 'az-2', 'az-3'].flatMap((az) => [canaryName(az, 1), canaryName(az, 2)])
    );
  });

  it('puts back a rule deleted by hand, and admits the scrape CIDR to the agent and node exporter ports', async () => {
    await deployer().deploy();
    const [group] = [...standin.groups.values()];
    group!.security_group_rules = group!.security_group_rules.filter(
      (r) => r.ethertype !== 'IPv6' || r.direction !== 'ingress'
    );
    await deployer({ scrapeCidr: '192.0.2.0/24' }).deploy();
    const ingress = group!.security_group_rules.filter((r) => r.direction === 'ingress');
    assert.deepEqual(
      ingress.map((r) => [r.ethertype, r.port_range_min, r.remote_group_id === group!.id, r.remote_ip_prefix]).sort(),
      [
        ['IPv4', 8080, false, '192.0.2.0/24'],
        ['IPv4', 8080, true, null],
        ['IPv4', 9100, false, '192.0.2.0/24'],
        ['IPv6', 8080, true, null],
      ]
    );
  });

  it('reports canaries beyond what was asked for as surplus and leaves them running', async () => {
    await deployer({ perAz: 2 }).deploy();
    const outcome = await deployer({ perAz: 1 }).deploy();
    assert.deepEqual(
      outcome.surplus,
      ['az-1', 'az-2', 'az-3'].map((az) => canaryName(az, 2))
    );
    assert.equal(standin.servers.size, 6);
    await deployer().destroy();
    assert.equal(standin.servers.size, 0, 'destroy removes the surplus too');
  });

  it('never touches servers that only look like canaries (no canary metadata, or another prefix)', async () => {
    const impostor = standin.addServer({ name: canaryName('az-1', 1), status: 'ERROR' });
    const near = standin.addServer({ name: `x${canaryName('az-2', 1)}` });
    await deployer().deploy();
    await deployer().destroy();
    assert.ok(standin.servers.has(impostor.id), 'a look-alike without our metadata stays');
    assert.ok(standin.servers.has(near.id));
    assert.equal(standin.servers.size, 2);
  });

  it('status reports each server state and whether its agent answers /health', async () => {
    const agent: Server = createServer((request, response) => {
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      response.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    const agentPort = (agent.address() as AddressInfo).port;
    try {
      await deployer().deploy();
      const [first, second] = [...standin.servers.values()];
      first!.status = 'ERROR';
      standin.servers.delete(second!.id);
      // Stand-in addresses (10.0.0.x) lead nowhere: every probe goes to the agent on loopback instead, but one.
      const report = await deployer().status({
        probeAddress: (canary) =>
          canary.name === canaryName('az-3', 1)
            ? { host: '127.0.0.1', port: 1 }
            : { host: '127.0.0.1', port: agentPort },
      });
      const byName = Object.fromEntries(report.canaries.map((c) => [c.name, c]));
      assert.equal(byName[first!.name]!.serverStatus, 'ERROR');
      assert.equal(byName[second!.name]!.serverStatus, 'gone');
      const third = [...standin.servers.values()].find((s) => s !== first)!;
      assert.equal(byName[third.name]!.serverStatus, 'ACTIVE');
      assert.equal(byName[first!.name]!.agent.answers, first!.name !== canaryName('az-3', 1));
      assert.equal(byName[canaryName('az-3', 1)]!.agent.answers, false);
      assert.ok(byName[canaryName('az-3', 1)]!.agent.error);
    } finally {
      await new Promise<void>((resolve) => agent.close(() => resolve()));
    }
  });

  it('status without an address says so and sends nothing', async () => {
    await deployer({ network: 'none' }).deploy();
    const report = await deployer().status();
    assert.equal(report.canaries.length, 3);
    for (const canary of report.canaries) {
      assert.equal(canary.address, null);
      assert.equal(canary.agent.answers, false);
      assert.match(canary.agent.error ?? '', /no address/);
    }
  });

  it('destroy deletes the servers and the group and empties the registry of what deploy made', async () => {
    await deployer().deploy();
    const [hand] = await readCanaries(dataDir);
    await writeCanaries(dataDir, [
      ...(await readCanaries(dataDir)),
      { ...hand!, id: 'by-hand', serverId: null, name: 'by-hand', address: '127.0.0.1' },
    ]);
    const outcome = await deployer().destroy();
    assert.equal(outcome.deleted.length, 3);
    assert.equal(standin.servers.size, 0);
    assert.equal(standin.groups.size, 0, 'the group is deleted once its servers are gone');
    assert.equal(outcome.securityGroup?.deleted, true);
    assert.deepEqual(
      (await readCanaries(dataDir)).map((c) => c.id),
      ['by-hand'],
      'an agent registered by hand is not deploy’s to remove'
    );
    const again = await deployer().destroy();
    assert.deepEqual(again.deleted, []);
    assert.equal(again.securityGroup, null);
  });

  it('a server that goes to ERROR at boot is reported as failed, not retried in a loop', async () => {
    standin.bootStatus = 'ERROR';
    const outcome = await deployer().deploy();
    assert.equal(outcome.failed.length, 3);
    assert.match(outcome.failed[0]!.reason, /ERROR/);
    assert.equal(standin.calls.filter((c) => c === 'POST /compute/v2.1/servers').length, 3);
    assert.deepEqual(await readCanaries(dataDir), []);
  });

  it('a canary Nova placed in another zone than asked is deleted and reported, never labelled wrong', async () => {
    standin.misplace.set('az-2', 'az-3');
    const outcome = await deployer().deploy();
    assert.deepEqual(
      outcome.canaries.map((c) => c.availabilityZone),
      ['az-1', 'az-3']
    );
    assert.equal(outcome.failed.length, 1);
    assert.equal(outcome.failed[0]!.availabilityZone, 'az-2');
    assert.match(outcome.failed[0]!.reason, /placed it in availability zone az-3/);
    assert.deepEqual([...standin.servers.values()].map((s) => s.name).sort(), [
      canaryName('az-1', 1),
      canaryName('az-3', 1),
    ]);
    assert.deepEqual((await readCanaries(dataDir)).map((c) => c.availabilityZone).sort(), ['az-1', 'az-3']);
    // One that was misplaced before (a host moved to another zone) is replaced like a broken one.
    standin.misplace.clear();
    const moved = standin.servers.get((await readCanaries(dataDir))[0]!.serverId!)!;
    moved.availabilityZone = 'az-2';
    const again = await deployer().deploy();
    assert.equal(again.canaries.find((c) => c.name === moved.name)?.action, 'replaced');
  });

  it('one deploy or destroy at a time', async () => {
    const one = deployer();
    const first = one.deploy();
    await assert.rejects(one.destroy(), CanaryBusyError);
    await first;
  });

  it('an unknown image is a clear error before anything is created', async () => {
    await assert.rejects(deployer({ image: 'no-such-image' }).deploy(), /image "no-such-image" not found/);
    assert.equal(standin.servers.size, 0);
    assert.equal(standin.groups.size, 0);
  });
});

describe('canary settings from the environment', () => {
  const base = {
    OS_AUTH_URL: 'http://127.0.0.1:9/v3',
    OS_USERNAME: 'u',
    OS_PASSWORD: 'p',
    OS_PROJECT_NAME: 'p',
    RALLY_NOVA_IMAGE: 'cirros',
    RALLY_NOVA_FLAVOR: 'm1.tiny',
  };
  const canaryEnv = {
    RALLY_MONITOR_CANARY_DISCOVERY_URL: 'http://10.0.0.1:9101/api/canary/peers',
    RALLY_MONITOR_CANARY_AGENT_IMAGE: 'registry.example/canary:1',
  };

  it("reuses the runner's image and flavor, and defaults the rest", () => {
    const env = { ...base, ...canaryEnv };
    const settings = canarySettings(env, loadConfig(env));
    assert.equal(settings.image, 'cirros');
    assert.equal(settings.flavor, 'm1.tiny');
    assert.equal(settings.network, 'auto');
    assert.equal(settings.port, 8080);
    assert.equal(settings.perAz, 1);
    assert.equal(settings.securityGroup, 'rally-monitor-canary');
    assert.equal(settings.datacenter, 'RegionOne');
  });

  it('status and destroy need none of what only goes into new servers', () => {
    const settings = canarySettings(base, loadConfig(base), 'inspect');
    assert.equal(settings.securityGroup, 'rally-monitor-canary');
    assert.equal(settings.port, 8080);
    assert.throws(
      () => canarySettings({ ...base, RALLY_MONITOR_CANARY_PORT: 'x' }, loadConfig(base), 'inspect'),
      /PORT/
    );
  });

  it('names the variable that is missing or wrong', () => {
    const config = loadConfig(base);
    assert.throws(() => canarySettings(base, config), /RALLY_MONITOR_CANARY_DISCOVERY_URL/);
    for (const [variable, value] of [
      ['RALLY_MONITOR_CANARY_PORT', '0'],
      ['RALLY_MONITOR_CANARY_DISCOVERY_URL', 'ftp://x/'],
      ['RALLY_MONITOR_CANARY_AGENT_IMAGE', 'bad image\nname'],
      ['RALLY_MONITOR_CANARY_SCRAPE_CIDR', '10.0.0.0/99'],
      ['RALLY_MONITOR_CANARY_DATACENTER', 'dc\nnewline'],
    ] as const) {
      assert.throws(() => canarySettings({ ...base, ...canaryEnv, [variable]: value }, config), new RegExp(variable));
    }
  });
});
