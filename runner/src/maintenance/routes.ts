// The maintenance routes of the HTTP API (docs/api.md): list, read, declare (token) and cancel (token) windows.
// Route schemas check the body's shape and shape the answers (fastify drops any field they do not name); the rules
// of a window (maintenance/window.ts) answer their own 400s, each saying what is wrong.
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ApiError } from '../http/server.js';
import { SERVICE_NAMES } from '../services.js';
import type { Maintenance } from './maintenance.js';
import { WINDOW_ID_PATTERN, WindowError } from './window.js';

type RunnerApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface MaintenanceRouteOptions {
  maintenance: Maintenance | null;
  readGuard: (request: FastifyRequest) => Promise<void>;
  writeGuard: (request: FastifyRequest) => Promise<void>;
}

const nullableString = { type: ['string', 'null'] } as const;

export const WINDOW_SCHEMA = {
  type: 'object',
  required: ['id', 'services', 'start', 'end', 'reason', 'source', 'createdAt', 'cancelledAt', 'state', 'silence'],
  properties: {
    id: { type: 'string' },
    services: { type: 'array', items: { type: 'string', enum: [...SERVICE_NAMES] } },
    start: { type: 'string' },
    end: { type: 'string' },
    reason: { type: 'string' },
    source: { type: 'string', enum: ['api', 'provisioning'] },
    createdAt: { type: 'string' },
    cancelledAt: nullableString,
    state: { type: 'string', enum: ['upcoming', 'active', 'ended', 'cancelled'] },
    silence: {
      type: 'object',
      required: ['id', 'state'],
      properties: {
        id: nullableString,
        state: { type: 'string', enum: ['disabled', 'pending', 'active', 'expired', 'failed'] },
        error: { type: 'string' },
        syncedAt: { type: 'string' },
      },
    },
  },
} as const;

const DECLARE_BODY = {
  type: 'object',
  required: ['services', 'end', 'reason'],
  properties: {
    services: { type: 'array', minItems: 1, maxItems: SERVICE_NAMES.length, items: { type: 'string', maxLength: 64 } },
    start: { type: 'string', maxLength: 64 },
    end: { type: 'string', maxLength: 64 },
    reason: { type: 'string', maxLength: 2000 },
  },
} as const;

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 128 } } } as const;

export function registerMaintenanceRoutes(app: RunnerApp, options: MaintenanceRouteOptions): void {
  const { readGuard, writeGuard } = options;
  const maintenance = (): Maintenance => {
    if (!options.maintenance) throw new ApiError('not_found', 'maintenance windows are not kept in this process');
    return options.maintenance;
  };
  const idOf = (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    if (!WINDOW_ID_PATTERN.test(id)) throw new ApiError('bad_request', `malformed window id "${id.slice(0, 64)}"`);
    return id;
  };
  const asApiError = (error: unknown) =>
    error instanceof WindowError ? new ApiError('bad_request', error.message) : error;

  app.get(
    '/api/maintenance',
    {
      onRequest: readGuard,
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['windows'],
            properties: { windows: { type: 'array', items: WINDOW_SCHEMA } },
          },
        },
      },
    },
    async () => ({ windows: maintenance().views() })
  );

  app.get(
    '/api/maintenance/:id',
    { onRequest: readGuard, schema: { params: ID_PARAMS, response: { 200: WINDOW_SCHEMA } } },
    async (request) => {
      const id = idOf(request);
      const window = maintenance().view(id);
      if (!window) throw new ApiError('not_found', `no maintenance window ${id}`);
      return window;
    }
  );

  app.post(
    '/api/maintenance',
    { onRequest: writeGuard, schema: { body: DECLARE_BODY, response: { 201: WINDOW_SCHEMA } } },
    async (request, reply) => {
      try {
        return reply.code(201).send(await maintenance().declare(request.body));
      } catch (error) {
        throw asApiError(error);
      }
    }
  );

  app.delete(
    '/api/maintenance/:id',
    { onRequest: writeGuard, schema: { params: ID_PARAMS, response: { 200: WINDOW_SCHEMA } } },
    async (request) => {
      const id = idOf(request);
      let window;
      try {
        window = await maintenance().cancel(id);
      } catch (error) {
        if (error instanceof WindowError) throw new ApiError('conflict', error.message);
        throw error;
      }
      if (!window) throw new ApiError('not_found', `no maintenance window ${id}`);
      return window;
    }
  );
}
