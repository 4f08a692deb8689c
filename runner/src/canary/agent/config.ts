// The canary agent's configuration, from the environment (README.md, "The dataplane canary"). A bad value stops the
// agent at start with one line naming the variable: a canary that probes the wrong peers, itself, or in a busy loop
// would report a dataplane that is not there.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

export class AgentConfigError extends Error {}

/** One peer as configured: where to connect, and `endpoint` (host:port, brackets around IPv6) to name it by. */
export interface PeerAddress {
  host: string;
  port: number;
  endpoint: string;
}

export interface AgentConfig {
  id: string;
  datacenter: string;
  availabilityZone: string;
  listenAddress: string;
  port: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  peers: PeerAddress[];
  /** The runner's GET /api/canary/peers, polled for the peer list (null: PEER_ENDPOINTS only). */
  discoveryUrl: string | null;
  /** Bearer token for the discovery URL (a runner with RALLY_MONITOR_PROTECT_READS), or null. */
  discoveryToken: string | null;
  discoveryIntervalSeconds: number;
}

/** What the agent knows of its own host, to recognise itself among its peers (a parameter for the tests). */
export interface LocalHost {
  hostname: string;
  localAddresses: string[];
}

export function localHost(): LocalHost {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .map((entry) => entry?.address)
    .filter((address): address is string => Boolean(address));
  return { hostname: hostname(), localAddresses: addresses };
}

// Label values and ids: printable, no spaces or quotes, bounded (they become Prometheus label values and log fields).
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const endpointOf = (host: string, port: number) => `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;

function portOf(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new AgentConfigError(`${what}: the port must be a number from 1 to 65535`);
  }
  return Number(text);
}

/** `http://host[:port][/]` or `host:port` (IPv6 in brackets). No other scheme, path, user or query. */
export function parsePeer(text: string): PeerAddress {
  const trimmed = text.trim();
  const why = (reason: string) =>
    new AgentConfigError(`"${trimmed.slice(0, 100)}" is not a peer (${reason}; use http://host:port or host:port)`);
  let host: string;
  let port: number;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw why('not a URL');
    }
    if (url.protocol !== 'http:') throw why(`the agent speaks plain http, not ${url.protocol.slice(0, -1)}`);
    if (url.username || url.password) throw why('no user or password in a peer URL');
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw why('no path or query');
    host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    port = url.port ? Number(url.port) : 80;
  } else {
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):([^:]*)$/.exec(trimmed);
    if (!match) throw why('no host:port');
    host = (match[1] ?? match[2])!;
    try {
      port = portOf(match[3]!, 'port');
    } catch {
      throw why('the port must be a number from 1 to 65535');
    }
  }
  if (!(isIP(host) || HOST_NAME.test(host))) throw why('not a host name or IP address');
  return { host, port, endpoint: endpointOf(host, port) };
}

function seconds(env: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text.trim());
  if (!/^\d*\.?\d+$/.test(text.trim()) || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new AgentConfigError(
      `${name}: must be a number of seconds above 0 and at most ${max} (fractions allowed), got "${text.slice(0, 40)}"`
    );
  }
  return value;
}

function name(env: Record<string, string | undefined>, variable: string, fallback: string): string {
  const value = env[variable]?.trim() || fallback;
  if (!NAME.test(value)) {
    throw new AgentConfigError(
      `${variable}: "${value.slice(0, 70)}" must be 1-63 letters, digits, dots, dashes, underscores or colons`
    );
  }
  return value;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

export function loadAgentConfig(env: Record<string, string | undefined>, local: LocalHost = localHost()): AgentConfig {
  const id = name(env, 'CANARY_ID', `canary-${local.hostname}`);
  const datacenter = name(env, 'DATACENTER', 'default');
  const availabilityZone = name(env, 'AVAILABILITY_ZONE', 'default');
  const listenAddress = env.CANARY_LISTEN_ADDRESS?.trim() || '0.0.0.0';
  if (!isIP(listenAddress)) {
    throw new AgentConfigError(`CANARY_LISTEN_ADDRESS: "${listenAddress.slice(0, 70)}" is not an IP address`);
  }
  const port = env.CANARY_PORT?.trim() ? portOf(env.CANARY_PORT.trim(), 'CANARY_PORT') : 8080;
  const intervalSeconds = seconds(env, 'TRAFFIC_INTERVAL', 10, 3600);
  const timeoutSeconds = seconds(env, 'CANARY_PROBE_TIMEOUT', 2, 60);
  const discoveryIntervalSeconds = seconds(env, 'CANARY_DISCOVERY_INTERVAL', 60, 86400);

  let discoveryUrl: string | null = null;
  if (env.CANARY_DISCOVERY_URL?.trim()) {
    const text = env.CANARY_DISCOVERY_URL.trim();
    try {
      const url = new URL(text);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      discoveryUrl = url.toString();
    } catch {
      throw new AgentConfigError(`CANARY_DISCOVERY_URL: "${text.slice(0, 100)}" is not an http(s) URL`);
    }
  }

  // Names this host answers to on the agent's port: itself, not a peer.
  const own = new Set(
    WILDCARD.has(listenAddress)
      ? [...local.localAddresses, local.hostname, 'localhost', '127.0.0.1', '::1'].map((h) => h.toLowerCase())
      : [listenAddress.toLowerCase()]
  );
  const peers: PeerAddress[] = [];
  const seen = new Set<string>();
  for (const text of (env.PEER_ENDPOINTS ?? '').split(',').filter((part) => part.trim() !== '')) {
    let peer: PeerAddress;
    try {
      peer = parsePeer(text);
    } catch (error) {
      throw new AgentConfigError(`PEER_ENDPOINTS: ${(error as Error).message}`);
    }
    if (peer.port === port && own.has(peer.host.toLowerCase())) {
      throw new AgentConfigError(
        `PEER_ENDPOINTS: ${peer.endpoint} is this canary's own address (it listens on ${endpointOf(listenAddress, port)}); a canary does not probe itself`
      );
    }
    if (seen.has(peer.endpoint.toLowerCase())) {
      throw new AgentConfigError(`PEER_ENDPOINTS: ${peer.endpoint} is listed twice`);
    }
    seen.add(peer.endpoint.toLowerCase());
    peers.push(peer);
  }
  return {
    id,
    datacenter,
    availabilityZone,
    listenAddress,
    port,
    intervalSeconds,
    timeoutSeconds,
    peers,
    discoveryUrl,
    discoveryToken: env.CANARY_DISCOVERY_TOKEN?.trim() || null,
    discoveryIntervalSeconds,
  };
}
