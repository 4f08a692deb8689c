// The maintenance windows the runner keeps, in one file of its data directory (<data dir>/maintenance.json), written
// atomically on every change so a crash or a restart at any instant keeps every declared window. A file that is not
// a valid windows file is never overwritten: the runner refuses to start and says what is wrong, so nothing is lost.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../history/atomic.js';
import { SERVICE_NAMES, type ServiceName } from '../services.js';
import {
  checkWindow,
  isLive,
  newWindowId,
  windowCovering,
  windowState,
  WindowError,
  type MaintenanceWindow,
  type SilenceRecord,
  type WindowRequest,
  type WindowSource,
} from './window.js';

const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a time');

const windowSchema = z.object({
  id: z.string().regex(/^mw-[0-9a-z-]{1,64}$/),
  services: z.array(z.enum(SERVICE_NAMES)).min(1),
  start: time,
  end: time,
  reason: z.string(),
  source: z.enum(['api', 'provisioning']),
  createdAt: time,
  cancelledAt: time.nullable(),
  silence: z.object({
    id: z.string().nullable(),
    state: z.enum(['disabled', 'pending', 'active', 'expired', 'failed']),
    error: z.string().optional(),
    syncedAt: time.optional(),
  }),
});

const fileSchema = z.object({ version: z.literal(1), windows: z.array(windowSchema) });

// The schema and the model must describe the same thing: this fails to compile when one changes without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const windowMatchesModel: Same<z.infer<typeof windowSchema>, MaintenanceWindow> = true;
void windowMatchesModel;

export class MaintenanceFileError extends Error {}

export class MaintenanceStore {
  private windows: MaintenanceWindow[] = [];
  /** Changes run one after another, each written before the next starts. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly maxDurationSeconds: number
  ) {}

  /** Reads the file; none yet is no window. Throws MaintenanceFileError, leaving the file as it is, when it is not valid. */
  async open(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new MaintenanceFileError(`${this.path} could not be read: ${(error as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MaintenanceFileError(
        `${this.path} is not valid JSON (${(error as Error).message}); fix it or move it away (it is left untouched)`
      );
    }
    const checked = fileSchema.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new MaintenanceFileError(
        `${this.path} is not a maintenance windows file (${issue.path.join('.') || 'file'}: ${issue.message}); ` +
          'fix it or move it away (it is left untouched)'
      );
    }
    this.windows = checked.data.windows;
  }

  list(): MaintenanceWindow[] {
    return this.windows.map((window) => structuredClone(window));
  }

  get(id: string): MaintenanceWindow | null {
    const window = this.windows.find((w) => w.id === id);
    return window ? structuredClone(window) : null;
  }

  /** The window covering `service` at any time from `from` to `to`, or null. */
  covering(service: ServiceName, from: Date, to: Date): MaintenanceWindow | null {
    return windowCovering(this.windows, service, from, to);
  }

  /** The services an active window covers now. */
  activeServices(now = new Date()): Set<ServiceName> {
    return new Set(this.windows.filter((w) => windowState(w, now) === 'active').flatMap((w) => w.services));
  }

  private change<T>(apply: (windows: MaintenanceWindow[]) => { windows: MaintenanceWindow[]; result: T }): Promise<T> {
    const next = this.queue.then(async () => {
      const { windows, result } = apply(structuredClone(this.windows));
      await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, windows }, null, 2)}\n`);
      this.windows = windows;
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Checks and keeps a new window (WindowError for a 400); its silence is synced afterwards. */
  add(
    request: WindowRequest,
    options: { source?: WindowSource; id?: string; silence: SilenceRecord; now?: Date }
  ): Promise<MaintenanceWindow> {
    return this.change((windows) => {
      const now = options.now ?? new Date();
      if (options.id && windows.some((w) => w.id === options.id)) {
        throw new WindowError(`a window ${options.id} already exists`);
      }
      const checked = checkWindow(request, { now, maxDurationSeconds: this.maxDurationSeconds, existing: windows });
      const window: MaintenanceWindow = {
        id: options.id ?? newWindowId(),
        ...checked,
        source: options.source ?? 'api',
        createdAt: now.toISOString(),
        cancelledAt: null,
        silence: options.silence,
      };
      return { windows: [...windows, window], result: structuredClone(window) };
    });
  }

  /** Cancels a live window; null for an unknown id; WindowError when it is already over. */
  cancel(id: string, now = new Date()): Promise<MaintenanceWindow | null> {
    return this.change((windows) => {
      const window = windows.find((w) => w.id === id);
      if (!window) return { windows, result: null };
      if (!isLive(window, now)) {
        throw new WindowError(`window ${id} is already ${windowState(window, now)}`);
      }
      window.cancelledAt = now.toISOString();
      return { windows, result: structuredClone(window) };
    });
  }

  /** Records what the last sync with Alertmanager did for a window (a window removed meanwhile is left alone). */
  setSilence(id: string, silence: SilenceRecord): Promise<void> {
    return this.change((windows) => {
      const window = windows.find((w) => w.id === id);
      if (window) window.silence = silence;
      return { windows, result: undefined };
    });
  }

  /** Forgets windows over (ended or cancelled) for more than `retentionDays`, as the history forgets cycles. */
  prune(retentionDays: number, now = new Date()): Promise<number> {
    const cutoff = now.getTime() - retentionDays * 86400_000;
    const overAt = (w: MaintenanceWindow) => Math.min(Date.parse(w.end), Date.parse(w.cancelledAt ?? w.end));
    if (!this.windows.some((w) => overAt(w) < cutoff)) return Promise.resolve(0);
    return this.change((windows) => {
      const kept = windows.filter((w) => overAt(w) >= cutoff);
      return { windows: kept, result: windows.length - kept.length };
    });
  }
}
