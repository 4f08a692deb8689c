// Keystone v3 password authentication and the token's service catalog, natively over HTTP: the `openstack` CLI
// costs seconds a call, and the runner needs the catalog before every cycle.
import { readFileSync } from 'node:fs';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { OpenStackCredentials } from '../config.js';

export interface CatalogEndpoint {
  interface: string;
  region: string;
  url: string;
}

export interface CatalogEntry {
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

export interface KeystoneToken {
  value: string;
  expiresAt: Date;
  catalog: CatalogEntry[];
  /** The token's scope, when Keystone names it. */
  projectId?: string;
  userId?: string;
  /** The names Keystone gives the token's user and project, when it gives them all. */
  names?: ScopeNames;
}

export interface ScopeNames {
  username: string;
  userDomainName: string;
  projectName: string;
  projectDomainName: string;
}

export class KeystoneError extends Error {
  constructor(
    message: string,
    readonly status: number | null
  ) {
    super(message);
  }
}

export function dispatcherFor(
  credentials: Pick<OpenStackCredentials, 'cacert' | 'insecure'>,
  timeoutMs: number
): Dispatcher {
  return new Agent({
    connect: {
      ...(credentials.cacert ? { ca: readFileSync(credentials.cacert, 'utf8') } : {}),
      rejectUnauthorized: !credentials.insecure,
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });
}

function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

/**
 * The body of a token request: an application credential when one is configured (it carries its own project
 * scope), else the project-scoped password. An id wins over a name, as in keystoneauth
 * (openstack/keystoneauth keystoneauth1/identity/v3/password.py: user_domain_id before user_domain_name;
 * keystoneauth1/identity/v3/base.py, get_auth_ref: project_id alone, else project_name in project_domain_id or
 * project_domain_name).
 */
export function authRequestBody(credentials: OpenStackCredentials): { auth: Record<string, unknown> } {
  if (credentials.applicationCredential) {
    const { id, secret } = credentials.applicationCredential;
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } };
  }
  const userDomain = credentials.userDomainId ? { id: credentials.userDomainId } : { name: credentials.userDomainName };
  const projectDomain = credentials.projectDomainId
    ? { id: credentials.projectDomainId }
    : { name: credentials.projectDomainName };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: credentials.username, domain: userDomain, password: credentials.password } },
      },
      scope: {
        project: credentials.projectId
          ? { id: credentials.projectId }
          : { name: credentials.projectName, domain: projectDomain },
      },
    },
  };
}

interface NamedEntity {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

/**
 * The names of the token's user and project, with their domains' names, as Keystone renders every project-scoped
 * token (openstack/keystone keystone/common/render_token.py, render_token_response_from_model).
 */
function scopeNames(user: NamedEntity | undefined, project: NamedEntity | undefined): ScopeNames | undefined {
  const username = user?.name;
  const userDomainName = user?.domain?.name;
  const projectName = project?.name;
  const projectDomainName = project?.domain?.name;
  if (!username || !userDomainName || !projectName || !projectDomainName) return undefined;
  return { username, userDomainName, projectName, projectDomainName };
}

/** Authenticates and returns the token with its catalog. Never logs the password or the credential's secret. */
export async function authenticate(
  credentials: OpenStackCredentials,
  options: { timeoutMs?: number; dispatcher?: Dispatcher } = {}
): Promise<KeystoneToken> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const body = authRequestBody(credentials);
  let response;
  try {
    response = await fetch(tokensUrl(credentials.authUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      dispatcher: options.dispatcher ?? dispatcherFor(credentials, timeoutMs),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new KeystoneError(
      `Keystone at ${credentials.authUrl} is unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      null
    );
  }
  if (response.status !== 201) {
    const text = (await response.text()).slice(0, 300).replace(/\s+/g, ' ');
    throw new KeystoneError(`Keystone refused authentication (HTTP ${response.status}): ${text}`, response.status);
  }
  const value = response.headers.get('x-subject-token');
  const document = (await response.json()) as {
    token?: { expires_at?: string; catalog?: CatalogEntry[]; project?: NamedEntity; user?: NamedEntity };
  };
  if (!value || !document.token) throw new KeystoneError('Keystone answered without a token', response.status);
  const names = scopeNames(document.token.user, document.token.project);
  return {
    value,
    expiresAt: new Date(document.token.expires_at ?? Date.now() + 3_600_000),
    catalog: document.token.catalog ?? [],
    ...(document.token.project?.id ? { projectId: document.token.project.id } : {}),
    ...(document.token.user?.id ? { userId: document.token.user.id } : {}),
    ...(names ? { names } : {}),
  };
}

/** The endpoint URLs of one catalog type for the configured interface and region. */
export function endpointsOf(
  catalog: readonly CatalogEntry[],
  types: readonly string[],
  iface: string,
  region: string
): string[] {
  return catalog
    .filter((entry) => types.includes(entry.type))
    .flatMap((entry) => entry.endpoints)
    .filter((endpoint) => endpoint.interface === iface && (!region || !endpoint.region || endpoint.region === region))
    .map((endpoint) => endpoint.url);
}
