// Maintenance windows declared ahead of time in YAML (RALLY_MONITOR_MAINTENANCE_PROVISIONING: a file, or a folder
// whose *.yaml / *.yml files are read in name order), applied at every start. Each entry has a `name`, which makes its
// window id (`mw-<name>`), so a restart never declares it twice and a cancelled one stays cancelled. An entry already
// over is left out; any other problem stops the start with a message naming the file and the entry.
//
//   windows:
//     - name: nova-upgrade-2026-12
//       services: [nova, placement]
//       start: 2026-12-01T22:00:00Z
//       end: 2026-12-02T02:00:00Z
//       reason: Nova and Placement upgrade to 2025.2
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseTime } from '../http/server.js';
import type { MaintenanceStore } from './store.js';
import { WindowError, type SilenceRecord } from './window.js';

export class ProvisioningError extends Error {}

const NAME = /^[0-9a-z][0-9a-z-]{0,59}$/;

export interface ProvisionedOutcome {
  declared: string[];
  alreadyKept: string[];
  over: string[];
}

async function filesOf(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ProvisioningError(
      `RALLY_MONITOR_MAINTENANCE_PROVISIONING: ${path} cannot be read: ${(error as Error).message}`
    );
  }
  if (!info.isDirectory()) return [path];
  return (await readdir(path))
    .filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.'))
    .sort()
    .map((name) => join(path, name));
}

function timeOf(where: string, field: string, value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined;
  // YAML reads an unquoted timestamp as a Date already.
  if (value instanceof Date) return value;
  try {
    return parseTime(field, String(value));
  } catch (error) {
    throw new ProvisioningError(`${where}: ${(error as Error).message}`);
  }
}

export async function applyProvisionedWindows(
  path: string,
  store: MaintenanceStore,
  silence: SilenceRecord,
  now = new Date()
): Promise<ProvisionedOutcome> {
  const outcome: ProvisionedOutcome = { declared: [], alreadyKept: [], over: [] };
  for (const file of await filesOf(path)) {
    let document: unknown;
    try {
      document = parseYaml(await readFile(file, 'utf8'));
    } catch (error) {
      throw new ProvisioningError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const windows = (document as { windows?: unknown } | null)?.windows;
    if (document === null || document === undefined) continue;
    if (!Array.isArray(windows)) throw new ProvisioningError(`${file}: expected a list under "windows:"`);
    for (const [index, entry] of windows.entries()) {
      const raw = (entry ?? {}) as Record<string, unknown>;
      const name = raw.name;
      const where = `${file}: windows[${index}]${typeof name === 'string' ? ` (${name})` : ''}`;
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new ProvisioningError(
          `${where}: name must be 1-60 lowercase letters, digits or -, starting with one of the first two`
        );
      }
      const id = `mw-${name}`;
      if (store.get(id)) {
        outcome.alreadyKept.push(id);
        continue;
      }
      const end = timeOf(where, 'end', raw.end);
      if (!end) throw new ProvisioningError(`${where}: end is required`);
      if (end.getTime() <= now.getTime()) {
        outcome.over.push(id);
        continue;
      }
      const start = timeOf(where, 'start', raw.start);
      try {
        await store.add(
          {
            services: raw.services,
            // A window already under way at this start begins now.
            start: start && start.getTime() < now.getTime() ? now : start,
            end,
            reason: raw.reason,
          },
          { source: 'provisioning', id, silence, now }
        );
      } catch (error) {
        if (error instanceof WindowError) throw new ProvisioningError(`${where}: ${error.message}`);
        throw error;
      }
      outcome.declared.push(id);
    }
  }
  return outcome;
}
