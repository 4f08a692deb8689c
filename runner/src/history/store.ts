// The history of cycles on disk: one folder per cycle under <data>/runs/<id>/, holding the cycle record and the
// Rally evidence of each service. A cycle's record is written last and atomically, per-service results as each
// service finishes, so a crash at any instant loses nothing already recorded and leaves nothing half-written.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  Cycle,
  CycleStatus,
  CycleSummary,
  CycleTrigger,
  HistoryPage,
  ServiceResult,
  ServiceState,
} from '../model.js';
import { SERVICE_NAMES, type ServiceName } from '../services.js';
import { PRIVATE_DIR_MODE, writeFileAtomic } from './atomic.js';
import { InvalidRecordError, parseCycleRecord, parseServiceResult } from './record-schema.js';

export const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/;

export function newRunId(at = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

export type ArtifactKind = 'json' | 'html' | 'junit' | 'log' | 'debugLog';

const ARTIFACT_FILES: Record<ArtifactKind, string> = {
  json: 'report.json',
  html: 'report.html',
  junit: 'junit.xml',
  log: 'rally.log',
  debugLog: 'rally-debug.log',
};

export interface HistoryQuery {
  from?: Date;
  to?: Date;
  service?: ServiceName;
  state?: string;
  limit: number;
  cursor?: string;
}

export interface StoreWarning {
  (message: string, details?: Record<string, unknown>): void;
}

interface RunningMarker {
  id: string;
  startedAt: string;
  trigger: CycleTrigger;
  cloud: string;
  region: string;
}

export function summarize(cycle: Cycle): CycleSummary {
  return {
    id: cycle.id,
    trigger: cycle.trigger,
    status: cycle.status,
    ...(cycle.reason ? { reason: cycle.reason } : {}),
    startedAt: cycle.startedAt,
    finishedAt: cycle.finishedAt,
    durationSeconds: cycle.durationSeconds,
    services: cycle.services.map((s) => ({
      service: s.service,
      state: s.state,
      ...(s.reason ? { reason: s.reason } : {}),
      durationSeconds: s.durationSeconds,
      ...(s.underlying ? { underlying: s.underlying } : {}),
      ...(s.maintenance ? { maintenance: s.maintenance } : {}),
    })),
  };
}

/** Where records that cannot be read are moved, inside the history folder (run ids never start with a dot). */
export const QUARANTINE_DIR = '.quarantine';

export interface PruneResult {
  removed: number;
  /** The Rally tasks the pruned cycles ran: they go from Rally's database too. */
  taskUuids: string[];
}

export class HistoryStore {
  /** Completed cycles, oldest first (ids sort by time). */
  private cycles: Cycle[] = [];
  private byId = new Map<string, Cycle>();
  /** Records moved to the quarantine folder by the last open(). */
  quarantined = 0;

  constructor(
    readonly root: string,
    private readonly warn: StoreWarning = () => {}
  ) {}

  runDir(id: string): string {
    if (!isRunId(id)) throw new Error(`invalid run id: ${id}`);
    return join(this.root, id);
  }

  artifactPath(id: string, service: ServiceName, kind: ArtifactKind): string {
    return join(this.runDir(id), `${service}.${ARTIFACT_FILES[kind]}`);
  }

  /** Loads every record, first closing the records of cycles a crash or kill interrupted. */
  async open(): Promise<{ loaded: number; corrupt: number; recovered: number }> {
    // The data directory holds Rally's database and its credential: private to the runner's user (README).
    await mkdir(this.root, { recursive: true, mode: PRIVATE_DIR_MODE });
    this.quarantined = 0;
    const entries = (await readdir(this.root)).filter(isRunId).sort();
    let corrupt = 0;
    let recovered = 0;
    const loaded: Cycle[] = [];
    for (const id of entries) {
      const dir = join(this.root, id);
      const recordText = await readFile(join(dir, 'cycle.json'), 'utf8').catch(() => null);
      if (recordText === null) {
        const cycle = await this.recoverInterrupted(id);
        if (cycle) {
          loaded.push(cycle);
          recovered += 1;
        }
        continue;
      }
      try {
        const cycle = parseCycleRecord(recordText);
        if (cycle.id !== id) throw new InvalidRecordError(`id: "${cycle.id.slice(0, 64)}" is not its folder's name`);
        loaded.push(cycle);
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        corrupt += 1;
        const movedTo = await this.quarantine(id, id);
        this.warn('quarantined an invalid cycle record', { id, problem: error.message, movedTo });
      }
    }
    this.cycles = loaded;
    this.byId = new Map(loaded.map((c) => [c.id, c]));
    return { loaded: loaded.length, corrupt, recovered };
  }

  /**
   * Moves a record that cannot be read out of the history, whole, so it is reported once, never read again, and
   * kept for a person to look at. Returns where it went.
   */
  private async quarantine(name: string, as: string): Promise<string> {
    const dir = join(this.root, QUARANTINE_DIR);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    let target = join(dir, as);
    if (
      await stat(target).then(
        () => true,
        () => false
      )
    ) {
      target = `${target}.${randomBytes(3).toString('hex')}`;
    }
    await rename(join(this.root, name), target);
    this.quarantined += 1;
    return target;
  }

  /**
   * A folder with a running marker and no record is a cycle the runner did not finish (SIGKILL, power loss).
   * It is closed as aborted, keeping every service result that was written before the stop.
   */
  private async recoverInterrupted(id: string): Promise<Cycle | null> {
    const dir = join(this.root, id);
    const markerText = await readFile(join(dir, 'running.json'), 'utf8').catch(() => null);
    if (markerText === null) return null;
    let marker: Partial<RunningMarker> = {};
    try {
      const parsed = JSON.parse(markerText) as Record<string, unknown> | null;
      // Only fields of the right type are used: the recovered record must itself be a valid record.
      const text = (key: keyof RunningMarker) => (typeof parsed?.[key] === 'string' ? { [key]: parsed[key] } : {});
      marker = { ...text('cloud'), ...text('region') };
      if (typeof parsed?.startedAt === 'string' && !Number.isNaN(Date.parse(parsed.startedAt))) {
        marker.startedAt = parsed.startedAt;
      }
      if (['schedule', 'api', 'cli', 'recovery'].includes(parsed?.trigger as string)) {
        marker.trigger = parsed!.trigger as CycleTrigger;
      }
    } catch {
      this.warn('running marker unreadable; recovering the cycle from its folder name', { id });
    }
    const results: ServiceResult[] = [];
    for (const service of SERVICE_NAMES) {
      const text = await readFile(join(dir, `${service}.result.json`), 'utf8').catch(() => null);
      if (text === null) continue;
      try {
        const result = parseServiceResult(text);
        if (result.service !== service) {
          throw new InvalidRecordError(`service: "${result.service}" in the file of ${service}`);
        }
        results.push(result);
      } catch (error) {
        if (!(error instanceof InvalidRecordError)) throw error;
        const movedTo = await this.quarantine(join(id, `${service}.result.json`), `${id}.${service}.result.json`);
        this.warn('quarantined an invalid service result; the cycle is recovered without it', {
          id,
          service,
          problem: error.message,
          movedTo,
        });
      }
    }
    const stamp = id.slice(0, 16);
    const startedAt =
      marker.startedAt ??
      new Date(
        `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`
      ).toISOString();
    const finishedAt = (await stat(dir)).mtime.toISOString();
    const cycle: Cycle = {
      id,
      cloud: marker.cloud ?? 'default',
      region: marker.region ?? 'default',
      trigger: marker.trigger ?? 'recovery',
      status: 'aborted',
      reason: 'the runner stopped during this cycle (crash or kill); results recorded before the stop are kept',
      startedAt,
      finishedAt,
      durationSeconds: Math.max(0, (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000),
      services: results,
    };
    await writeFileAtomic(join(dir, 'cycle.json'), JSON.stringify(cycle, null, 1));
    await rm(join(dir, 'running.json'), { force: true });
    this.warn('closed a cycle interrupted by a previous stop', { id, services: results.length });
    return cycle;
  }

  async beginCycle(marker: RunningMarker): Promise<string> {
    const dir = this.runDir(marker.id);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFileAtomic(join(dir, 'running.json'), JSON.stringify(marker));
    return dir;
  }

  async saveServiceResult(id: string, result: ServiceResult): Promise<void> {
    await writeFileAtomic(join(this.runDir(id), `${result.service}.result.json`), JSON.stringify(result));
  }

  async finishCycle(cycle: Cycle): Promise<void> {
    const dir = this.runDir(cycle.id);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFileAtomic(join(dir, 'cycle.json'), JSON.stringify(cycle, null, 1));
    // The per-service results only matter until the record exists: they are what recovery rebuilds it from.
    await Promise.all([
      rm(join(dir, 'running.json'), { force: true }),
      ...SERVICE_NAMES.map((service) => rm(join(dir, `${service}.result.json`), { force: true })),
    ]);
    this.add(cycle);
  }

  /**
   * Keeps a cycle that could not be written (full disk, read-only mount) in memory only, so the API and the
   * metrics still say what happened to it until the runner restarts.
   */
  keepUnrecorded(cycle: Cycle): void {
    if (!this.byId.has(cycle.id)) this.add(cycle);
  }

  private add(cycle: Cycle): void {
    this.cycles.push(cycle);
    this.byId.set(cycle.id, cycle);
    this.cycles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The newest cycle that ran to its end or its deadline. Skipped cycles tested nothing, and an aborted one holds
   * only the services done before the stop, so neither stands for the cloud's current state.
   */
  latest(): Cycle | null {
    for (let i = this.cycles.length - 1; i >= 0; i -= 1) {
      const status = this.cycles[i]!.status;
      if (status !== 'skipped' && status !== 'aborted') return this.cycles[i]!;
    }
    return null;
  }

  /** Every cycle kept, oldest first. */
  all(): readonly Cycle[] {
    return this.cycles;
  }

  get(id: string): Cycle | null {
    return this.byId.get(id) ?? null;
  }

  count(): number {
    return this.cycles.length;
  }

  query(q: HistoryQuery): HistoryPage {
    const matches: Cycle[] = [];
    for (let i = this.cycles.length - 1; i >= 0; i -= 1) {
      const cycle = this.cycles[i]!;
      const started = Date.parse(cycle.startedAt);
      if (q.from && started < q.from.getTime()) continue;
      if (q.to && started > q.to.getTime()) continue;
      if (q.service) {
        const result = cycle.services.find((s) => s.service === q.service);
        if (!result || result.state === 'absent') continue;
        if (q.state && result.state !== q.state) continue;
      } else if (q.state && cycle.status !== q.state) continue;
      matches.push(cycle);
    }
    const start = q.cursor ? matches.findIndex((c) => c.id < q.cursor!) : 0;
    const page = start < 0 ? [] : matches.slice(start, start + q.limit);
    const last = page[page.length - 1];
    const more = start >= 0 && start + q.limit < matches.length;
    return { items: page.map(summarize), nextCursor: more && last ? last.id : null, total: matches.length };
  }

  /** Removes cycles (with their reports) that started before the retention window; says which Rally tasks they ran. */
  async prune(retentionDays: number, now = new Date()): Promise<PruneResult> {
    const cutoff = now.getTime() - retentionDays * 86_400_000;
    const entries = (await readdir(this.root)).filter(isRunId);
    let removed = 0;
    const taskUuids: string[] = [];
    for (const id of entries) {
      const known = this.byId.get(id);
      const started = known ? Date.parse(known.startedAt) : (await stat(join(this.root, id))).mtime.getTime();
      if (started >= cutoff) continue;
      await rm(join(this.root, id), { recursive: true, force: true });
      for (const service of known?.services ?? []) if (service.taskUuid) taskUuids.push(service.taskUuid);
      this.byId.delete(id);
      removed += 1;
    }
    // Cycles kept in memory only (they could not be written) age out the same way.
    for (const cycle of this.cycles) {
      if (!this.byId.has(cycle.id) || Date.parse(cycle.startedAt) >= cutoff) continue;
      this.byId.delete(cycle.id);
      for (const service of cycle.services) if (service.taskUuid) taskUuids.push(service.taskUuid);
    }
    this.cycles = this.cycles.filter((c) => this.byId.has(c.id));
    return { removed, taskUuids };
  }

  /** Throws when the store cannot take a new record (full disk, read-only mount, permissions). */
  async checkWritable(): Promise<void> {
    const probe = join(this.root, `.probe-${process.pid}`);
    try {
      await writeFile(probe, 'ok', { mode: 0o600 });
    } finally {
      await rm(probe, { force: true });
    }
  }
}
