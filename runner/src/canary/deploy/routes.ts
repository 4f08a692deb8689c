// The canary deployment routes of the HTTP API (docs/api.md): deploy and destroy need the write token like
// POST /api/runs; status is a read. The read routes the agents and Prometheus use (/api/canary/peers, /targets)
// live in ../routes.ts. Bodies are checked strictly here (zod: no type coercion, no unknown field); response
// schemas shape the answers as docs/api.md types them (fastify drops any field they do not name).
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError } from '../../config.js';
import { CloudLookupError } from '../../openstack/compute.js';
import { KeystoneError } from '../../openstack/keystone.js';
import { OpenStackError } from '../../openstack/session.js';
import { ApiError } from '../../http/server.js';
import { CanaryBusyError, type CanaryDeployer } from './deploy.js';
import type { CanaryPurpose } from './settings.js';

export interface CanaryDeployRouteOptions {
  /** Builds the deployer from the current configuration; throws ConfigError when canaries are not configured. */
  deployer: ((purpose: CanaryPurpose) => CanaryDeployer) | null;
  readGuard: (request: FastifyRequest) => Promise<void>;
  writeGuard: (request: FastifyRequest) => Promise<void>;
}

type RunnerApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

const str = { type: 'string' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
});
const arrayOf = (items: unknown) => ({ type: 'array', items });

const DEPLOY_OUTCOME = object({
  securityGroup: object({ id: str, name: str, created: { type: 'boolean' } }),
  zones: arrayOf(str),
  canaries: arrayOf(
    object({
      id: str,
      name: str,
      serverId: str,
      availabilityZone: str,
      action: { type: 'string', enum: ['kept', 'created', 'replaced'] },
      serverStatus: str,
      address: nullableString,
    })
  ),
  failed: arrayOf(object({ name: str, availabilityZone: str, serverId: nullableString, reason: str })),
  surplus: arrayOf(str),
});

const STATUS_REPORT = object({
  checkedAt: str,
  canaries: arrayOf(
    object({
      id: str,
      name: str,
      serverId: nullableString,
      datacenter: str,
      availabilityZone: str,
      serverStatus: nullableString,
      address: nullableString,
      port: { type: 'integer' },
      agent: object({ answers: { type: 'boolean' }, httpStatus: { type: ['integer', 'null'] }, error: nullableString }),
    })
  ),
});

const DESTROY_OUTCOME = object({
  deleted: arrayOf(object({ name: str, serverId: str })),
  failed: arrayOf(object({ name: str, serverId: str, reason: str })),
  securityGroup: { ...object({ id: str, deleted: { type: 'boolean' } }), type: ['object', 'null'] },
  unregistered: { type: 'integer' },
});

const deployBody = z.strictObject({ perAz: z.number().int().min(1).max(20).optional() });
const destroyBody = z.strictObject({});

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ApiError('bad_request', `malformed body: ${where}${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** Maps what a deploy can fail with to the API's errors; anything else is the runner's own 500. */
async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof ConfigError) {
      throw new ApiError('disabled', `canary deployment is not configured on the runner: ${error.message}`);
    }
    if (error instanceof CanaryBusyError) throw new ApiError('conflict', error.message);
    if (error instanceof CloudLookupError || error instanceof OpenStackError || error instanceof KeystoneError) {
      throw new ApiError('cloud_error', `the cloud refused or failed: ${error.message}`);
    }
    if (error instanceof Error && /availability zone|security groups are named/.test(error.message)) {
      throw new ApiError('cloud_error', error.message);
    }
    throw error;
  }
}

export function registerCanaryDeployRoutes(app: RunnerApp, options: CanaryDeployRouteOptions): void {
  const deployer = (purpose: CanaryPurpose): CanaryDeployer => {
    if (!options.deployer) throw new ApiError('not_found', 'canary deployment is not available in this process');
    return options.deployer(purpose);
  };

  app.post(
    '/api/canary/deploy',
    { onRequest: options.writeGuard, schema: { response: { 200: DEPLOY_OUTCOME } } },
    async (request) => {
      const body = parseBody(deployBody, request.body);
      return translated(() => deployer('deploy').deploy(body.perAz === undefined ? {} : { perAz: body.perAz }));
    }
  );

  app.get(
    '/api/canary/status',
    { onRequest: options.readGuard, schema: { response: { 200: STATUS_REPORT } } },
    async () => translated(() => deployer('inspect').status())
  );

  app.post(
    '/api/canary/destroy',
    { onRequest: options.writeGuard, schema: { response: { 200: DESTROY_OUTCOME } } },
    async (request) => {
      parseBody(destroyBody, request.body);
      return translated(() => deployer('inspect').destroy());
    }
  );
}
