// One pass over every service in the catalog: list each resource type, keep what carries a Rally name, and say per
// service whether the listing worked. A service that could not be listed is "failed", never "clean".
import type { KeystoneToken } from '../openstack/keystone.js';
import { redact } from '../redact.js';
import { SERVICE_NAMES, type ServiceName } from '../services.js';
import { apiRoot, RESOURCE_KINDS } from './kinds/index.js';
import { OpenStackError, type OpenStackSession } from '../openstack/session.js';
import type { KindContext, Listed, ResourceKind } from './kind.js';
import { parseRallyName } from './names.js';
import type { ServiceScan, TypeScan } from './report.js';

export interface Found {
  kind: ResourceKind;
  item: Listed;
  taskPrefix: string;
}

export interface RawScan {
  scannedAt: string;
  durationSeconds: number;
  services: ServiceScan[];
  found: Found[];
}

export interface ScanOptions {
  kinds?: readonly ResourceKind[];
  secrets?: readonly string[];
  /** Services to report as failed when the catalog cannot be read (those of the previous scan). */
  expectedServices?: readonly ServiceName[];
}

function oneLine(error: unknown, secrets: readonly string[]): string {
  return redact((error as Error).message ?? String(error), secrets)
    .replace(/\s+/g, ' ')
    .slice(0, 300);
}

/**
 * The per-service contexts the resource kinds work in, from one token's catalog; null for a service the catalog
 * lacks. Listings shared between kinds (Keystone users) run once per set of contexts.
 */
export async function kindContexts(
  session: OpenStackSession,
  token: KeystoneToken
): Promise<(service: ServiceName) => KindContext | null> {
  const bases = new Map<ServiceName, string | null>();
  for (const service of SERVICE_NAMES) {
    const endpoint = await session.endpoint(service);
    bases.set(service, endpoint ? apiRoot(service, endpoint) : null);
  }
  const sharedWork = new Map<string, Promise<unknown>>();
  const contexts = new Map<ServiceName, KindContext>();
  for (const [service, base] of bases) {
    if (!base) continue;
    contexts.set(service, {
      session,
      base,
      token,
      shared<T>(key: string, work: () => Promise<T>): Promise<T> {
        if (!sharedWork.has(key)) sharedWork.set(key, work());
        return sharedWork.get(key) as Promise<T>;
      },
      baseOf: async (other) => bases.get(other) ?? null,
    });
  }
  return (service) => contexts.get(service) ?? null;
}

export async function scanCloud(session: OpenStackSession, options: ScanOptions = {}): Promise<RawScan> {
  const started = Date.now();
  const kinds = options.kinds ?? RESOURCE_KINDS;
  const secrets = options.secrets ?? [];
  const done = (services: ServiceScan[], found: Found[]): RawScan => ({
    scannedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    services,
    found,
  });

  let token;
  try {
    token = await session.currentToken();
  } catch (error) {
    const reason = `the catalog could not be read: ${oneLine(error, secrets)}`;
    const expected = options.expectedServices?.length ? options.expectedServices : (['keystone'] as const);
    return done(
      expected.map((service) => ({ service, state: 'failed', error: reason, types: [] })),
      []
    );
  }

  const contextOf = await kindContexts(session, token);
  const found: Found[] = [];
  const services = await Promise.all(
    SERVICE_NAMES.map(async (service): Promise<ServiceScan> => {
      const context = contextOf(service);
      const serviceKinds = kinds.filter((kind) => kind.service === service);
      if (!context) return { service, state: 'absent', types: [] };
      const types = await Promise.all(
        serviceKinds.map(async (kind): Promise<TypeScan> => {
          try {
            const items = await kind.list(context);
            let count = 0;
            for (const item of items) {
              const name = parseRallyName(item.name);
              if (!name) continue;
              found.push({ kind, item, taskPrefix: name.taskPrefix });
              count += 1;
            }
            return { type: kind.type, state: 'ok', count };
          } catch (error) {
            if (kind.optional && error instanceof OpenStackError && error.status === 404) {
              return { type: kind.type, state: 'unavailable', count: 0 };
            }
            return { type: kind.type, state: 'failed', count: 0, error: oneLine(error, secrets) };
          }
        })
      );
      const failed = types.filter((t) => t.state === 'failed');
      return {
        service,
        state: failed.length > 0 ? 'failed' : 'ok',
        ...(failed.length > 0
          ? {
              error: failed
                .map((t) => `${t.type}: ${t.error}`)
                .join('; ')
                .slice(0, 600),
            }
          : {}),
        types,
      };
    })
  );
  return done(services, found);
}
