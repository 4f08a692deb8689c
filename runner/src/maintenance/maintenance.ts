// The runner's maintenance windows as one part: the kept windows, those provisioned ahead of time, the Alertmanager
// silences that follow them, and the metrics. The API, the CLI (through the API) and the cycles use this.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { parseTime } from '../http/server.js';
import type { MaintenanceNote } from '../model.js';
import type { ServiceName } from '../services.js';
import { AlertmanagerClient } from './alertmanager.js';
import { registerMaintenanceMetrics } from './metrics.js';
import { applyProvisionedWindows } from './provisioning.js';
import { DISABLED_SILENCE, SilenceSync } from './silences.js';
import { MaintenanceStore } from './store.js';
import { viewOf, WindowError, type MaintenanceWindow, type SilenceRecord, type WindowView } from './window.js';

export const MAINTENANCE_FILE = 'maintenance.json';
/** How often silences are compared with the windows (and a window that ended is seen expired). */
export const SILENCE_SYNC_INTERVAL_MS = 30_000;
/** How long a declaration or a cancellation waits for Alertmanager before answering (the sync goes on after). */
const SYNC_WAIT_MS = 4000;

export interface MaintenanceDeps {
  logger: Logger;
  /** The runner's registry, for the maintenance metrics (not for a one-off `run-once`). */
  registry?: Registry;
}

export class Maintenance {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly store: MaintenanceStore,
    readonly silences: SilenceSync,
    private readonly config: Config,
    private readonly logger: Logger
  ) {}

  /** Loads the windows (MaintenanceFileError on a malformed file) and applies the provisioned ones. */
  static async open(config: Config, deps: MaintenanceDeps): Promise<Maintenance> {
    const store = new MaintenanceStore(join(config.dataDir, MAINTENANCE_FILE), config.maintenance.maxDurationSeconds);
    await store.open();
    const url = config.maintenance.alertmanagerUrl;
    const client = url ? new AlertmanagerClient(url) : null;
    const silences = new SilenceSync(
      store,
      client,
      { cloud: config.cloudLabel, region: config.regionLabel },
      deps.logger
    );
    const maintenance = new Maintenance(store, silences, config, deps.logger);
    if (config.maintenance.provisioningPath) {
      const outcome = await applyProvisionedWindows(
        config.maintenance.provisioningPath,
        store,
        maintenance.initialSilence()
      );
      deps.logger.info({ path: config.maintenance.provisioningPath, ...outcome }, 'provisioned maintenance windows');
    }
    if (deps.registry) {
      registerMaintenanceMetrics(deps.registry, {
        activeServices: (now) => store.activeServices(now),
        silenceSyncOk: () => silences.lastSyncOk,
      });
    }
    return maintenance;
  }

  private initialSilence(): SilenceRecord {
    return this.silences.enabled ? { id: null, state: 'pending' } : { ...DISABLED_SILENCE };
  }

  views(now = new Date()): WindowView[] {
    return this.store
      .list()
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1))
      .map((w) => viewOf(w, now));
  }

  view(id: string): WindowView | null {
    const window = this.store.get(id);
    return window ? viewOf(window, new Date()) : null;
  }

  /** What a cycle records of the window covering the service's task, or null. */
  noteFor(service: ServiceName, from: Date, to: Date): MaintenanceNote | null {
    const window = this.store.covering(service, from, to);
    return window ? { id: window.id, reason: window.reason, start: window.start, end: window.end } : null;
  }

  /** Declares a window from a request body (WindowError for a 400), then syncs its silence for a few seconds at most. */
  async declare(body: unknown): Promise<WindowView> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new WindowError('the body must be a JSON object {services, start, end, reason}');
    }
    const fields = body as Record<string, unknown>;
    const time = (name: 'start' | 'end') => {
      const value = fields[name];
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value !== 'string') throw new WindowError(`${name} must be a string`);
      try {
        return parseTime(name, value);
      } catch (error) {
        throw new WindowError((error as Error).message);
      }
    };
    const end = time('end');
    if (!end) throw new WindowError('end is required: when the window ends (ISO 8601 or epoch milliseconds)');
    const window = await this.store.add(
      { services: fields.services, start: time('start'), end, reason: fields.reason },
      { source: 'api', silence: this.initialSilence() }
    );
    this.logger.info(
      { window: window.id, services: window.services, start: window.start, end: window.end },
      'maintenance window declared'
    );
    await this.syncForAWhile();
    return this.view(window.id)!;
  }

  /** Cancels a live window (WindowError when it is over), null for an unknown id. */
  async cancel(id: string): Promise<WindowView | null> {
    const window = await this.store.cancel(id);
    if (!window) return null;
    this.logger.info({ window: id }, 'maintenance window cancelled');
    await this.syncForAWhile();
    return this.view(id);
  }

  private async syncForAWhile(): Promise<void> {
    if (!this.silences.enabled) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.sync(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SYNC_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** One sync of every window's silence; never throws (a failure is kept on the window). */
  async sync(): Promise<void> {
    try {
      await this.silences.syncAll();
      await this.store.prune(this.config.retentionDays);
    } catch (error) {
      this.logger.warn({ err: error }, 'maintenance sync failed; the next one tries again');
    }
  }

  /** Syncs now and then on an interval, so windows that start or end between requests are followed. */
  schedule(intervalMs = SILENCE_SYNC_INTERVAL_MS): void {
    void this.sync();
    this.timer = setInterval(() => void this.sync(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Every window kept, for tests and the CLI's listing. */
  list(): MaintenanceWindow[] {
    return this.store.list();
  }
}
