// The runner's HTTP API (docs/api.md) and /metrics, on fastify.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isRunId, type ArtifactKind } from '../history/store.js';
import { CYCLE_STATUSES } from '../model.js';
import type { Monitor } from '../monitor.js';
import type { RunnerMetrics } from '../metrics.js';
import { isServiceName, type ServiceName } from '../services.js';
import { bearerMatches } from './auth.js';
import { registerCanaryDeployRoutes } from '../canary/deploy/routes.js';
import type { CanaryDeployer } from '../canary/deploy/deploy.js';
import type { CanaryPurpose } from '../canary/deploy/settings.js';
import { registerCleanupRoutes } from '../cleanup/routes.js';
import { actionTrends } from '../history/trends.js';
import type { CleanupMonitor } from '../cleanup/monitor.js';
import { registerCanaryReadRoutes } from '../canary/routes.js';
import { registerMaintenanceRoutes } from '../maintenance/routes.js';
import type { Maintenance } from '../maintenance/maintenance.js';

export const REPORT_CSP =
  "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

type ErrorCode = 'bad_request' | 'unauthorized' | 'disabled' | 'not_found' | 'conflict' | 'cloud_error' | 'stopping';
const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  disabled: 403,
  not_found: 404,
  conflict: 409,
  cloud_error: 502,
  stopping: 503,
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {}
  ) {
    super(message);
  }
}

function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(STATUS[error.code]).send({ error: error.message, code: error.code, ...error.extra });
}

// A date, or a date and time with optional seconds, fraction and offset (UTC without one).
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
// Ten or more digits: epoch milliseconds from September 2001 on. Fewer digits are a year (`2020`) or seconds, which
// Date would silently read as milliseconds after 1970.
const EPOCH_MILLISECONDS = /^\d{10,}$/;

function isoTime(value: string): Date | null {
  const m = ISO_8601.exec(value);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) =>
    part === undefined ? undefined : Number(part)
  );
  // Date rolls 2026-02-30 over to March 2nd; a field out of range is an error, not another day.
  const fields = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  if (
    fields.getUTCFullYear() !== year ||
    fields.getUTCMonth() !== month! - 1 ||
    fields.getUTCDate() !== day ||
    fields.getUTCHours() !== hour ||
    fields.getUTCMinutes() !== minute ||
    fields.getUTCSeconds() !== second
  ) {
    return null;
  }
  const date = new Date(m[4] !== undefined && m[8] === undefined ? `${value}Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Accepts ISO 8601 or epoch milliseconds (what Grafana's time picker gives), nothing else. */
export function parseTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = EPOCH_MILLISECONDS.test(value) ? new Date(Number(value)) : isoTime(value);
  if (!date || Number.isNaN(date.getTime())) {
    throw new ApiError(
      'bad_request',
      `${name} must be an ISO 8601 time (2026-11-22, 2026-11-22T06:00:00Z, 2026-11-22T07:00:00+01:00) ` +
        `or epoch milliseconds (10 or more digits, as 1763794800000); got "${value.slice(0, 64)}"`
    );
  }
  return date;
}

const ARTIFACT_ROUTES: Array<{ path: string; kind: ArtifactKind; type: string }> = [
  { path: 'report.html', kind: 'html', type: 'text/html; charset=utf-8' },
  { path: 'junit.xml', kind: 'junit', type: 'application/xml; charset=utf-8' },
  { path: 'rally.log', kind: 'log', type: 'text/plain; charset=utf-8' },
  { path: 'rally-debug.log', kind: 'debugLog', type: 'text/plain; charset=utf-8' },
];

export interface ServerOptions {
  monitor: Monitor;
  metrics: RunnerMetrics;
  logger: Logger;
  apiToken: string | null;
  protectReads: boolean;
  /** The cleanup monitor behind /api/cleanup; without one those routes answer 404. */
  cleanup?: CleanupMonitor | null;
  /** Builds the canary deployer (canary/deploy); without one the canary deploy routes answer 404. */
  canaryDeployer?: ((purpose: CanaryPurpose) => CanaryDeployer) | null;
  /** The maintenance windows behind /api/maintenance; without them those routes answer 404. */
  maintenance?: Maintenance | null;
  /** Told of every route as it is registered (the contract test compares them with docs/api.md). */
  onRoute?: (method: string, url: string) => void;
}

export function buildServer(options: ServerOptions) {
  const { monitor, metrics } = options;
  // Prometheus scrapes every few seconds: a log line per request would bury the lines about cycles.
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  if (options.onRoute) {
    const tell = options.onRoute;
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') tell(method, route.url);
    });
  }

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(reply, new ApiError('bad_request', (error as Error).message));
    }
    options.logger.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error; see the runner log', code: 'internal' });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`))
  );

  // Between a stop signal and the exit nothing may change: a cycle started now would orphan its Rally group.
  app.addHook('onRequest', async (request) => {
    if (monitor.stopping && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new ApiError('stopping', 'the runner is stopping; try again when it is back');
    }
  });

  const requireToken = (request: FastifyRequest) => {
    if (!options.apiToken) {
      throw new ApiError('disabled', 'this route is disabled: set RALLY_MONITOR_API_TOKEN on the runner to enable it');
    }
    if (!bearerMatches(request.headers.authorization, options.apiToken)) {
      throw new ApiError('unauthorized', 'missing or wrong bearer token');
    }
  };
  const readGuard = async (request: FastifyRequest) => {
    if (options.protectReads) requireToken(request);
  };
  const writeGuard = async (request: FastifyRequest) => requireToken(request);

  const runOf = (id: string) => {
    if (!isRunId(id)) throw new ApiError('bad_request', `malformed run id "${id.slice(0, 64)}"`);
    const cycle = monitor.store.get(id);
    if (!cycle) throw new ApiError('not_found', `no run ${id}`);
    return cycle;
  };

  app.get('/health', async (_request, reply) => {
    const health = await monitor.health();
    return reply.code(health.status === 'ok' ? 200 : 503).send(health);
  });

  app.get('/metrics', { onRequest: readGuard }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });

  app.get('/api/results', { onRequest: readGuard }, async () => {
    const latest = monitor.store.latest();
    if (!latest) throw new ApiError('not_found', 'no cycle has completed yet');
    return latest;
  });

  app.get('/api/history', { onRequest: readGuard }, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const service = q.service || undefined;
    if (service !== undefined && !isServiceName(service)) {
      throw new ApiError('bad_request', `unknown service "${service.slice(0, 64)}"`);
    }
    const state = q.state || undefined;
    const allowedStates: readonly string[] = service ? ['pass', 'fail', 'error', 'maintenance'] : CYCLE_STATUSES;
    if (state !== undefined && !allowedStates.includes(state)) {
      throw new ApiError(
        'bad_request',
        `state must be one of ${allowedStates.join(', ')} (got "${state.slice(0, 64)}")`
      );
    }
    const limit = q.limit === undefined || q.limit === '' ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ApiError('bad_request', `limit must be a whole number from 1 to 500 (got "${q.limit}")`);
    }
    const cursor = q.cursor || undefined;
    if (cursor !== undefined && !isRunId(cursor)) throw new ApiError('bad_request', 'malformed cursor');
    const from = parseTime('from', q.from);
    const to = parseTime('to', q.to);
    if (from && to && from > to) throw new ApiError('bad_request', 'from must not be after to');
    return monitor.store.query({
      limit,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(service ? { service: service as ServiceName } : {}),
      ...(state ? { state } : {}),
      ...(cursor ? { cursor } : {}),
    });
  });

  app.get('/api/baselines', { onRequest: readGuard }, async (request) => {
    const service = (request.query as Record<string, string | undefined>).service || undefined;
    if (service !== undefined && !isServiceName(service)) {
      throw new ApiError('bad_request', `unknown service "${service.slice(0, 64)}"`);
    }
    return actionTrends(monitor.store.all(), service as ServiceName | undefined);
  });

  app.get('/api/runs/:id', { onRequest: readGuard }, async (request) => runOf((request.params as { id: string }).id));

  for (const route of ARTIFACT_ROUTES) {
    app.get(`/api/runs/:id/${route.path}`, { onRequest: readGuard }, async (request, reply) => {
      const cycle = runOf((request.params as { id: string }).id);
      const withArtifact = cycle.services.filter((s) => s.artifacts[route.kind]);
      const asked = (request.query as { service?: string }).service;
      let service: ServiceName;
      if (asked) {
        if (!isServiceName(asked)) throw new ApiError('bad_request', `unknown service "${asked.slice(0, 64)}"`);
        if (!withArtifact.some((s) => s.service === asked)) {
          throw new ApiError('not_found', `run ${cycle.id} has no ${route.path} for ${asked}`);
        }
        service = asked;
      } else if (withArtifact.length === 1) {
        service = withArtifact[0]!.service;
      } else if (withArtifact.length === 0) {
        throw new ApiError('not_found', `run ${cycle.id} has no ${route.path}`);
      } else {
        throw new ApiError(
          'bad_request',
          `run ${cycle.id} tested several services; add ?service= (one of ${withArtifact.map((s) => s.service).join(', ')})`
        );
      }
      const path = monitor.store.artifactPath(cycle.id, service, route.kind);
      const size = await stat(path)
        .then((s) => s.size)
        .catch(() => null);
      if (size === null) {
        throw new ApiError('not_found', `${route.path} of ${service} in run ${cycle.id} was pruned or lost`);
      }
      reply
        .header('content-type', route.type)
        .header('content-length', size)
        .header('x-content-type-options', 'nosniff');
      if (route.kind === 'html') {
        reply
          .header('content-security-policy', REPORT_CSP)
          .header('cross-origin-resource-policy', 'same-origin')
          .header('referrer-policy', 'no-referrer');
      }
      return reply.send(createReadStream(path));
    });
  }

  registerCleanupRoutes(app, { cleanup: options.cleanup ?? null, readGuard, writeGuard });
  registerCanaryReadRoutes(app, { dataDir: monitor.config.dataDir, readGuard });
  registerMaintenanceRoutes(app, { maintenance: options.maintenance ?? null, readGuard, writeGuard });

  app.post('/api/runs', { onRequest: writeGuard }, async (_request, reply) => {
    const result = monitor.start('api');
    if (!result.started && result.stopping) {
      throw new ApiError('stopping', 'the runner is stopping; try again when it is back');
    }
    if (!result.started) {
      throw new ApiError('conflict', `cycle ${result.runningId} is already running`, { runningId: result.runningId });
    }
    return reply.code(202).send({ id: result.id, status: 'running' });
  });

  registerCanaryDeployRoutes(app, { deployer: options.canaryDeployer ?? null, readGuard, writeGuard });

  return app;
}
