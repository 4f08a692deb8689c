// `canary deploy|status|destroy` against the real local cloud, whose Nova has three availability zones (zone-a,
// zone-b, zone-c: test/cloud/services/nova.sh). Fake-driver servers have no address that leads anywhere, so the
// canaries boot port-less (RALLY_MONITOR_CANARY_NETWORK=none) and `status` is pointed at an agent stand-in on
// 127.0.0.1: no traffic leaves loopback. Every wait is bounded by the boot timeout.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { CanaryDeployer, GROUP_DESCRIPTION } from '../../src/canary/deploy/deploy.js';
import { CANARY_NAME_PREFIX, canaryName } from '../../src/canary/deploy/names.js';
import { canarySettings, type CanarySettings } from '../../src/canary/deploy/settings.js';
import { readCanaries } from '../../src/canary/registry.js';
import { kindOf } from '../../src/cleanup/kinds/index.js';
import { scanCloud } from '../../src/cleanup/scan.js';
import { loadConfig, type Config } from '../../src/config.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { tempDir } from '../helpers.js';
import { CLI, cloudEnv, testCloud, type TestCloud } from '../support/runner-process.js';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];
// user_data (2.3) and the AZ of a server in its detail, as an admin sees them.
const ADMIN_VIEW = { 'x-openstack-nova-api-version': '2.3', 'openstack-api-version': 'compute 2.3' };

interface AdminServer {
  id: string;
  name: string;
  status: string;
  'OS-EXT-AZ:availability_zone': string;
  'OS-EXT-SRV-ATTR:user_data': string | null;
  metadata: Record<string, string>;
}

describe('canary deploy against the local cloud', () => {
  let cloud: TestCloud;
  let config: Config;
  let env: Record<string, string>;
  let settings: CanarySettings;
  let session: OpenStackSession;
  let agent: Server;
  let agentPort: number;
  const deployer = () => new CanaryDeployer({ dataDir: config.dataDir, session, settings, pollMs: 500 });

  const nova = async () => (await session.endpoint('nova'))!;
  const neutron = async () => (await session.endpoint('neutron'))!;
  const canaryServers = async (): Promise<AdminServer[]> => {
    const { body } = await session.request(
      `${await nova()}/servers/detail?name=${encodeURIComponent(`^${CANARY_NAME_PREFIX}`)}`,
      { headers: ADMIN_VIEW }
    );
    return (body as { servers: AdminServer[] }).servers.filter((s) => s.name.startsWith(CANARY_NAME_PREFIX));
  };
  const groupsNamed = async (name: string) => {
    const { body } = await session.request(`${await neutron()}/v2.0/security-groups?name=${encodeURIComponent(name)}`);
    return (body as { security_groups: Array<{ id: string; description: string; security_group_rules: any[] }> })
      .security_groups;
  };

  before(async () => {
    cloud = testCloud();
    const dataDir = await tempDir('rally-monitor-canary-it-');
    env = {
      ...cloudEnv(cloud),
      RALLY_MONITOR_DATA_DIR: dataDir,
      RALLY_MONITOR_CANARY_IMAGE: cloud.image,
      RALLY_MONITOR_CANARY_FLAVOR: cloud.flavor,
      RALLY_MONITOR_CANARY_NETWORK: 'none',
      // The agents would fetch their peers here; no agent runs on the fake servers.
      RALLY_MONITOR_CANARY_DISCOVERY_URL: 'http://127.0.0.1:9101/api/canary/peers',
      RALLY_MONITOR_CANARY_AGENT_IMAGE: 'rally-monitor-canary:integration',
      RALLY_MONITOR_CANARY_SECURITY_GROUP: `rally-monitor-canary-it-${randomBytes(3).toString('hex')}`,
      RALLY_MONITOR_CANARY_DATACENTER: 'dc-local',
      RALLY_MONITOR_CANARY_BOOT_TIMEOUT: '120',
    };
    config = loadConfig(env);
    settings = canarySettings(env, config);
    session = new OpenStackSession(config.openstack);
    // Canaries a crashed earlier run left would be "kept" below: start from none.
    await deployer().destroy();
    agent = createServer((request, response) => {
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      response.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    agentPort = (agent.address() as AddressInfo).port;
  });

  after(async () => {
    // Whatever happened above, the cloud is left without canaries or their group.
    await deployer()
      .destroy()
      .catch(() => undefined);
    for (const group of await groupsNamed(settings.securityGroup).catch(() => [])) {
      await session.request(`${await neutron()}/v2.0/security-groups/${group.id}`, {
        method: 'DELETE',
        accept: () => true,
      });
    }
    await session.close();
    await new Promise<void>((resolve) => agent.close(() => resolve()));
  });

  let firstIds: Map<string, string>;

  it('boots one server per availability zone, in a group that admits the agent port only from itself', async () => {
    const outcome = await deployer().deploy();
    assert.deepEqual(outcome.failed, []);
    assert.deepEqual(outcome.zones, ZONES);
    assert.deepEqual(
      outcome.canaries.map((c) => [c.availabilityZone, c.action]),
      ZONES.map((zone) => [zone, 'created'])
    );
    assert.equal(outcome.securityGroup.created, true);

    const servers = await canaryServers();
    assert.deepEqual(servers.map((s) => s.name).sort(), ZONES.map((zone) => canaryName(zone, 1)).sort());
    for (const server of servers) {
      assert.equal(server.status, 'ACTIVE', server.name);
      const zone = server['OS-EXT-AZ:availability_zone'];
      assert.equal(server.name, canaryName(zone, 1), 'Nova scheduled it into the zone it was asked for');
      const text = Buffer.from(server['OS-EXT-SRV-ATTR:user_data']!, 'base64').toString('utf8');
      assert.ok(text.startsWith('#cloud-config\n'));
      const cloudConfig = parseYaml(text) as {
        write_files: Array<{ path: string; content: string }>;
        packages: string[];
      };
      const envFile = cloudConfig.write_files.find((f) => f.path === '/etc/rally-monitor/canary.env')!.content;
      assert.equal(
        envFile,
        `CANARY_ID=${server.name}\nDATACENTER=dc-local\nAVAILABILITY_ZONE=${zone}\nCANARY_PORT=8080\n` +
          'CANARY_DISCOVERY_URL=http://127.0.0.1:9101/api/canary/peers\n'
      );
      assert.ok(cloudConfig.packages.includes('prometheus-node-exporter'));
    }

    const groups = await groupsNamed(settings.securityGroup);
    assert.equal(groups.length, 1);
    const group = groups[0]!;
    assert.equal(group.id, outcome.securityGroup.id);
    assert.equal(group.description, GROUP_DESCRIPTION);
    const ingress = group.security_group_rules.filter((r) => r.direction === 'ingress');
    assert.deepEqual(ingress.map((r) => r.ethertype).sort(), ['IPv4', 'IPv6']);
    for (const rule of ingress) {
      assert.equal(rule.remote_group_id, group.id);
      assert.equal(rule.remote_ip_prefix, null);
      assert.equal(rule.protocol, 'tcp');
      assert.equal(rule.port_range_min, 8080);
      assert.equal(rule.port_range_max, 8080);
    }
    // A port-less server keeps no trace of its group that can be read back: Nova's API reads the groups from the
    // ports (views/servers.py), and neither security_group_instance_association nor the persisted RequestSpec
    // holds it (both read back empty on the local cloud). That the boot request names the group: the unit tests.

    const registry = await readCanaries(config.dataDir);
    assert.deepEqual(
      registry.map((c) => [c.id, c.availabilityZone, c.datacenter, c.serverId]).sort(),
      servers.map((s) => [s.name, s['OS-EXT-AZ:availability_zone'], 'dc-local', s.id]).sort()
    );
    firstIds = new Map(servers.map((s) => [s.name, s.id]));
  });

  it('a second deploy changes nothing', async () => {
    const outcome = await deployer().deploy();
    assert.deepEqual(
      outcome.canaries.map((c) => c.action),
      ['kept', 'kept', 'kept']
    );
    assert.equal(outcome.securityGroup.created, false);
    const servers = await canaryServers();
    assert.deepEqual(new Map(servers.map((s) => [s.name, s.id])), firstIds);
  });

  it('a third deploy replaces only the server deleted behind its back', async () => {
    const victim = canaryName('zone-b', 1);
    await session.request(`${await nova()}/servers/${firstIds.get(victim)}`, { method: 'DELETE' });
    const deadline = Date.now() + 60_000;
    while ((await canaryServers()).some((s) => s.id === firstIds.get(victim)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const outcome = await deployer().deploy();
    assert.deepEqual(
      Object.fromEntries(outcome.canaries.map((c) => [c.name, c.action])),
      Object.fromEntries(ZONES.map((zone) => [canaryName(zone, 1), zone === 'zone-b' ? 'created' : 'kept']))
    );
    const now = new Map((await canaryServers()).map((s) => [s.name, s.id]));
    assert.equal(now.size, 3);
    for (const [name, id] of firstIds) {
      if (name === victim) assert.notEqual(now.get(name), id);
      else assert.equal(now.get(name), id, `${name} was kept`);
    }
    assert.deepEqual((await readCanaries(config.dataDir)).map((c) => c.serverId).sort(), [...now.values()].sort());
  });

  it('status: each server ACTIVE, and the agent answers where one listens (loopback stand-in)', async () => {
    const report = await deployer().status({ probeAddress: () => ({ host: '127.0.0.1', port: agentPort }) });
    assert.deepEqual(
      report.canaries.map((c) => [c.availabilityZone, c.serverStatus, c.agent.answers]).sort(),
      ZONES.map((zone) => [zone, 'ACTIVE', true])
    );
    // Through the CLI, without an override: the port-less servers have no address, so nothing is probed.
    const cli = await promisify(execFile)(process.execPath, [CLI, 'canary', 'status', '--json'], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    }).catch((error: { code: number; stdout: string }) => error);
    assert.equal((cli as { code?: number }).code, 2, 'exit 2: no agent answers');
    const printed = JSON.parse((cli as { stdout: string }).stdout) as Awaited<ReturnType<CanaryDeployer['status']>>;
    assert.deepEqual(
      printed.canaries.map((c) => [c.serverStatus, c.address, c.agent.error]),
      ZONES.map(() => ['ACTIVE', null, 'no address to probe yet'])
    );
  });

  it('the cleanup monitor does not list the canaries or their group', async () => {
    const scan = await scanCloud(session, { kinds: [kindOf('server')!, kindOf('security_group')!] });
    for (const service of scan.services.filter((s) => s.service === 'nova' || s.service === 'neutron')) {
      assert.equal(service.state, 'ok', `${service.service} was scanned`);
    }
    const ours = new Set([
      ...(await canaryServers()).map((s) => s.id),
      ...(await groupsNamed(settings.securityGroup)).map((g) => g.id),
    ]);
    assert.equal(ours.size, 4);
    assert.deepEqual(
      scan.found.filter((f) => ours.has(f.item.id)),
      []
    );
  });

  it('destroy leaves nothing: no server, no group, an empty registry', async () => {
    const outcome = await deployer().destroy();
    assert.equal(outcome.deleted.length, 3);
    assert.deepEqual(outcome.failed, []);
    assert.equal(outcome.securityGroup?.deleted, true);
    assert.deepEqual(await canaryServers(), []);
    assert.deepEqual(await groupsNamed(settings.securityGroup), []);
    assert.deepEqual(await readCanaries(config.dataDir), []);
  });
});
