// Creates resources in the real test cloud through its APIs, named the way Rally names them (or as near-miss
// decoys), for the cleanup monitor's integration tests and benchmark. Every creation waits until the resource is
// usable by what depends on it (a volume before its snapshot), and reports what it made so the caller can check
// the scan against it and clean up.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { apiRoot, kindOf } from '../../src/cleanup/kinds/index.js';
import { kindContexts } from '../../src/cleanup/scan.js';
import { NOVA_HEADERS } from '../../src/cleanup/kinds/nova.js';
import { PLACEMENT_HEADERS } from '../../src/cleanup/kinds/placement.js';
import { waitGone } from '../../src/cleanup/kind.js';
import { listAll, mapLimited, type OpenStackSession } from '../../src/openstack/session.js';
import type { ServiceName } from '../../src/services.js';

export interface Made {
  service: ServiceName;
  type: string;
  id: string;
  name: string;
  userId: string | null;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 8 random letters and digits, like Rally's random part. */
export function randomPart(): string {
  return [...randomBytes(8)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

/** A task part as Rally derives it from a task uuid: 8 lowercase hex digits. */
export function randomTaskPrefix(): string {
  return randomBytes(4).toString('hex');
}

export function rallyName(taskPrefix: string, prefix = 's_rally_'): string {
  return `${prefix}${taskPrefix}_${randomPart()}`;
}

async function poll(
  session: OpenStackSession,
  url: string,
  headers: Record<string, string>,
  ready: (body: Record<string, unknown>) => boolean,
  what: string
): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const { body } = await session.request(url, { headers });
    if (ready(body as Record<string, unknown>)) return;
    const status = JSON.stringify(body).match(/"status":"([^"]+)"/)?.[1];
    if (status && /error/i.test(status)) throw new Error(`${what} went to ${status}`);
    if (Date.now() > until) throw new Error(`${what} not ready after 120 s (status ${status})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** An OpenSSH ed25519 public key line. */
function sshPublicKey(): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} rally-monitor-test`;
}

export class CloudSeeder {
  readonly made: Made[] = [];
  private readonly publicKey = sshPublicKey();
  private bases = new Map<ServiceName, string>();

  constructor(readonly session: OpenStackSession) {}

  async base(service: ServiceName): Promise<string | null> {
    if (!this.bases.has(service)) {
      const endpoint = await this.session.endpoint(service);
      if (!endpoint) return null;
      this.bases.set(service, apiRoot(service, endpoint));
    }
    return this.bases.get(service)!;
  }

  private async root(service: ServiceName): Promise<string> {
    const base = await this.base(service);
    if (!base) throw new Error(`${service} is not in the catalog`);
    return base;
  }

  private record(made: Made): Made {
    this.made.push(made);
    return made;
  }

  private async post(
    service: ServiceName,
    path: string,
    body: unknown,
    headers: Record<string, string> = {}
  ): Promise<Record<string, unknown>> {
    const { body: answer } = await this.session.request(`${await this.root(service)}${path}`, {
      method: 'POST',
      body,
      headers,
    });
    return (answer ?? {}) as Record<string, unknown>;
  }

  async project(name: string): Promise<Made> {
    const { project } = (await this.post('keystone', '/projects', { project: { name, domain_id: 'default' } })) as {
      project: { id: string };
    };
    return this.record({ service: 'keystone', type: 'project', id: project.id, name, userId: null });
  }

  async user(name: string): Promise<Made> {
    const { user } = (await this.post('keystone', '/users', {
      user: { name, domain_id: 'default', password: randomBytes(12).toString('hex') },
    })) as { user: { id: string } };
    return this.record({ service: 'keystone', type: 'user', id: user.id, name, userId: null });
  }

  async flavor(name: string): Promise<Made> {
    const { flavor } = (await this.post(
      'nova',
      '/flavors',
      { flavor: { name, ram: 64, vcpus: 1, disk: 1 } },
      NOVA_HEADERS
    )) as { flavor: { id: string } };
    return this.record({ service: 'nova', type: 'flavor', id: flavor.id, name, userId: null });
  }

  /** Imports one public key for every keypair: Nova generating a key pair per request takes most of a second. */
  async keypair(name: string): Promise<Made> {
    await this.post('nova', '/os-keypairs', { keypair: { name, public_key: this.publicKey } }, NOVA_HEADERS);
    const token = await this.session.currentToken();
    return this.record({ service: 'nova', type: 'keypair', id: name, name, userId: token.userId ?? null });
  }

  async serverGroup(name: string): Promise<Made> {
    const { server_group: group } = (await this.post(
      'nova',
      '/os-server-groups',
      { server_group: { name, policies: ['anti-affinity'] } },
      NOVA_HEADERS
    )) as { server_group: { id: string } };
    return this.record({ service: 'nova', type: 'server_group', id: group.id, name, userId: null });
  }

  /** A port-less server (the fake driver needs no network), waited for until ACTIVE. */
  async server(name: string, imageName: string, flavorName: string, options: { wait?: boolean } = {}): Promise<Made> {
    const nova = await this.root('nova');
    const glance = await this.root('glance');
    const images = await listAll(this.session, `${glance}/images?name=${encodeURIComponent(imageName)}`, {
      style: 'links',
      key: 'images',
    });
    const flavors = await listAll(this.session, `${nova}/flavors`, { style: 'links', key: 'flavors' }, NOVA_HEADERS);
    const imageRef = images[0]?.id;
    const flavorRef = flavors.find((f) => f.name === flavorName)?.id;
    if (!imageRef || !flavorRef) {
      throw new Error(`image ${imageName} or flavor ${flavorName} missing in the test cloud`);
    }
    const { server } = (await this.post(
      'nova',
      '/servers',
      { server: { name, imageRef, flavorRef, networks: 'none' } },
      NOVA_HEADERS
    )) as { server: { id: string } };
    const made = this.record({ service: 'nova', type: 'server', id: server.id, name, userId: null });
    if (options.wait !== false) {
      await poll(
        this.session,
        `${nova}/servers/${server.id}`,
        NOVA_HEADERS,
        (b) => (b.server as { status?: string })?.status === 'ACTIVE',
        `server ${name}`
      );
    }
    return made;
  }

  async network(name: string, extra: Record<string, unknown> = {}): Promise<Made> {
    const { network } = (await this.post('neutron', '/networks', { network: { name, ...extra } })) as {
      network: { id: string };
    };
    return this.record({ service: 'neutron', type: 'network', id: network.id, name, userId: null });
  }

  async subnet(name: string, networkId: string, cidr: string): Promise<Made> {
    const { subnet } = (await this.post('neutron', '/subnets', {
      subnet: { name, network_id: networkId, ip_version: 4, cidr },
    })) as { subnet: { id: string } };
    return this.record({ service: 'neutron', type: 'subnet', id: subnet.id, name, userId: null });
  }

  async port(name: string, networkId: string): Promise<Made> {
    const { port } = (await this.post('neutron', '/ports', { port: { name, network_id: networkId } })) as {
      port: { id: string };
    };
    return this.record({ service: 'neutron', type: 'port', id: port.id, name, userId: null });
  }

  /** A router with an interface on the subnet, so deleting the subnet's network needs the router gone first. */
  async router(name: string, subnetId?: string): Promise<Made> {
    const { router } = (await this.post('neutron', '/routers', { router: { name } })) as { router: { id: string } };
    if (subnetId) {
      await this.session.request(`${await this.root('neutron')}/routers/${router.id}/add_router_interface`, {
        method: 'PUT',
        body: { subnet_id: subnetId },
      });
    }
    return this.record({ service: 'neutron', type: 'router', id: router.id, name, userId: null });
  }

  async securityGroup(name: string): Promise<Made> {
    const { security_group: group } = (await this.post('neutron', '/security-groups', {
      security_group: { name },
    })) as { security_group: { id: string } };
    return this.record({ service: 'neutron', type: 'security_group', id: group.id, name, userId: null });
  }

  /** Rally names floating IPs through their description. */
  async floatingIp(description: string, externalNetworkId: string): Promise<Made> {
    const { floatingip } = (await this.post('neutron', '/floatingips', {
      floatingip: { floating_network_id: externalNetworkId, description },
    })) as { floatingip: { id: string } };
    return this.record({ service: 'neutron', type: 'floating_ip', id: floatingip.id, name: description, userId: null });
  }

  async image(name: string): Promise<Made> {
    const image = await this.post('glance', '/images', { name, container_format: 'bare', disk_format: 'raw' });
    return this.record({ service: 'glance', type: 'image', id: String(image.id), name, userId: null });
  }

  async volume(name: string, options: { wait?: boolean } = {}): Promise<Made> {
    const { volume } = (await this.post('cinder', '/volumes', { volume: { name, size: 1 } })) as {
      volume: { id: string };
    };
    const made = this.record({ service: 'cinder', type: 'volume', id: volume.id, name, userId: null });
    if (options.wait !== false) {
      await poll(
        this.session,
        `${await this.root('cinder')}/volumes/${volume.id}`,
        {},
        (b) => (b.volume as { status?: string })?.status === 'available',
        `volume ${name}`
      );
    }
    return made;
  }

  async snapshot(name: string, volumeId: string, options: { wait?: boolean } = {}): Promise<Made> {
    const { snapshot } = (await this.post('cinder', '/snapshots', {
      snapshot: { name, volume_id: volumeId, force: true },
    })) as { snapshot: { id: string } };
    const made = this.record({ service: 'cinder', type: 'volume_snapshot', id: snapshot.id, name, userId: null });
    if (options.wait !== false) {
      await poll(
        this.session,
        `${await this.root('cinder')}/snapshots/${snapshot.id}`,
        {},
        (b) => (b.snapshot as { status?: string })?.status === 'available',
        `snapshot ${name}`
      );
    }
    return made;
  }

  async volumeType(name: string): Promise<Made> {
    const { volume_type: type } = (await this.post('cinder', '/types', { volume_type: { name } })) as {
      volume_type: { id: string };
    };
    return this.record({ service: 'cinder', type: 'volume_type', id: type.id, name, userId: null });
  }

  async qosSpec(name: string): Promise<Made> {
    const { qos_specs: spec } = (await this.post('cinder', '/qos-specs', {
      qos_specs: { name, consumer: 'back-end' },
    })) as { qos_specs: { id: string } };
    return this.record({ service: 'cinder', type: 'qos_spec', id: spec.id, name, userId: null });
  }

  /** A container holding one object, which Swift refuses to delete until it is emptied. */
  async container(name: string, withObject = true): Promise<Made> {
    const swift = await this.root('swift');
    await this.session.request(`${swift}/${encodeURIComponent(name)}`, { method: 'PUT' });
    if (withObject) {
      await this.session.request(`${swift}/${encodeURIComponent(name)}/payload.txt`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body: 'rally',
      });
    }
    return this.record({ service: 'swift', type: 'container', id: name, name, userId: null });
  }

  async resourceProvider(name: string): Promise<Made> {
    const provider = await this.post('placement', '/resource_providers', { name }, PLACEMENT_HEADERS);
    const uuid = String(provider.uuid ?? '');
    if (!uuid) {
      const { body } = await this.session.request(
        `${await this.root('placement')}/resource_providers?name=${encodeURIComponent(name)}`,
        { headers: PLACEMENT_HEADERS }
      );
      return this.record({
        service: 'placement',
        type: 'resource_provider',
        id: String((body as { resource_providers: Array<{ uuid: string }> }).resource_providers[0]!.uuid),
        name,
        userId: null,
      });
    }
    return this.record({ service: 'placement', type: 'resource_provider', id: uuid, name, userId: null });
  }

  /**
   * Deletes what this seeder made that is still there, dependents first, ignoring what is already gone. For test
   * teardown: the cloud is shared, so nothing a test made may stay behind. `onDone` hears of each resource as it
   * is gone (or failed to go): the benchmark's thousands take minutes.
   */
  async removeAll(onDone?: (made: Made) => void): Promise<string[]> {
    const order = [
      'floating_ip',
      'server',
      'router',
      'volume_snapshot',
      'port',
      'subnet',
      'volume',
      'network',
      'security_group',
      'image',
      'keypair',
      'flavor',
      'server_group',
      'volume_type',
      'qos_spec',
      'container',
      'resource_provider',
      'user',
      'project',
    ];
    const problems: string[] = [];
    const contextOf = await kindContexts(this.session, await this.session.currentToken());
    for (const type of order) {
      await mapLimited(
        this.made.filter((m) => m.type === type),
        8,
        async (made) => {
          const kind = kindOf(type)!;
          const context = contextOf(made.service);
          if (!context) return;
          try {
            await kind.remove(context, {
              id: made.id,
              name: made.name,
              project: null,
              userId: made.userId,
              createdAt: null,
            });
            if (kind.pollUrl) {
              await waitGone(
                this.session,
                kind.pollUrl(context, {
                  id: made.id,
                  name: made.name,
                  project: null,
                  userId: made.userId,
                  createdAt: null,
                }),
                {},
                120_000
              );
            }
          } catch (error) {
            problems.push(`${type} ${made.name}: ${(error as Error).message}`);
          }
          onDone?.(made);
        }
      );
    }
    return problems;
  }
}
