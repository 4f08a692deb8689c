// The canary agent: probes every peer each TRAFFIC_INTERVAL, answers its peers' probes, and serves /health,
// /health/detailed, /connectivity and /metrics (docs/canary.md). Node's own http and net plus prom-client, nothing
// else: it is installed on small canary VMs by cloud-init.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AgentConfig, PeerAddress } from './config.js';
import { parsePeer } from './config.js';
import { echoAnswer, MAX_ECHO_BYTES, type CanaryIdentity } from './echo.js';
import { CanaryMetrics, type PathLabels } from './metrics.js';
import { probePeer, type ProbeOutcome } from './probe.js';

/** A peer is unreachable after this many probes in a row were lost (one lost probe is loss, not an outage). */
export const LOST_IN_A_ROW_UNREACHABLE = 3;
/** Request ids of a peer's recent probes, to tell a late answer from a wrong one. */
const RECENT_IDS = 64;
const UNKNOWN = 'unknown';

export type AgentLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

interface LastProbe {
  at: string;
  result: ProbeOutcome['result'];
  rttSeconds: number | null;
  connectSeconds: number | null;
  requestId: string;
  detail?: string;
}

interface PeerState {
  address: PeerAddress;
  fromDiscovery: boolean;
  /** The peer's canary id, datacenter and zone: from the discovery list, else from its first answer. */
  identity: CanaryIdentity | null;
  labels: PathLabels;
  recentIds: string[];
  lostInARow: number;
  reachable: boolean | null;
  lastProbe: LastProbe | null;
}

interface DiscoveredPeer {
  id: string;
  datacenter: string;
  availabilityZone: string;
  url: string;
}

export class CanaryAgent {
  readonly metrics = new CanaryMetrics();
  private readonly peers = new Map<string, PeerState>();
  /** Endpoints that answered as this canary itself: never probed again, even when discovery lists them. */
  private readonly selfEndpoints = new Set<string>();
  private readonly server: Server;
  private readonly startedAt = Date.now();
  private probeTimer: NodeJS.Timeout | null = null;
  private discoveryTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private connectivityRun: Promise<unknown> | null = null;
  private discovery = { lastAt: null as string | null, error: null as string | null, peers: 0 };
  private readonly log: AgentLog;
  private stopped = false;

  constructor(
    private readonly config: AgentConfig,
    options: { log?: AgentLog } = {}
  ) {
    this.log = options.log ?? jsonLog;
    for (const address of config.peers) this.addPeer(address, false, null);
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: Error) => {
        this.log('error', 'request failed', { error: error.message });
        if (!response.headersSent) send(response, 500, { error: 'internal error' });
      });
    });
    // A peer's probe is a new connection each time: no keep-alive state to hold on to.
    this.server.keepAliveTimeout = 1000;
  }

  get identity(): CanaryIdentity {
    return { id: this.config.id, datacenter: this.config.datacenter, availabilityZone: this.config.availabilityZone };
  }

  /** Listens on CANARY_LISTEN_ADDRESS:CANARY_PORT; answers the port (0 in tests picks a free one). */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.listenAddress, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as { port: number }).port;
  }

  /** Starts the probe loop (and the discovery poll when a discovery URL is set). */
  start(): void {
    this.probeTimer = setInterval(() => this.probeAll(), this.config.intervalSeconds * 1000);
    if (this.config.discoveryUrl) {
      void this.discover();
      this.discoveryTimer = setInterval(() => void this.discover(), this.config.discoveryIntervalSeconds * 1000);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    if (this.discoveryTimer) clearInterval(this.discoveryTimer);
    await Promise.allSettled([...this.inFlight]);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private labelsOf(address: PeerAddress, identity: CanaryIdentity | null): PathLabels {
    return {
      src_datacenter: this.config.datacenter,
      src_az: this.config.availabilityZone,
      dst_datacenter: identity?.datacenter ?? UNKNOWN,
      dst_az: identity?.availabilityZone ?? UNKNOWN,
      // Named by its endpoint until it says who it is.
      peer: identity?.id ?? address.endpoint,
    };
  }

  private addPeer(address: PeerAddress, fromDiscovery: boolean, identity: CanaryIdentity | null): PeerState {
    const labels = this.labelsOf(address, identity);
    const state: PeerState = {
      address,
      fromDiscovery,
      identity,
      labels,
      recentIds: [],
      lostInARow: 0,
      reachable: null,
      lastProbe: null,
    };
    this.peers.set(address.endpoint.toLowerCase(), state);
    this.metrics.addPeer(labels);
    return state;
  }

  private removePeer(key: string): void {
    const state = this.peers.get(key);
    if (!state) return;
    this.peers.delete(key);
    this.metrics.removePeer(state.labels);
  }

  /** The peer said who it is (or the discovery list did): its series move to its real labels. */
  private learn(state: PeerState, identity: CanaryIdentity): void {
    const known = state.identity;
    if (
      known &&
      known.id === identity.id &&
      known.datacenter === identity.datacenter &&
      known.availabilityZone === identity.availabilityZone
    ) {
      return;
    }
    state.identity = identity;
    const labels = this.labelsOf(state.address, identity);
    this.metrics.removePeer(state.labels);
    state.labels = labels;
    this.metrics.addPeer(labels);
    if (state.reachable !== null) this.metrics.setReachable(labels, state.reachable);
  }

  private async probe(state: PeerState): Promise<ProbeOutcome> {
    const requestId = `${this.config.id}-${randomBytes(6).toString('hex')}`;
    const earlier = new Set(state.recentIds);
    state.recentIds.push(requestId);
    if (state.recentIds.length > RECENT_IDS) state.recentIds.shift();
    const outcome = await probePeer(state.address, {
      timeoutMs: this.config.timeoutSeconds * 1000,
      requestId,
      isEarlierId: (id) => earlier.has(id),
    });
    if (!this.peers.has(state.address.endpoint.toLowerCase())) return outcome; // removed meanwhile
    if (outcome.result === 'ok' && outcome.responder) {
      if (outcome.responder.id === this.config.id) {
        // Its own address under another name (a NAT, an alias in the registry): no test of the network.
        const key = state.address.endpoint.toLowerCase();
        this.selfEndpoints.add(key);
        this.removePeer(key);
        this.log('warn', 'a peer endpoint answers as this canary itself; it is no longer probed', {
          endpoint: state.address.endpoint,
        });
        return outcome;
      }
      this.learn(state, outcome.responder);
    }
    const wasReachable = state.reachable;
    if (outcome.result === 'ok') {
      state.lostInARow = 0;
      state.reachable = true;
    } else if (++state.lostInARow >= LOST_IN_A_ROW_UNREACHABLE) {
      state.reachable = false;
    }
    if (wasReachable !== state.reachable && state.reachable !== null) {
      this.log(state.reachable ? 'info' : 'warn', state.reachable ? 'peer reachable' : 'peer unreachable', {
        peer: state.labels.peer,
        endpoint: state.address.endpoint,
        result: outcome.result,
        ...(outcome.detail ? { detail: outcome.detail } : {}),
      });
    }
    state.lastProbe = {
      at: new Date().toISOString(),
      result: outcome.result,
      rttSeconds: outcome.rttSeconds,
      connectSeconds: outcome.connectSeconds,
      requestId,
      ...(outcome.detail ? { detail: outcome.detail } : {}),
    };
    this.metrics.record(state.labels, outcome, state.reachable);
    return outcome;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  /** One probe of every peer, at once (each bounded by the probe timeout). */
  probeAll(): Promise<Array<{ state: PeerState; outcome: ProbeOutcome }>> {
    const states = [...this.peers.values()];
    return this.track(Promise.all(states.map(async (state) => ({ state, outcome: await this.probe(state) }))));
  }

  private async discover(): Promise<void> {
    const url = this.config.discoveryUrl!;
    try {
      const response = await fetch(url, {
        headers: this.config.discoveryToken ? { authorization: `Bearer ${this.config.discoveryToken}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { peers?: unknown };
      if (!Array.isArray(body.peers)) throw new Error('the answer has no "peers" list');
      const listed = new Map<string, { address: PeerAddress; identity: CanaryIdentity }>();
      for (const entry of body.peers as DiscoveredPeer[]) {
        if (!entry || typeof entry.id !== 'string' || typeof entry.url !== 'string') continue;
        if (entry.id === this.config.id) continue; // itself
        let address: PeerAddress;
        try {
          address = parsePeer(entry.url);
        } catch (error) {
          this.log('warn', 'discovery lists a peer that is not an address; left out', {
            peer: entry.id.slice(0, 64),
            error: (error as Error).message,
          });
          continue;
        }
        listed.set(address.endpoint.toLowerCase(), {
          address,
          identity: {
            id: entry.id,
            datacenter: String(entry.datacenter ?? UNKNOWN),
            availabilityZone: String(entry.availabilityZone ?? UNKNOWN),
          },
        });
      }
      for (const [key, state] of this.peers) {
        if (state.fromDiscovery && !listed.has(key)) this.removePeer(key);
      }
      for (const [key, { address, identity }] of listed) {
        if (this.selfEndpoints.has(key)) continue;
        const state = this.peers.get(key) ?? this.addPeer(address, true, identity);
        this.learn(state, identity);
      }
      if (this.discovery.error) this.log('info', 'peer discovery works again', { url });
      this.discovery = { lastAt: new Date().toISOString(), error: null, peers: listed.size };
    } catch (error) {
      const message = (error as Error).message.slice(0, 200);
      if (this.discovery.error !== message) {
        this.log('warn', 'peer discovery failed; keeping the peers known so far', { url, error: message });
      }
      this.discovery = { ...this.discovery, error: message };
    }
  }

  private peerView(state: PeerState) {
    return {
      peer: state.labels.peer,
      endpoint: state.address.endpoint,
      datacenter: state.labels.dst_datacenter,
      availabilityZone: state.labels.dst_az,
      source: state.fromDiscovery ? 'discovery' : 'PEER_ENDPOINTS',
      reachable: state.reachable,
      lostInARow: state.lostInARow,
      lastProbe: state.lastProbe,
    };
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    if (method === 'POST' && path === '/echo') return this.echo(request, response);
    if (method !== 'GET' && method !== 'HEAD') return send(response, 405, { error: `${method} is not allowed here` });
    switch (path) {
      case '/health':
        return send(response, 200, { status: 'ok', ...this.identity });
      case '/health/detailed':
        return send(response, 200, {
          status: 'ok',
          ...this.identity,
          uptimeSeconds: (Date.now() - this.startedAt) / 1000,
          intervalSeconds: this.config.intervalSeconds,
          timeoutSeconds: this.config.timeoutSeconds,
          discovery: this.config.discoveryUrl ? { url: this.config.discoveryUrl, ...this.discovery } : null,
          peers: [...this.peers.values()].map((state) => this.peerView(state)),
        });
      case '/connectivity': {
        // Concurrent callers share one round: a burst of requests is still one probe per peer.
        this.connectivityRun ??= this.probeAll().finally(() => (this.connectivityRun = null));
        const results = (await this.connectivityRun) as Awaited<ReturnType<CanaryAgent['probeAll']>>;
        return send(response, 200, {
          ...this.identity,
          at: new Date().toISOString(),
          reachable: results.filter((r) => r.outcome.result === 'ok').length,
          total: results.length,
          peers: results.map(({ state, outcome }) => ({
            peer: state.labels.peer,
            endpoint: state.address.endpoint,
            datacenter: state.labels.dst_datacenter,
            availabilityZone: state.labels.dst_az,
            result: outcome.result,
            rttSeconds: outcome.rttSeconds,
            connectSeconds: outcome.connectSeconds,
            ...(outcome.detail ? { detail: outcome.detail } : {}),
          })),
        });
      }
      case '/metrics': {
        const { contentType, body } = await this.metrics.render();
        response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        response.end(body);
        return;
      }
      default:
        return send(response, 404, { error: `no route ${method} ${path.slice(0, 100)}` });
    }
  }

  private echo(request: IncomingMessage, response: ServerResponse): void {
    let body = '';
    let tooLarge = false;
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      if (tooLarge) return;
      body += chunk;
      if (body.length > MAX_ECHO_BYTES) tooLarge = true;
    });
    request.on('end', () => {
      const answer = tooLarge
        ? { status: 400, body: '{"error":"not a probe: too large"}' }
        : echoAnswer(body, this.identity);
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer.body),
      });
      response.end(answer.body);
    });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** One JSON object a line on stdout, like the runner's log. */
export const jsonLog: AgentLog = (level, message, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
};
