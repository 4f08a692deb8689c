// Keeps one Alertmanager silence per maintenance window: created for the window's times when it is declared (a
// silence for a later start is `pending` in Alertmanager until then), expired when the window is cancelled, and seen
// expired when it ends. Each sync compares what the window file says with what Alertmanager holds, so a restart, a
// lost Alertmanager storage or an Alertmanager that was down all mend themselves, and a silence is never doubled: one
// created just before a crash (its id not yet written) is found again by the window id in its comment.
// Failing to reach Alertmanager never blocks a window: the rules hold the alerts back on their own
// (rally_service_maintenance), the failure is kept on the window and in rally_maintenance_silence_sync_success.
import type { Logger } from 'pino';
import { AlertmanagerClient, type GettableSilence, type PostableSilence } from './alertmanager.js';
import type { MaintenanceStore } from './store.js';
import { isLive, type MaintenanceWindow, type SilenceRecord } from './window.js';

export const SILENCE_CREATOR = 'rally-monitor';

/** The marker in a silence's comment that ties it to its window. */
export function windowMarker(id: string): string {
  return `[${id}]`;
}

export interface SilenceLabels {
  cloud: string;
  region: string;
}

/** The silence that holds back every alert of the window's services from this runner's cloud and region. */
export function silenceFor(window: MaintenanceWindow, labels: SilenceLabels): PostableSilence {
  // Service names are a fixed set of lowercase words: the alternation needs no escaping. Alertmanager anchors a
  // regex matcher at both ends.
  const service =
    window.services.length === 1
      ? { name: 'service', value: window.services[0]!, isRegex: false, isEqual: true }
      : { name: 'service', value: window.services.join('|'), isRegex: true, isEqual: true };
  return {
    matchers: [
      service,
      { name: 'cloud', value: labels.cloud, isRegex: false, isEqual: true },
      { name: 'region', value: labels.region, isRegex: false, isEqual: true },
    ],
    startsAt: window.start,
    endsAt: window.end,
    createdBy: SILENCE_CREATOR,
    comment: `rally-monitor maintenance ${windowMarker(window.id)}: ${window.reason}`,
  };
}

export const DISABLED_SILENCE: SilenceRecord = { id: null, state: 'disabled' };

export class SilenceSync {
  /** Whether the last sync reached Alertmanager for every window; null before the first or without Alertmanager. */
  lastSyncOk: boolean | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: MaintenanceStore,
    private readonly client: AlertmanagerClient | null,
    private readonly labels: SilenceLabels,
    private readonly logger: Logger
  ) {}

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Syncs every window; calls while one runs are folded into one more pass after it. */
  syncAll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    if (!this.client) return;
    let ok = true;
    let listed: GettableSilence[] | null = null;
    const ours = async () => (listed ??= await this.client!.list());
    for (const window of this.store.list()) {
      if (!isLive(window, new Date()) && window.silence.state === 'expired') continue;
      if (!isLive(window, new Date()) && window.silence.state === 'disabled' && window.silence.id === null) continue;
      const record = await this.syncOne(this.client, window, ours).catch((error: Error): SilenceRecord => ({
        id: window.silence.id,
        state: 'failed',
        error: error.message,
        syncedAt: new Date().toISOString(),
      }));
      if (record.state === 'failed') {
        ok = false;
        if (window.silence.state !== 'failed') {
          this.logger.warn({ window: window.id, error: record.error }, 'maintenance silence could not be synced');
        }
      }
      if (JSON.stringify(record) !== JSON.stringify(window.silence)) {
        await this.store.setSilence(window.id, record).catch((error: Error) => {
          this.logger.warn({ window: window.id, err: error }, 'maintenance silence state could not be written');
        });
      }
    }
    this.lastSyncOk = ok;
  }

  private async syncOne(
    client: AlertmanagerClient,
    window: MaintenanceWindow,
    listed: () => Promise<GettableSilence[]>
  ): Promise<SilenceRecord> {
    const syncedAt = new Date().toISOString();
    const live = isLive(window, new Date());
    let current = window.silence.id ? await client.get(window.silence.id) : null;
    if (!current) {
      // Not recorded, or Alertmanager lost it: one made for this window before a crash may still be there.
      current =
        (await listed()).find(
          (s) =>
            s.createdBy === SILENCE_CREATOR &&
            s.comment.includes(windowMarker(window.id)) &&
            s.status.state !== 'expired'
        ) ?? null;
    }
    if (!live) {
      if (current && current.status.state !== 'expired') {
        await client.expire(current.id);
        this.logger.info({ window: window.id, silence: current.id }, 'maintenance silence expired');
      }
      return { id: current?.id ?? window.silence.id, state: 'expired', syncedAt };
    }
    if (current && current.status.state !== 'expired' && Date.parse(current.endsAt) === Date.parse(window.end)) {
      return { id: current.id, state: current.status.state, syncedAt };
    }
    const id = await client.create(silenceFor(window, this.labels));
    this.logger.info({ window: window.id, silence: id, services: window.services }, 'maintenance silence created');
    const state = Date.parse(window.start) > Date.now() ? 'pending' : 'active';
    return { id, state, syncedAt };
  }
}
