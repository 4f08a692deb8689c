// `canary deploy|status|destroy`: one canary server per availability zone (or N), in a security group that admits
// the agent port only from itself, each starting the agent through cloud-init; the registry (../registry.ts) says
// which canaries exist for the targets and peers routes. Deploy is idempotent: it keeps every canary that is
// there and not in ERROR, and replaces only what is missing or broken.
import { fetch } from 'undici';
import { ComputeClient, NetworkClient, type NovaServer, type SecurityGroup } from '../../openstack/compute.js';
import type { OpenStackSession } from '../../openstack/session.js';
import { readCanaries, writeCanaries, type Canary } from '../registry.js';
import { CANARY_METADATA_KEY, CANARY_NAME_PREFIX, canaryName } from './names.js';
import type { CanarySettings } from './settings.js';
import { encodedUserData } from './user-data.js';

/** What marks a security group as made by `canary deploy` (destroy deletes only such a group). */
export const GROUP_DESCRIPTION =
  'rally-monitor canary: the agent port, from the canaries only (rally-monitor canary deploy)';
const NODE_EXPORTER_PORT = 9100;

export class CanaryBusyError extends Error {}

export interface CanaryDeployerOptions {
  dataDir: string;
  session: OpenStackSession;
  settings: CanarySettings;
  /** Between polls of a server's state (default 2 s). */
  pollMs?: number;
  /** A status probe's timeout (default 3 s). */
  probeTimeoutMs?: number;
}

export type DeployAction = 'kept' | 'created' | 'replaced';

export interface DeployedCanary {
  id: string;
  name: string;
  serverId: string;
  availabilityZone: string;
  action: DeployAction;
  serverStatus: string;
  address: string | null;
}

export interface DeployOutcome {
  securityGroup: { id: string; name: string; created: boolean };
  zones: string[];
  canaries: DeployedCanary[];
  /** Servers that did not come up (ERROR at boot, or still building at the deadline); the next deploy retries them. */
  failed: Array<{ name: string; availabilityZone: string; serverId: string | null; reason: string }>;
  /** Canaries beyond what was asked for (a zone gone, a smaller --per-az): left running; destroy removes them. */
  surplus: string[];
}

export interface CanaryStatus {
  id: string;
  name: string;
  serverId: string | null;
  datacenter: string;
  availabilityZone: string;
  /** Nova's status (ACTIVE, BUILD, ERROR, ...), `gone` when Nova no longer knows the server, null when not ours. */
  serverStatus: string | null;
  address: string | null;
  port: number;
  agent: { answers: boolean; httpStatus: number | null; error: string | null };
}

export interface StatusReport {
  checkedAt: string;
  canaries: CanaryStatus[];
}

export interface DestroyOutcome {
  deleted: Array<{ name: string; serverId: string }>;
  failed: Array<{ name: string; serverId: string; reason: string }>;
  securityGroup: { id: string; deleted: boolean } | null;
  /** Registry entries removed (agents registered by hand, with no server, stay). */
  unregistered: number;
}

export type ProbeTarget = { host: string; port: number } | null;

// One deploy or destroy at a time per data directory (the registry's home), across CLI calls in this process and
// API requests.
const busy = new Set<string>();

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class CanaryDeployer {
  private readonly compute: ComputeClient;
  private readonly network: NetworkClient;
  private readonly pollMs: number;

  constructor(private readonly options: CanaryDeployerOptions) {
    this.compute = new ComputeClient(options.session);
    this.network = new NetworkClient(options.session);
    this.pollMs = options.pollMs ?? 2000;
  }

  private get settings(): CanarySettings {
    return this.options.settings;
  }

  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const key = this.options.dataDir;
    if (busy.has(key)) throw new CanaryBusyError('a canary deploy or destroy is already running');
    busy.add(key);
    try {
      return await work();
    } finally {
      busy.delete(key);
    }
  }

  /** Our servers: the canary prefix AND the canary metadata (a look-alike name alone is someone else's). */
  private async ourServers(): Promise<NovaServer[]> {
    const servers = await this.compute.serversNamed(CANARY_NAME_PREFIX);
    return servers.filter(
      (server) =>
        server.metadata[CANARY_METADATA_KEY] === '1' &&
        server.taskState !== 'deleting' &&
        !['DELETED', 'SOFT_DELETED'].includes(server.status)
    );
  }

  deploy(options: { perAz?: number } = {}): Promise<DeployOutcome> {
    return this.exclusive(() => this.deployNow(options.perAz ?? this.settings.perAz));
  }

  private async deployNow(perAz: number): Promise<DeployOutcome> {
    const settings = this.settings;
    // Everything is looked up before anything is created: a wrong name fails without leaving half a deploy.
    const [imageRef, flavorRef, networks, zones] = await Promise.all([
      this.compute.imageId(settings.image),
      this.compute.flavorId(settings.flavor),
      this.compute.networks(settings.network),
      this.compute.availabilityZones(),
    ]);
    if (zones.length === 0) throw new Error('Nova lists no available availability zone');
    const group = await this.ensureGroup();
    const existing = await this.ourServers();

    const canaries: DeployedCanary[] = [];
    const failed: DeployOutcome['failed'] = [];
    const toDelete: NovaServer[] = [];
    const wanted = new Set<string>();
    const creations: Array<Promise<void>> = [];
    for (const zone of zones) {
      for (let index = 1; index <= perAz; index += 1) {
        const name = canaryName(zone, index);
        wanted.add(name);
        const same = existing.filter((server) => server.name === name);
        // In ERROR, or in another zone than its name and labels say (its host moved to another zone): broken.
        const healthy = same.find(
          (server) =>
            server.status !== 'ERROR' && (server.availabilityZone === null || server.availabilityZone === zone)
        );
        // Broken ones go, and so do duplicates (a deploy interrupted after its POST): one canary per name.
        toDelete.push(...same.filter((server) => server !== healthy));
        if (healthy) {
          canaries.push({
            id: name,
            name,
            serverId: healthy.id,
            availabilityZone: zone,
            action: 'kept',
            serverStatus: healthy.status,
            address: addressOf(healthy, settings.network),
          });
          continue;
        }
        const action: DeployAction = same.length > 0 ? 'replaced' : 'created';
        creations.push(
          this.boot(name, zone, { imageRef, flavorRef, networks, groupId: group.id }).then(
            async (server) => {
              if (server.availabilityZone !== null && server.availabilityZone !== zone) {
                // Nova's default zone, which no host aggregate carries, constrains nothing under the placement
                // pre-filter (nova/scheduler/request_filter.py map_az_to_placement_aggregate): the server may land
                // anywhere. A canary labelled with a zone it is not in would report the wrong pairs: it goes.
                failed.push({
                  name,
                  availabilityZone: zone,
                  serverId: server.id,
                  reason:
                    `Nova placed it in availability zone ${server.availabilityZone}, not ${zone}; deleted ` +
                    '(a zone without a host aggregate, such as the default one, does not constrain scheduling)',
                });
                await this.deleteAndWait([server]);
              } else if (server.status === 'ACTIVE') {
                canaries.push({
                  id: name,
                  name,
                  serverId: server.id,
                  availabilityZone: zone,
                  action,
                  serverStatus: server.status,
                  address: addressOf(server, settings.network),
                });
              } else {
                failed.push({
                  name,
                  availabilityZone: zone,
                  serverId: server.id,
                  reason:
                    server.status === 'BUILD'
                      ? `server ${server.id} was still building after ${settings.bootTimeoutSeconds} s`
                      : `server ${server.id} went to ${server.status}`,
                });
              }
            },
            (error: unknown) => {
              failed.push({ name, availabilityZone: zone, serverId: null, reason: errorText(error) });
            }
          )
        );
      }
    }
    await Promise.all([...creations, this.deleteAndWait(toDelete)]);

    const order = [...wanted];
    canaries.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const byId = new Map(existing.map((server) => [server.id, server]));
    const handRegistered = (await readCanaries(this.options.dataDir)).filter((canary) => canary.serverId === null);
    await writeCanaries(this.options.dataDir, [
      ...handRegistered,
      ...canaries.map((canary): Canary => ({
        id: canary.id,
        serverId: canary.serverId,
        name: canary.name,
        datacenter: settings.datacenter,
        availabilityZone: canary.availabilityZone,
        address: canary.address,
        port: settings.port,
        createdAt: byId.get(canary.serverId)?.created ?? new Date().toISOString(),
      })),
    ]);
    return {
      securityGroup: { id: group.id, name: group.name, created: group.created },
      zones,
      canaries,
      failed,
      surplus: existing
        .filter((server) => !wanted.has(server.name))
        .map((server) => server.name)
        .sort(),
    };
  }

  /** The canaries' group, made when missing, with the rules it lacks added (a rule deleted by hand comes back). */
  private async ensureGroup(): Promise<SecurityGroup & { created: boolean }> {
    const settings = this.settings;
    const projectId = (await this.options.session.currentToken()).projectId;
    const groups = await this.network.securityGroupsNamed(settings.securityGroup, projectId);
    if (groups.length > 1) {
      throw new Error(
        `${groups.length} security groups are named "${settings.securityGroup}" in the project; delete the extra ones or set RALLY_MONITOR_CANARY_SECURITY_GROUP`
      );
    }
    const created = groups.length === 0;
    const group = groups[0] ?? (await this.network.createSecurityGroup(settings.securityGroup, GROUP_DESCRIPTION));
    const wanted: Array<{
      ethertype: string;
      port: number;
      remote_group_id: string | null;
      remote_ip_prefix: string | null;
    }> = [];
    for (const ethertype of ['IPv4', 'IPv6']) {
      wanted.push({ ethertype, port: settings.port, remote_group_id: group.id, remote_ip_prefix: null });
    }
    if (settings.scrapeCidr) {
      const ethertype = settings.scrapeCidr.includes(':') ? 'IPv6' : 'IPv4';
      for (const port of [settings.port, NODE_EXPORTER_PORT]) {
        wanted.push({ ethertype, port, remote_group_id: null, remote_ip_prefix: settings.scrapeCidr });
      }
    }
    for (const rule of wanted) {
      const present = group.rules.some(
        (r) =>
          r.direction === 'ingress' &&
          r.ethertype === rule.ethertype &&
          r.protocol === 'tcp' &&
          r.port_range_min === rule.port &&
          r.port_range_max === rule.port &&
          (r.remote_group_id ?? null) === rule.remote_group_id &&
          (r.remote_ip_prefix ?? null) === rule.remote_ip_prefix
      );
      if (present) continue;
      await this.network.createRule({
        security_group_id: group.id,
        direction: 'ingress',
        ethertype: rule.ethertype,
        protocol: 'tcp',
        port_range_min: rule.port,
        port_range_max: rule.port,
        remote_group_id: rule.remote_group_id,
        remote_ip_prefix: rule.remote_ip_prefix,
      });
    }
    return { ...group, created };
  }

  /** Creates the server and waits (bounded) until it leaves BUILD; answers its last known state. */
  private async boot(
    name: string,
    zone: string,
    refs: {
      imageRef: string;
      flavorRef: string;
      networks: Awaited<ReturnType<ComputeClient['networks']>>;
      groupId: string;
    }
  ): Promise<NovaServer> {
    const serverId = await this.compute.createServer({
      name,
      imageRef: refs.imageRef,
      flavorRef: refs.flavorRef,
      availabilityZone: zone,
      networks: refs.networks,
      securityGroupId: refs.groupId,
      userData: encodedUserData({ id: name, availabilityZone: zone }, this.settings),
      metadata: { [CANARY_METADATA_KEY]: '1', availability_zone: zone.slice(0, 255) },
    });
    const deadline = Date.now() + this.settings.bootTimeoutSeconds * 1000;
    let server: NovaServer | null = null;
    for (;;) {
      server = await this.compute.server(serverId);
      if (!server) throw new Error(`server ${serverId} disappeared while booting`);
      if (server.status !== 'BUILD' || Date.now() >= deadline) return server;
      await sleep(this.pollMs);
    }
  }

  /** Deletes the servers and waits (bounded by the boot timeout) until Nova no longer lists them. */
  private async deleteAndWait(servers: NovaServer[]): Promise<Array<{ server: NovaServer; error: string | null }>> {
    const results = await Promise.all(
      servers.map(async (server) => {
        try {
          await this.compute.deleteServer(server.id);
          return { server, error: null as string | null };
        } catch (error) {
          return { server, error: errorText(error) };
        }
      })
    );
    const pending = new Set(results.filter((r) => r.error === null).map((r) => r.server.id));
    const deadline = Date.now() + this.settings.bootTimeoutSeconds * 1000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const serverId of [...pending]) {
        if ((await this.compute.server(serverId)) === null) pending.delete(serverId);
      }
      if (pending.size > 0) await sleep(this.pollMs);
    }
    return results.map((r) =>
      r.error === null && pending.has(r.server.id)
        ? { ...r, error: `still there ${this.settings.bootTimeoutSeconds} s after its DELETE` }
        : r
    );
  }

  /** Each registered canary (and any of ours the registry lacks): its server's state and whether its agent answers. */
  async status(options: { probeAddress?: (canary: Canary) => ProbeTarget } = {}): Promise<StatusReport> {
    const registered = await readCanaries(this.options.dataDir);
    const servers = await this.ourServers();
    const byId = new Map(servers.map((server) => [server.id, server]));
    const entries: Canary[] = [...registered];
    for (const server of servers) {
      if (registered.some((canary) => canary.serverId === server.id)) continue;
      entries.push({
        id: server.name,
        serverId: server.id,
        name: server.name,
        datacenter: this.settings.datacenter,
        availabilityZone: server.availabilityZone ?? server.metadata.availability_zone ?? 'unknown',
        address: addressOf(server, this.settings.network),
        port: this.settings.port,
        createdAt: server.created ?? '',
      });
    }
    const canaries = await Promise.all(
      entries.map(async (canary): Promise<CanaryStatus> => {
        let serverStatus: string | null = null;
        let address = canary.address;
        if (canary.serverId !== null) {
          const server = byId.get(canary.serverId) ?? (await this.compute.server(canary.serverId));
          serverStatus = server?.status ?? 'gone';
          if (server) address = addressOf(server, this.settings.network) ?? address;
        }
        const current = { ...canary, address };
        const target = options.probeAddress
          ? options.probeAddress(current)
          : address
            ? { host: address, port: canary.port }
            : null;
        return {
          id: canary.id,
          name: canary.name,
          serverId: canary.serverId,
          datacenter: canary.datacenter,
          availabilityZone: canary.availabilityZone,
          serverStatus,
          address,
          port: canary.port,
          agent: target
            ? await probeHealth(target, this.options.probeTimeoutMs ?? 3000)
            : { answers: false, httpStatus: null, error: 'no address to probe yet' },
        };
      })
    );
    return { checkedAt: new Date().toISOString(), canaries };
  }

  destroy(): Promise<DestroyOutcome> {
    return this.exclusive(() => this.destroyNow());
  }

  private async destroyNow(): Promise<DestroyOutcome> {
    const registered = await readCanaries(this.options.dataDir);
    const servers = await this.ourServers();
    // A registered server the prefix listing missed (renamed?) is ours only if it still carries our metadata.
    for (const canary of registered) {
      if (canary.serverId === null || servers.some((server) => server.id === canary.serverId)) continue;
      const server = await this.compute.server(canary.serverId);
      if (server && server.metadata[CANARY_METADATA_KEY] === '1') servers.push(server);
    }
    const results = await this.deleteAndWait(servers);
    const deleted = results
      .filter((r) => r.error === null)
      .map((r) => ({ name: r.server.name, serverId: r.server.id }));
    const failed = results
      .filter((r) => r.error !== null)
      .map((r) => ({ name: r.server.name, serverId: r.server.id, reason: r.error! }));

    let securityGroup: DestroyOutcome['securityGroup'] = null;
    const projectId = (await this.options.session.currentToken()).projectId;
    const groups = (await this.network.securityGroupsNamed(this.settings.securityGroup, projectId)).filter(
      (group) => group.description === GROUP_DESCRIPTION
    );
    for (const group of groups) {
      // Neutron refuses (409) while a port of a deleted server still holds the group: retry until the deadline.
      const deadline = Date.now() + this.settings.bootTimeoutSeconds * 1000;
      let gone = await this.network.deleteSecurityGroup(group.id);
      while (!gone && Date.now() < deadline) {
        await sleep(this.pollMs);
        gone = await this.network.deleteSecurityGroup(group.id);
      }
      securityGroup = { id: group.id, deleted: gone };
    }

    const stillThere = new Set(failed.map((f) => f.serverId));
    const kept = registered.filter((canary) => canary.serverId === null || stillThere.has(canary.serverId));
    await writeCanaries(this.options.dataDir, kept);
    return { deleted, failed, securityGroup, unregistered: registered.length - kept.length };
  }
}

/** The address other canaries reach the server on: on the configured network if named, a fixed IPv4 first. */
export function addressOf(server: NovaServer, network: string): string | null {
  const networks = Object.entries(server.addresses);
  const preferred = networks.filter(([name]) => name === network);
  const ordered = [...preferred, ...networks.filter(([name]) => name !== network)];
  const all = ordered.flatMap(([, entries]) => entries ?? []);
  const rank = (entry: (typeof all)[number]) =>
    (entry['OS-EXT-IPS:type'] === 'floating' ? 2 : 0) + (entry.version === 6 ? 1 : 0);
  const best = all
    .filter((entry) => typeof entry.addr === 'string' && entry.addr)
    .map((entry, position) => ({ entry, position }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || a.position - b.position)[0];
  return best?.entry.addr ?? null;
}

/** GET /health on the agent, once, with a timeout. */
export async function probeHealth(
  target: { host: string; port: number },
  timeoutMs: number
): Promise<CanaryStatus['agent']> {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  try {
    const response = await fetch(`http://${host}:${target.port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return {
      answers: response.ok,
      httpStatus: response.status,
      error: response.ok ? null : `HTTP ${response.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      answers: false,
      httpStatus: null,
      error: (error as Error).name === 'TimeoutError' ? 'timed out' : (cause?.code ?? errorText(error)),
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
