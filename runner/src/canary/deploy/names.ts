// The names `canary deploy` gives its servers: a fixed prefix, the availability zone, and an index within the zone.
// The name is also the agent's CANARY_ID, so a replaced canary keeps its id (and its Prometheus series).
//
// The prefix is not one of Rally's generated formats (cleanup/names.ts: `s_rally_`, `c_rally_`, `rally_`,
// `rally_verify_`, `s-rally-`, each followed by 8 hex digits), so the cleanup monitor never lists a canary.
import { createHash } from 'node:crypto';

export const CANARY_NAME_PREFIX = 'rally-monitor-canary-';

/** Nova metadata that marks a server as booted by `canary deploy`: a server named like ours without it is left alone. */
export const CANARY_METADATA_KEY = 'rally-monitor-canary';

/**
 * The zone as it can go into a server name (and a hostname): lowercase letters, digits and dashes. A zone whose
 * name does not survive that unchanged gets 6 hex digits of its hash, so `a b` and `a-b` never share a name.
 */
export function zoneSlug(zone: string): string {
  const slug = zone
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  if (slug === zone && slug !== '') return slug;
  const hash = createHash('sha256').update(zone).digest('hex').slice(0, 6);
  return slug ? `${slug}-${hash}` : hash;
}

export function canaryName(zone: string, index: number): string {
  return `${CANARY_NAME_PREFIX}${zoneSlug(zone)}-${index}`;
}

export function isCanaryName(name: unknown): name is string {
  return typeof name === 'string' && name.startsWith(CANARY_NAME_PREFIX);
}
