// The cleanup routes of the HTTP API (docs/api.md): the current leaks, the purge (dry run unless confirmed), and
// the audit log.
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ApiError } from '../http/server.js';
import { CleanupBusyError, type CleanupMonitor } from './monitor.js';
import { parsePurgeRequest, PurgeRequestError } from './purge.js';

export interface CleanupRouteOptions {
  cleanup: CleanupMonitor | null;
  readGuard: (request: FastifyRequest) => Promise<void>;
  writeGuard: (request: FastifyRequest) => Promise<void>;
}

/** The runner's fastify instance (it logs through pino). */
type RunnerApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export function registerCleanupRoutes(app: RunnerApp, options: CleanupRouteOptions): void {
  const { readGuard, writeGuard } = options;
  const monitor = (): CleanupMonitor => {
    if (!options.cleanup) throw new ApiError('not_found', 'the cleanup monitor is not running in this process');
    return options.cleanup;
  };

  app.get('/api/cleanup', { onRequest: readGuard }, async (request) => {
    const refresh = (request.query as { refresh?: string }).refresh;
    if (refresh !== undefined && !['true', 'false', '1', '0', ''].includes(refresh)) {
      throw new ApiError('bad_request', `refresh must be true or false (got "${refresh.slice(0, 64)}")`);
    }
    if (refresh === 'true' || refresh === '1') {
      const { report, refresh: outcome } = await monitor().refresh();
      return { ...report, refresh: outcome };
    }
    return monitor().current();
  });

  app.post('/api/cleanup/purge', { onRequest: writeGuard }, async (request) => {
    let parsed;
    try {
      parsed = parsePurgeRequest(request.body);
    } catch (error) {
      if (error instanceof PurgeRequestError) throw new ApiError('bad_request', error.message);
      throw error;
    }
    try {
      return await monitor().purge(parsed, 'api');
    } catch (error) {
      if (error instanceof CleanupBusyError) throw new ApiError('conflict', error.message);
      throw error;
    }
  });

  app.get('/api/cleanup/audit', { onRequest: readGuard }, async (request) => {
    const raw = (request.query as { limit?: string }).limit;
    const limit = raw === undefined || raw === '' ? 100 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new ApiError(
        'bad_request',
        `limit must be a whole number from 1 to 10000 (got "${String(raw).slice(0, 64)}")`
      );
    }
    return { entries: await monitor().audit.read(limit) };
  });
}
