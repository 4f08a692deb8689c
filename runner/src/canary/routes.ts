// The runner's canary read routes (docs/api.md): the registry (registry.ts) as the agents' peer list and as the
// Prometheus HTTP service discovery list. Reads, guarded like the others. Deploy, status and destroy are elsewhere.
import type { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CanaryRegistryError, canaryTargets, readCanaries, type Canary } from './registry.js';

/** One entry of GET /api/canary/peers: what an agent with CANARY_DISCOVERY_URL probes. */
export interface CanaryPeer {
  id: string;
  datacenter: string;
  availabilityZone: string;
  url: string;
}

export function canaryPeers(canaries: Canary[]): CanaryPeer[] {
  return canaries
    .filter((canary): canary is Canary & { address: string } => canary.address !== null)
    .map((canary) => ({
      id: canary.id,
      datacenter: canary.datacenter,
      availabilityZone: canary.availabilityZone,
      url: `http://${canary.address.includes(':') ? `[${canary.address}]` : canary.address}:${canary.port}`,
    }));
}

type RunnerApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export function registerCanaryReadRoutes(
  app: RunnerApp,
  options: { dataDir: string; readGuard: (request: FastifyRequest) => Promise<void> }
): void {
  // A registry that cannot be read is an answer that says so, not an empty list: Prometheus keeps its last
  // targets on an error, where an empty list would drop every canary (and its alerts) at once.
  const withRegistry = async <T>(reply: FastifyReply, answer: (canaries: Canary[]) => T) => {
    try {
      return answer(await readCanaries(options.dataDir));
    } catch (error) {
      if (!(error instanceof CanaryRegistryError)) throw error;
      return reply.code(500).send({ error: error.message, code: 'registry' });
    }
  };
  app.get('/api/canary/peers', { onRequest: options.readGuard }, async (_request, reply) =>
    withRegistry(reply, (canaries) => ({ peers: canaryPeers(canaries) }))
  );
  app.get('/api/canary/targets', { onRequest: options.readGuard }, async (_request, reply) =>
    withRegistry(reply, (canaries) => canaryTargets(canaries))
  );
}
