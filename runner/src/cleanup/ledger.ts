// What the monitor remembers between scans: when it first saw each Rally-named resource (most APIs give no
// creation time, and the minimum age before a purge must still hold), and which cycle's before/after diff showed
// it appearing. Kept in one JSON file written atomically.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../history/atomic.js';
import type { RawScan, Found } from './scan.js';

export interface LedgerEntry {
  firstSeenAt: string;
  /** The cycle during which it appeared, from the before/after diff. */
  runId?: string;
}

/** Identifies one resource across scans: keypair names are unique per user only, hence the user. */
export function resourceKey(resource: { service: string; type: string; userId: string | null; id: string }): string {
  return [resource.service, resource.type, resource.userId ?? '', resource.id].join('/');
}

export function foundKey({ kind, item }: Pick<Found, 'kind' | 'item'>): string {
  return resourceKey({ service: kind.service, type: kind.type, userId: item.userId, id: item.id });
}

export class Ledger {
  private entries = new Map<string, LedgerEntry>();

  constructor(readonly path: string) {}

  /** Loads the file; a missing or unreadable one starts empty (ages then count from now, which is the safe side). */
  async load(warn: (message: string) => void = () => {}): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') warn(`cleanup ledger ${this.path} could not be read: ${error.message}`);
      return null;
    });
    if (text === null) return;
    try {
      const document = JSON.parse(text) as { entries?: Record<string, LedgerEntry> };
      this.entries = new Map(Object.entries(document.entries ?? {}));
    } catch (error) {
      warn(`cleanup ledger ${this.path} is corrupt (${(error as Error).message}); starting afresh`);
    }
  }

  get(key: string): LedgerEntry | undefined {
    return this.entries.get(key);
  }

  /**
   * Adds what the scan found for the first time, and forgets resources gone from a listing that worked. Entries
   * of types that could not be listed stay, so an outage does not reset their ages.
   */
  record(scan: RawScan): void {
    const listedTypes = new Set<string>();
    for (const service of scan.services) {
      for (const type of service.types) if (type.state === 'ok') listedTypes.add(`${service.service}/${type.type}/`);
    }
    const present = new Set<string>();
    for (const found of scan.found) {
      const key = foundKey(found);
      present.add(key);
      if (!this.entries.has(key)) this.entries.set(key, { firstSeenAt: scan.scannedAt });
    }
    for (const key of [...this.entries.keys()]) {
      const typePrefix = key.split('/').slice(0, 2).join('/') + '/';
      if (listedTypes.has(typePrefix) && !present.has(key)) this.entries.delete(key);
    }
  }

  attribute(keys: Iterable<string>, runId: string): void {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry && !entry.runId) entry.runId = runId;
    }
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) })}\n`);
  }
}
