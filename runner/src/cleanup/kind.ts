// What the cleanup monitor knows about one resource type: how to list it, how to delete it, and at which stage of
// a purge, so that dependents go first (servers before keypairs, snapshots before volumes, ports before networks).
import type { KeystoneToken } from '../openstack/keystone.js';
import { OpenStackError, type OpenStackSession } from '../openstack/session.js';
import type { ServiceName } from '../services.js';

/** A resource as listed, before the name filter. */
export interface Listed {
  id: string;
  name: string;
  /** The project that owns it, when the API says. */
  project: string | null;
  /** The owning user, for resources scoped to a user (Nova keypairs). */
  userId: string | null;
  /** ISO 8601, when the API reports a creation time. */
  createdAt: string | null;
}

export interface KindContext {
  session: OpenStackSession;
  /** The service's versioned API root, e.g. http://host:9696/v2.0. */
  base: string;
  token: KeystoneToken;
  /** Runs `work` once per scan for `key`, so kinds can share a listing (Rally users, for their keypairs). */
  shared<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** The API roots of other services of the same cloud, when a kind needs one (null when absent). */
  baseOf(service: ServiceName): Promise<string | null>;
}

export interface ResourceKind {
  service: ServiceName;
  /** Unique across services; the `resource_type` label and the purge scope's `types`. */
  type: string;
  /** Purge order: every kind of a lower stage is deleted (and gone) before the next stage starts. */
  stage: number;
  list(ctx: KindContext): Promise<Listed[]>;
  /**
   * Deletes one resource; a resource already gone counts as deleted. A removal that loops (emptying a Swift
   * container) gives up with an error at `options.deadline` (epoch milliseconds).
   */
  remove(ctx: KindContext, item: Listed, options?: RemoveOptions): Promise<void>;
  /** For deletions the API finishes later: the URL that answers 404 once the resource is gone. */
  pollUrl?(ctx: KindContext, item: Listed): string;
  /** Whether the listing answering 404 means "this cloud has no such API" rather than a failure (optional extensions). */
  optional?: boolean;
}

export interface RemoveOptions {
  /** Epoch milliseconds after which a removal stops trying and fails. */
  deadline?: number;
}

/** How long one removal may keep at it when the caller gives no deadline. */
export const DEFAULT_REMOVE_MS = 120_000;

export const GONE_OR_OK = (status: number) => (status >= 200 && status < 300) || status === 404;

export async function deleteUrl(ctx: KindContext, url: string, headers: Record<string, string> = {}): Promise<void> {
  await ctx.session.request(url, { method: 'DELETE', headers, accept: GONE_OR_OK });
}

/** Creation times without a zone (Cinder, Nova's older fields) are UTC. */
export function isoTime(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function listed(
  raw: Record<string, unknown>,
  fields: { id?: string; name?: string; project?: string[]; created?: string[]; userId?: string | null }
): Listed {
  const pick = (names: string[] | undefined) => names?.map((n) => text(raw[n])).find((v) => v !== null) ?? null;
  return {
    id: String(raw[fields.id ?? 'id'] ?? ''),
    name: text(raw[fields.name ?? 'name']) ?? '',
    project: pick(fields.project),
    userId: fields.userId ?? null,
    createdAt: isoTime(pick(fields.created)),
  };
}

/** Waits until `url` answers 404, polling with a growing pause; throws at the deadline. */
export async function waitGone(
  session: OpenStackSession,
  url: string,
  headers: Record<string, string>,
  deadlineMs: number
): Promise<void> {
  const until = Date.now() + deadlineMs;
  let pause = 200;
  for (;;) {
    const { status, body } = await session.request(url, { headers, accept: (s) => (s >= 200 && s < 300) || s === 404 });
    if (status === 404) return;
    const state = JSON.stringify(body ?? '').match(/"status":"([^"]+)"/)?.[1];
    if (state && /error/i.test(state) && !/deleting/i.test(state)) {
      throw new OpenStackError(`deletion did not complete: status ${state}`, status, url);
    }
    if (Date.now() > until) {
      throw new OpenStackError(
        `still present ${Math.round(deadlineMs / 1000)} s after deletion${state ? ` (status ${state})` : ''}`,
        status,
        url
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 1.5, 2000);
  }
}
