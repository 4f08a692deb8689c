// The canaries this runner knows about: written by `canary deploy` (one entry per canary server it booted), read by
// `canary status`, by the Prometheus HTTP service discovery route (/api/canary/targets) and by the agents' peer
// discovery route. One JSON file in the data dir, `<data dir>/canary/canaries.json`, replaced atomically.
//
// This module is the seam between the agent side (runner/src/canary/agent) and the deploy side
// (runner/src/canary/deploy): both follow this schema and nothing else.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const canarySchema = z.object({
  /** The agent's CANARY_ID (also the Prometheus `peer` label other agents use for it). */
  id: z.string().min(1),
  /** Nova server id, or null for a canary not booted by this runner (an agent registered by hand or a test's). */
  serverId: z.string().nullable(),
  /** Nova server name (the fixed canary prefix, never one of Rally's name formats). */
  name: z.string().min(1),
  datacenter: z.string().min(1),
  availabilityZone: z.string().min(1),
  /** The address other canaries and Prometheus reach the agent on, or null while the server has none yet. */
  address: z.string().min(1).nullable(),
  port: z.number().int().min(1).max(65535),
  createdAt: z.string(),
});
export type Canary = z.infer<typeof canarySchema>;

const registrySchema = z.object({ version: z.literal(1), canaries: z.array(canarySchema) });

export function registryPath(dataDir: string): string {
  return join(dataDir, 'canary', 'canaries.json');
}

export class CanaryRegistryError extends Error {}

/** The registered canaries; none when the file does not exist. A file that is not a registry is an error, never []. */
export async function readCanaries(dataDir: string): Promise<Canary[]> {
  const path = registryPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CanaryRegistryError(`${path} is not JSON`);
  }
  const result = registrySchema.safeParse(parsed);
  if (!result.success) {
    throw new CanaryRegistryError(`${path} is not a canary registry: ${result.error.issues[0]?.message ?? 'invalid'}`);
  }
  return result.data.canaries;
}

/** Replaces the registry (write to a temp file, then rename: a reader never sees half a file). */
export async function writeCanaries(dataDir: string, canaries: Canary[]): Promise<void> {
  const path = registryPath(dataDir);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const body = registrySchema.parse({ version: 1, canaries });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  await rename(temp, path);
}

/** One group of Prometheus HTTP service discovery (https://prometheus.io/docs/prometheus/latest/http_sd/). */
export interface SdTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** The canaries that have an address, as Prometheus HTTP SD target groups, one per canary (labels differ). */
export function canaryTargets(canaries: Canary[]): SdTargetGroup[] {
  return canaries
    .filter((canary): canary is Canary & { address: string } => canary.address !== null)
    .map((canary) => ({
      targets: [`${canary.address.includes(':') ? `[${canary.address}]` : canary.address}:${canary.port}`],
      labels: {
        canary_id: canary.id,
        datacenter: canary.datacenter,
        availability_zone: canary.availabilityZone,
      },
    }));
}
