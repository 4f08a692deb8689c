// The few Nova, Neutron and Glance calls `canary deploy|status|destroy` makes, natively over the runner's session.
// Shapes from the services' API references and sources:
// - Nova: os-availability-zone (nova/api/openstack/compute/availability_zone.py: `availabilityZoneInfo` of
//   `{zoneName, zoneState: {available}, hosts}`), servers (servers.py create: 202 `{"server": {"id", ...}}`;
//   views/servers.py: `status`, `addresses`, `metadata`, `OS-EXT-AZ:availability_zone`), flavors/detail.
//   Microversion 2.37 takes `networks: "auto" | "none" | [{uuid}]` (schemas/servers.py `create_v237`).
// - Neutron: security-groups and security-group-rules (neutron/db/securitygroups_db.py), networks.
// - Glance: GET /v2/images?name= (glance/api/v2/images.py).
import { listAll, OpenStackError, type OpenStackSession } from './session.js';

export const NOVA_MICROVERSION = '2.37';
const NOVA_HEADERS = {
  'x-openstack-nova-api-version': NOVA_MICROVERSION,
  'openstack-api-version': `compute ${NOVA_MICROVERSION}`,
};
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const id = encodeURIComponent;

export class CloudLookupError extends Error {}

export interface NovaServer {
  id: string;
  name: string;
  status: string;
  availabilityZone: string | null;
  metadata: Record<string, string>;
  addresses: Record<string, Array<{ addr?: string; version?: number; 'OS-EXT-IPS:type'?: string }>>;
  created: string | null;
  taskState: string | null;
}

export interface SecurityGroupRule {
  id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_group_id: string | null;
  remote_ip_prefix: string | null;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  rules: SecurityGroupRule[];
}

export type NetworkChoice = 'auto' | 'none' | Array<{ uuid: string }>;

async function base(session: OpenStackSession, service: 'nova' | 'neutron' | 'glance'): Promise<string> {
  const url = await session.endpoint(service);
  if (!url) throw new CloudLookupError(`the catalog has no ${service} endpoint for this region and interface`);
  return url;
}

function toServer(raw: Record<string, unknown>): NovaServer {
  return {
    id: String(raw.id),
    name: String(raw.name ?? ''),
    status: String(raw.status ?? 'UNKNOWN'),
    availabilityZone: (raw['OS-EXT-AZ:availability_zone'] as string | undefined) || null,
    metadata: (raw.metadata as Record<string, string> | undefined) ?? {},
    addresses: (raw.addresses as NovaServer['addresses'] | undefined) ?? {},
    created: (raw.created as string | undefined) ?? null,
    taskState: (raw['OS-EXT-STS:task_state'] as string | undefined) ?? null,
  };
}

export class ComputeClient {
  constructor(private readonly session: OpenStackSession) {}

  /** The zones Nova says are available (a zone whose compute services are all down or disabled is not). */
  async availabilityZones(): Promise<string[]> {
    const { body } = await this.session.request(`${await base(this.session, 'nova')}/os-availability-zone`, {
      headers: NOVA_HEADERS,
    });
    const zones = ((body as { availabilityZoneInfo?: unknown[] })?.availabilityZoneInfo ?? []) as Array<{
      zoneName?: string;
      zoneState?: { available?: boolean };
    }>;
    return zones
      .filter((zone) => zone.zoneState?.available === true && typeof zone.zoneName === 'string' && zone.zoneName)
      .map((zone) => zone.zoneName!)
      .sort();
  }

  /** The project's servers whose name starts with `prefix` (Nova's `name` filter is a regular expression). */
  async serversNamed(prefix: string): Promise<NovaServer[]> {
    const pattern = `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    const servers = await listAll(
      this.session,
      `${await base(this.session, 'nova')}/servers/detail?name=${id(pattern)}`,
      { style: 'links', key: 'servers' },
      NOVA_HEADERS
    );
    // Filtered again here: the prefix is what matters, whatever the server's regex dialect made of the filter.
    return servers.map(toServer).filter((server) => server.name.startsWith(prefix));
  }

  /** The server, or null when Nova no longer knows it. */
  async server(serverId: string): Promise<NovaServer | null> {
    const { status, body } = await this.session.request(`${await base(this.session, 'nova')}/servers/${id(serverId)}`, {
      headers: NOVA_HEADERS,
      accept: (s) => (s >= 200 && s < 300) || s === 404,
    });
    if (status === 404) return null;
    return toServer((body as { server: Record<string, unknown> }).server);
  }

  async createServer(spec: {
    name: string;
    imageRef: string;
    flavorRef: string;
    availabilityZone: string;
    networks: NetworkChoice;
    securityGroupId: string;
    userData: string;
    metadata: Record<string, string>;
  }): Promise<string> {
    const { body } = await this.session.request(`${await base(this.session, 'nova')}/servers`, {
      method: 'POST',
      headers: NOVA_HEADERS,
      body: {
        server: {
          name: spec.name,
          imageRef: spec.imageRef,
          flavorRef: spec.flavorRef,
          availability_zone: spec.availabilityZone,
          networks: spec.networks,
          // Nova looks a group up by name or id within the project (nova/network/security_group_api.py
          // validate_name); the id cannot be mistaken for another project's group of the same name.
          security_groups: [{ name: spec.securityGroupId }],
          user_data: spec.userData,
          metadata: spec.metadata,
        },
      },
    });
    const created = (body as { server?: { id?: string } })?.server?.id;
    if (!created) throw new OpenStackError(`Nova accepted server ${spec.name} without an id`, 202, 'servers');
    return created;
  }

  /** Deletes the server; one already gone counts as deleted. */
  async deleteServer(serverId: string): Promise<void> {
    await this.session.request(`${await base(this.session, 'nova')}/servers/${id(serverId)}`, {
      method: 'DELETE',
      headers: NOVA_HEADERS,
      accept: (s) => (s >= 200 && s < 300) || s === 404,
    });
  }

  /** A flavor's id from its name or id. */
  async flavorId(nameOrId: string): Promise<string> {
    const flavors = await listAll(
      this.session,
      `${await base(this.session, 'nova')}/flavors/detail`,
      { style: 'links', key: 'flavors' },
      NOVA_HEADERS
    );
    const match = flavors.find((f) => f.id === nameOrId) ?? flavors.find((f) => f.name === nameOrId);
    if (!match) throw new CloudLookupError(`flavor "${nameOrId}" not found`);
    return String(match.id);
  }

  /** An image's id from its name (exactly one active image of that name) or id. */
  async imageId(nameOrId: string): Promise<string> {
    if (UUID.test(nameOrId)) return nameOrId;
    const { body } = await this.session.request(
      `${await base(this.session, 'glance')}/v2/images?name=${id(nameOrId)}&status=active`
    );
    const images = ((body as { images?: Array<{ id: string; name: string }> })?.images ?? []).filter(
      (image) => image.name === nameOrId
    );
    if (images.length === 0) {
      throw new CloudLookupError(`image "${nameOrId}" not found (active, visible to the project)`);
    }
    if (images.length > 1) {
      throw new CloudLookupError(`image name "${nameOrId}" is ambiguous (${images.length} images); give its id`);
    }
    return images[0]!.id;
  }

  /** What Nova's `networks` field gets for a configured network: `auto`, `none`, or the network's id. */
  async networks(choice: string): Promise<NetworkChoice> {
    if (choice === 'auto' || choice === 'none') return choice;
    const neutron = await base(this.session, 'neutron');
    const field = UUID.test(choice) ? 'id' : 'name';
    const { body } = await this.session.request(`${neutron}/v2.0/networks?${field}=${id(choice)}`);
    const networks = (body as { networks?: Array<{ id: string }> })?.networks ?? [];
    if (networks.length === 0) throw new CloudLookupError(`network "${choice}" not found`);
    if (networks.length > 1) throw new CloudLookupError(`network name "${choice}" is ambiguous; give its id`);
    return [{ uuid: networks[0]!.id }];
  }
}

export class NetworkClient {
  constructor(private readonly session: OpenStackSession) {}

  /** The project's security groups of that name (Neutron does not keep names unique). */
  async securityGroupsNamed(name: string, projectId: string | undefined): Promise<SecurityGroup[]> {
    const neutron = await base(this.session, 'neutron');
    const query = `name=${id(name)}${projectId ? `&project_id=${id(projectId)}` : ''}`;
    const { body } = await this.session.request(`${neutron}/v2.0/security-groups?${query}`);
    return ((body as { security_groups?: Array<Record<string, unknown>> })?.security_groups ?? [])
      .filter((group) => group.name === name)
      .map((group) => ({
        id: String(group.id),
        name: String(group.name),
        description: String(group.description ?? ''),
        rules: (group.security_group_rules as SecurityGroupRule[] | undefined) ?? [],
      }));
  }

  async createSecurityGroup(name: string, description: string): Promise<SecurityGroup> {
    const neutron = await base(this.session, 'neutron');
    const { body } = await this.session.request(`${neutron}/v2.0/security-groups`, {
      method: 'POST',
      body: { security_group: { name, description } },
    });
    const group = (body as { security_group: Record<string, unknown> }).security_group;
    return {
      id: String(group.id),
      name: String(group.name),
      description: String(group.description ?? ''),
      rules: (group.security_group_rules as SecurityGroupRule[] | undefined) ?? [],
    };
  }

  async createRule(rule: Omit<SecurityGroupRule, 'id'> & { security_group_id: string }): Promise<void> {
    const neutron = await base(this.session, 'neutron');
    await this.session.request(`${neutron}/v2.0/security-group-rules`, {
      method: 'POST',
      // Unset fields are left out rather than sent as null: Neutron fills in its defaults.
      body: { security_group_rule: Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== null)) },
    });
  }

  /** Deletes the group: true when deleted or already gone, false while Neutron says it is in use (409). */
  async deleteSecurityGroup(groupId: string): Promise<boolean> {
    const neutron = await base(this.session, 'neutron');
    const { status } = await this.session.request(`${neutron}/v2.0/security-groups/${id(groupId)}`, {
      method: 'DELETE',
      accept: (s) => (s >= 200 && s < 300) || s === 404 || s === 409,
    });
    return status !== 409;
  }
}
