// A native OpenStack API client: one Keystone token reused until it nears expiry, endpoints from its catalog,
// bounded concurrency, per-request timeouts, and retries with backoff on 5xx answers and connection errors.
// The `openstack` CLI costs seconds a call; a scan of every service makes dozens of calls.
import type { Dispatcher } from 'undici';
import { fetch } from 'undici';
import type { OpenStackCredentials } from '../config.js';
import { CATALOG_TYPES, type ServiceName } from '../services.js';
import { authenticate, dispatcherFor, endpointsOf, type KeystoneToken } from './keystone.js';

export class OpenStackError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly url: string
  ) {
    super(message);
  }
}

export interface SessionOptions {
  timeoutMs?: number;
  /** Attempts after the first on 5xx or a connection error. */
  retries?: number;
  /** The first backoff; it doubles on each retry (with jitter). */
  backoffMs?: number;
  /** Requests in flight at once, across the whole session. */
  concurrency?: number;
  /** A token is renewed this long before it expires. */
  renewBeforeMs?: number;
  dispatcher?: Dispatcher;
  /** For tests of the token logic. */
  authenticate?: (credentials: OpenStackCredentials) => Promise<KeystoneToken>;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'PATCH';
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses that count as an answer (default: 2xx). Others throw OpenStackError. */
  accept?: (status: number) => boolean;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A counting semaphore: at most `limit` callers run at once, the rest wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** Maps items through `work` with at most `limit` in flight; results keep the input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const RETRYABLE_STATUS = (status: number) => status >= 500 && status !== 501;

function refused(error: unknown): boolean {
  return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export class OpenStackSession {
  private token: KeystoneToken | null = null;
  private pendingToken: Promise<KeystoneToken> | null = null;
  private readonly limiter: Limiter;
  private readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly renewBeforeMs: number;

  constructor(
    readonly credentials: OpenStackCredentials,
    private readonly options: SessionOptions = {}
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? 250;
    this.renewBeforeMs = options.renewBeforeMs ?? 5 * 60_000;
    this.limiter = new Limiter(options.concurrency ?? 8);
    this.dispatcher = options.dispatcher ?? dispatcherFor(credentials, this.timeoutMs);
  }

  /** The current token, renewed when it is missing or close to expiry. Concurrent callers share one request. */
  async currentToken(): Promise<KeystoneToken> {
    if (this.token && this.token.expiresAt.getTime() - Date.now() > this.renewBeforeMs) return this.token;
    this.pendingToken ??= (
      this.options.authenticate ?? ((c) => authenticate(c, { timeoutMs: this.timeoutMs, dispatcher: this.dispatcher }))
    )(this.credentials).then(
      (token) => {
        this.token = token;
        this.pendingToken = null;
        return token;
      },
      (error: unknown) => {
        this.pendingToken = null;
        throw error;
      }
    );
    return this.pendingToken;
  }

  /** Forgets the token, so the next call authenticates again (after a 401, or when credentials changed). */
  invalidate(): void {
    this.token = null;
  }

  /** The service's endpoint for the configured interface and region, or null when the catalog lacks it. */
  async endpoint(service: ServiceName): Promise<string | null> {
    const token = await this.currentToken();
    const urls = endpointsOf(
      token.catalog,
      CATALOG_TYPES[service],
      this.credentials.interface,
      this.credentials.regionName
    );
    return urls[0]?.replace(/\/+$/, '') ?? null;
  }

  /** One API call with the token, retried on 5xx and connection errors, re-authenticated once on 401. */
  async request(url: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const accept = options.accept ?? ((status: number) => status >= 200 && status < 300);
    // A POST that timed out or failed on the server may still have created something: only a refused connection
    // (the request never arrived) is safe to send again.
    const idempotent = !['POST', 'PATCH'].includes(options.method ?? 'GET');
    let reauthenticated = false;
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.currentToken();
      let response;
      try {
        response = await this.limiter.run(() =>
          fetch(url, {
            method: options.method ?? 'GET',
            headers: {
              accept: 'application/json',
              'x-auth-token': token.value,
              ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...options.headers,
            },
            ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
            dispatcher: this.dispatcher,
            signal: AbortSignal.timeout(this.timeoutMs),
          }).then(async (r) => ({ status: r.status, headers: r.headers as unknown as Headers, text: await r.text() }))
        );
      } catch (error) {
        if (attempt < this.retries && (idempotent || refused(error))) {
          await this.pause(attempt);
          continue;
        }
        throw new OpenStackError(`${options.method ?? 'GET'} ${url} failed: ${describeFailure(error)}`, null, url);
      }
      if (response.status === 401 && !reauthenticated) {
        reauthenticated = true;
        this.invalidate();
        attempt -= 1;
        continue;
      }
      if (RETRYABLE_STATUS(response.status) && idempotent && attempt < this.retries && !accept(response.status)) {
        await this.pause(attempt);
        continue;
      }
      if (!accept(response.status)) {
        const detail = response.text.slice(0, 200).replace(/\s+/g, ' ').trim();
        throw new OpenStackError(
          `${options.method ?? 'GET'} ${url} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
          response.status,
          url
        );
      }
      let body: unknown = null;
      if (response.text && (response.headers.get('content-type') ?? '').includes('json')) {
        try {
          body = JSON.parse(response.text);
        } catch {
          throw new OpenStackError(`${options.method ?? 'GET'} ${url} answered malformed JSON`, response.status, url);
        }
      } else if (response.text) {
        body = response.text;
      }
      return { status: response.status, headers: response.headers, body };
    }
  }

  private pause(attempt: number): Promise<void> {
    const delay = this.backoffMs * 2 ** attempt * (0.75 + Math.random() / 2);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }
}

export type Pagination =
  /** `?limit=&marker=` with a `<key>_links` (Nova, Neutron, Cinder) or `links` (Keystone) next link, or Glance's `next`. */
  | { style: 'links'; key: string; pageSize?: number }
  /** Swift: a bare JSON array, `?limit=&marker=<last name>` until a page comes back short. */
  | { style: 'swift'; pageSize?: number }
  /** One answer holds everything. */
  | { style: 'none'; key: string };

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return target.toString();
}

function nextLink(document: Record<string, unknown>, key: string): string | null {
  const glanceNext = document.next;
  if (typeof glanceNext === 'string') return glanceNext;
  for (const field of [`${key}_links`, 'links']) {
    const links = document[field];
    if (Array.isArray(links)) {
      const next = links.find((link: { rel?: string; href?: string }) => link?.rel === 'next');
      if (next?.href) return next.href as string;
    } else if (links && typeof links === 'object' && typeof (links as { next?: unknown }).next === 'string') {
      return (links as { next: string }).next;
    }
  }
  return null;
}

/**
 * Resolves a next link against the endpoint: services give absolute URLs, paths, or (Glance) paths from the root.
 * The link comes from the service's answer, and following it sends the token: a link to any other origin (scheme,
 * host or port, scheme-relative `//host` links included) is refused, never followed.
 */
function resolveNext(endpoint: string, href: string): string {
  const origin = new URL(endpoint).origin;
  let next: URL | null = null;
  try {
    next = new URL(href, `${origin}/`);
  } catch {
    // Unparseable: refused below like a foreign link.
  }
  if (!next || next.origin !== origin) {
    throw new OpenStackError(
      `the listing's next link ${JSON.stringify(href.slice(0, 200))} is not on the endpoint's origin ${origin}; not followed`,
      null,
      endpoint
    );
  }
  return next.toString();
}

/**
 * Every item of a listing, following pagination. Stops on a page that repeats the previous marker, so a service
 * that ignores the marker cannot loop forever.
 */
export async function listAll(
  session: OpenStackSession,
  url: string,
  pagination: Pagination,
  headers: Record<string, string> = {}
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  if (pagination.style === 'none') {
    const { body } = await session.request(url, { headers });
    return ((body as Record<string, unknown>)?.[pagination.key] as Array<Record<string, unknown>> | undefined) ?? [];
  }
  const pageSize = pagination.pageSize ?? 1000;
  if (pagination.style === 'swift') {
    let marker: string | null = null;
    for (;;) {
      const { body } = await session.request(
        withQuery(url, { format: 'json', limit: String(pageSize), ...(marker ? { marker } : {}) }),
        { headers }
      );
      const page = (Array.isArray(body) ? body : []) as Array<Record<string, unknown>>;
      items.push(...page);
      const last = page[page.length - 1]?.name as string | undefined;
      if (page.length < pageSize || !last || last === marker) return items;
      marker = last;
    }
  }
  const seen = new Set<string>();
  let next: string | null = withQuery(url, { limit: String(pageSize) });
  while (next && !seen.has(next)) {
    seen.add(next);
    const { body } = await session.request(next, { headers });
    const document = (body ?? {}) as Record<string, unknown>;
    const page = (document[pagination.key] as Array<Record<string, unknown>> | undefined) ?? [];
    items.push(...page);
    const link = nextLink(document, pagination.key);
    next = link && page.length > 0 ? resolveNext(url, link) : null;
  }
  return items;
}
