// The purge audit log, under <dataDir>/cleanup/audit.jsonl next to the history: for each deletion one JSON line
// with its intent ("deleting"), flushed to disk before the DELETE is sent, and one with its outcome ("deleted" or
// "failed") after. An intent without an outcome means the purge stopped or crashed in between: the resource may or
// may not be gone (the next scan says). A torn last line (a crash mid-write) is skipped on reading, never fatal.
import { open, readFile } from 'node:fs/promises';
import type { ServiceName } from '../services.js';

export interface AuditEntry {
  at: string;
  /** deleting: the intent, written before the DELETE; deleted or failed: the outcome, written after. */
  outcome: 'deleting' | 'deleted' | 'failed';
  service: ServiceName;
  type: string;
  id: string;
  name: string;
  project: string | null;
  runId: string | null;
  taskPrefix: string;
  /** Who asked: the API or the CLI. */
  trigger: 'api' | 'cli';
  error?: string;
}

export class AuditLog {
  private writing: Promise<void> = Promise.resolve();
  private tailChecked = false;

  constructor(readonly path: string) {}

  append(entry: AuditEntry): Promise<void> {
    const write = this.writing.then(async () => {
      const handle = await open(this.path, 'a+', 0o640);
      try {
        // After a crash mid-write the file ends in a torn line; start on a fresh one so this entry stays whole.
        let line = `${JSON.stringify(entry)}\n`;
        if (!this.tailChecked) {
          const { size } = await handle.stat();
          const last = Buffer.alloc(1);
          if (size > 0) await handle.read(last, 0, 1, size - 1);
          if (size > 0 && last[0] !== 0x0a) line = `\n${line}`;
          this.tailChecked = true;
        }
        await handle.write(line);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** Entries, newest first. */
  async read(limit = Number.POSITIVE_INFINITY): Promise<AuditEntry[]> {
    const text = await readFile(this.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const entries: AuditEntry[] = [];
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0 && entries.length < limit; i -= 1) {
      const line = lines[i]!.trim();
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A line cut short by a crash; the entries around it are intact.
      }
    }
    return entries;
  }
}
