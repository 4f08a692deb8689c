// A loopback stand-in for the parts of Nova, Neutron and Glance that `canary deploy|status|destroy` call, answering
// in the shapes of the real services (checked against the local cloud's Zed packages):
// - Nova: nova/api/openstack/compute/availability_zone.py (`availabilityZoneInfo`, `zoneName`, `zoneState`),
//   servers.py `create` (202 `{"server": {"id", "links", "adminPass", "security_groups", "OS-DCF:diskConfig"}}`),
//   views/servers.py (`status`, `addresses`, `metadata`, `OS-EXT-AZ:availability_zone`, `created`), the
//   `itemNotFound` 404 body of nova/api/openstack/wsgi.py, and the `name` filter as a regular expression
//   (nova/db/main/api.py `_regex_instance_filter`).
// - Neutron: neutron/db/securitygroups_db.py (a new group comes with two egress rules; rules carry
//   `remote_group_id`), 409 `SecurityGroupInUse` while a port uses it.
// - Glance: glance/api/v2/images.py `index` (`{"images": [...], "first", "schema"}`).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeystoneToken } from '../../src/openstack/keystone.js';

export interface StandinServer {
  id: string;
  name: string;
  status: string;
  availabilityZone: string;
  metadata: Record<string, string>;
  userData: string | null;
  securityGroups: string[];
  networks: unknown;
  imageRef: string;
  flavorRef: string;
  addresses: Record<string, Array<{ addr: string; version: number; 'OS-EXT-IPS:type': string }>>;
  created: string;
}

export interface StandinRule {
  id: string;
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_group_id: string | null;
  remote_ip_prefix: string | null;
}

export interface StandinGroup {
  id: string;
  name: string;
  project_id: string;
  tenant_id: string;
  description: string;
  security_group_rules: StandinRule[];
}

export const STANDIN_PROJECT = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
export const STANDIN_IMAGE = { id: '8e5b1c3a-1f0e-4c57-9d6c-0f6b2b5a9e11', name: 'debian-12' };
export const STANDIN_FLAVOR = { id: '42', name: 'm1.small' };
export const STANDIN_NETWORK = { id: '5f4e3d2c-1b0a-4987-8a6b-5c4d3e2f1a0b', name: 'canary-net' };

export class OpenStackStandin {
  zones: Array<{ name: string; available: boolean }> = [
    { name: 'az-1', available: true },
    { name: 'az-2', available: true },
    { name: 'az-3', available: true },
    { name: 'az-down', available: false },
  ];
  readonly servers = new Map<string, StandinServer>();
  readonly groups = new Map<string, StandinGroup>();
  /** Every request as `METHOD /path?query`, for asserting what was (not) called. */
  readonly calls: string[] = [];
  /** The status a newly created server reaches at its first GET (BUILD before that). */
  bootStatus = 'ACTIVE';
  /**
   * Zones whose servers Nova places elsewhere: a zone no host aggregate carries (Nova's default zone) constrains
   * nothing with the placement pre-filter (nova/scheduler/request_filter.py map_az_to_placement_aggregate).
   */
  misplace = new Map<string, string>();
  /** Servers stay in the list this many GETs after a DELETE (Nova deletes asynchronously). */
  deleteLag = 1;
  private readonly deleting = new Map<string, number>();
  private counter = 0;
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        try {
          this.handle(request, body, response);
        } catch (error) {
          json(response, 500, { error: String(error) });
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A token whose catalog points at this stand-in (for OpenStackSession's `authenticate` option). */
  token = async (): Promise<KeystoneToken> => ({
    value: 'standin-token',
    expiresAt: new Date(Date.now() + 3_600_000),
    projectId: STANDIN_PROJECT,
    catalog: [
      { type: 'compute', name: 'nova', endpoints: [endpoint(`${this.base}/compute/v2.1`)] },
      { type: 'network', name: 'neutron', endpoints: [endpoint(`${this.base}/network`)] },
      { type: 'image', name: 'glance', endpoints: [endpoint(`${this.base}/image`)] },
    ],
  });

  /** A server as an operator made it, outside of the deploy (for adversarial names). */
  addServer(fields: Partial<StandinServer> & { name: string }): StandinServer {
    const server: StandinServer = {
      id: randomUUID(),
      status: 'ACTIVE',
      availabilityZone: 'az-1',
      metadata: {},
      userData: null,
      securityGroups: [],
      networks: 'none',
      imageRef: STANDIN_IMAGE.id,
      flavorRef: STANDIN_FLAVOR.id,
      addresses: {},
      created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ...fields,
    };
    this.servers.set(server.id, server);
    return server;
  }

  private handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.base);
    const method = request.method ?? 'GET';
    this.calls.push(`${method} ${url.pathname}${url.search}`);
    if (request.headers['x-auth-token'] !== 'standin-token') return json(response, 401, { error: 'no token' });
    const path = url.pathname;
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};

    if (method === 'GET' && path === '/compute/v2.1/os-availability-zone') {
      return json(response, 200, {
        availabilityZoneInfo: this.zones.map((zone) => ({
          zoneName: zone.name,
          zoneState: { available: zone.available },
          hosts: null,
        })),
      });
    }
    if (method === 'GET' && path === '/compute/v2.1/flavors/detail') {
      return json(response, 200, { flavors: [{ ...STANDIN_FLAVOR, ram: 2048, vcpus: 1, disk: 10, links: [] }] });
    }
    if (method === 'GET' && path === '/compute/v2.1/servers/detail') {
      this.advanceDeletes();
      const filter = url.searchParams.get('name');
      const pattern = filter ? new RegExp(filter) : null;
      const servers = [...this.servers.values()].filter((s) => !pattern || pattern.test(s.name));
      for (const s of servers) if (s.status === 'BUILD') s.status = this.bootStatus;
      return json(response, 200, { servers: servers.map((s) => this.view(s)) });
    }
    const serverMatch = /^\/compute\/v2\.1\/servers\/([^/]+)$/.exec(path);
    if (serverMatch) {
      const server = this.servers.get(decodeURIComponent(serverMatch[1]!));
      if (method === 'GET') {
        this.advanceDeletes();
        const current = this.servers.get(decodeURIComponent(serverMatch[1]!));
        if (!current) return notFound(response, serverMatch[1]!);
        if (current.status === 'BUILD') current.status = this.bootStatus;
        return json(response, 200, { server: this.view(current) });
      }
      if (method === 'DELETE') {
        if (!server) return notFound(response, serverMatch[1]!);
        this.deleting.set(server.id, this.deleteLag);
        response.writeHead(204).end();
        return;
      }
    }
    if (method === 'POST' && path === '/compute/v2.1/servers') {
      const spec = input.server as Record<string, unknown>;
      const groups = ((spec.security_groups as Array<{ name: string }> | undefined) ?? []).map((g) => g.name);
      for (const group of groups) {
        const found = [...this.groups.values()].find((g) => g.id === group || g.name === group);
        if (!found) {
          return json(response, 400, {
            badRequest: { code: 400, message: `Security group ${group} not found for project ${STANDIN_PROJECT}.` },
          });
        }
      }
      const zone = spec.availability_zone as string | undefined;
      if (zone && !this.zones.some((z) => z.name === zone && z.available)) {
        return json(response, 400, {
          badRequest: { code: 400, message: 'The requested availability zone is not available' },
        });
      }
      this.counter += 1;
      const server = this.addServer({
        name: spec.name as string,
        status: 'BUILD',
        availabilityZone: (zone && this.misplace.get(zone)) ?? zone ?? 'nova',
        metadata: (spec.metadata as Record<string, string>) ?? {},
        userData: (spec.user_data as string | undefined) ?? null,
        securityGroups: groups,
        networks: spec.networks,
        imageRef: spec.imageRef as string,
        flavorRef: spec.flavorRef as string,
        addresses:
          spec.networks === 'none'
            ? {}
            : {
                [STANDIN_NETWORK.name]: [
                  { addr: `10.0.0.${this.counter + 10}`, version: 4, 'OS-EXT-IPS:type': 'fixed' },
                ],
              },
      });
      return json(response, 202, {
        server: {
          id: server.id,
          links: [{ rel: 'self', href: `${this.base}/compute/v2.1/servers/${server.id}` }],
          adminPass: 'Zx9standinPass',
          security_groups: groups.map((name) => ({ name })),
          'OS-DCF:diskConfig': 'MANUAL',
        },
      });
    }

    if (method === 'GET' && path === '/image/v2/images') {
      const name = url.searchParams.get('name');
      const images = [{ ...STANDIN_IMAGE, status: 'active', visibility: 'public' }].filter(
        (image) => !name || image.name === name
      );
      return json(response, 200, { images, first: '/v2/images', schema: '/v2/schemas/images' });
    }
    if (method === 'GET' && path === '/network/v2.0/networks') {
      const name = url.searchParams.get('name');
      const id = url.searchParams.get('id');
      const networks = [{ ...STANDIN_NETWORK, status: 'ACTIVE', project_id: STANDIN_PROJECT }].filter(
        (n) => (!name || n.name === name) && (!id || n.id === id)
      );
      return json(response, 200, { networks });
    }
    if (method === 'GET' && path === '/network/v2.0/security-groups') {
      const name = url.searchParams.get('name');
      const project = url.searchParams.get('project_id');
      const groups = [...this.groups.values()].filter(
        (g) => (!name || g.name === name) && (!project || g.project_id === project)
      );
      return json(response, 200, { security_groups: groups });
    }
    if (method === 'POST' && path === '/network/v2.0/security-groups') {
      const spec = input.security_group as { name: string; description?: string };
      const id = randomUUID();
      const egress = (ethertype: string): StandinRule => ({
        id: randomUUID(),
        security_group_id: id,
        direction: 'egress',
        ethertype,
        protocol: null,
        port_range_min: null,
        port_range_max: null,
        remote_group_id: null,
        remote_ip_prefix: null,
      });
      const group: StandinGroup = {
        id,
        name: spec.name,
        project_id: STANDIN_PROJECT,
        tenant_id: STANDIN_PROJECT,
        description: spec.description ?? '',
        security_group_rules: [egress('IPv4'), egress('IPv6')],
      };
      this.groups.set(id, group);
      return json(response, 201, { security_group: group });
    }
    if (method === 'POST' && path === '/network/v2.0/security-group-rules') {
      const spec = input.security_group_rule as Partial<StandinRule> & { security_group_id: string };
      const group = this.groups.get(spec.security_group_id);
      if (!group) return json(response, 404, { NeutronError: { type: 'SecurityGroupNotFound', message: 'no group' } });
      // Fields left out get Neutron's defaults (null), as neutron/extensions/securitygroup.py declares them.
      const rule: StandinRule = {
        direction: 'ingress',
        ethertype: 'IPv4',
        ...{
          protocol: null,
          port_range_min: null,
          port_range_max: null,
          remote_group_id: null,
          remote_ip_prefix: null,
        },
        ...spec,
        id: randomUUID(),
      };
      group.security_group_rules.push(rule);
      return json(response, 201, { security_group_rule: rule });
    }
    const groupMatch = /^\/network\/v2\.0\/security-groups\/([^/]+)$/.exec(path);
    if (groupMatch && method === 'DELETE') {
      const id = decodeURIComponent(groupMatch[1]!);
      if (!this.groups.has(id)) return json(response, 404, { NeutronError: { type: 'SecurityGroupNotFound' } });
      if ([...this.servers.values()].some((s) => s.securityGroups.includes(id))) {
        return json(response, 409, {
          NeutronError: { type: 'SecurityGroupInUse', message: `Security Group ${id} in use.`, detail: '' },
        });
      }
      this.groups.delete(id);
      response.writeHead(204).end();
      return;
    }
    json(response, 404, { error: `stand-in has no ${method} ${path}` });
  }

  private advanceDeletes(): void {
    for (const [id, left] of this.deleting) {
      if (left <= 0) {
        this.servers.delete(id);
        this.deleting.delete(id);
      } else {
        this.deleting.set(id, left - 1);
      }
    }
  }

  private view(server: StandinServer) {
    return {
      id: server.id,
      name: server.name,
      status: this.deleting.has(server.id) ? 'ACTIVE' : server.status,
      tenant_id: STANDIN_PROJECT,
      metadata: server.metadata,
      addresses: server.addresses,
      created: server.created,
      'OS-EXT-AZ:availability_zone': server.availabilityZone,
      'OS-EXT-STS:task_state': this.deleting.has(server.id) ? 'deleting' : null,
      links: [],
    };
  }
}

function endpoint(url: string) {
  return { interface: 'public', region: 'RegionOne', url };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function notFound(response: ServerResponse, id: string): void {
  json(response, 404, { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
}
