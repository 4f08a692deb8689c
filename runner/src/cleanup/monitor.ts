// The cleanup monitor's state: the latest scan (with ages and attribution), the scan schedule, the before/after
// diff around each cycle, and purges (one at a time, each audited). Scans run one after another, never at once.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { CleanupSettings } from '../config.js';
import type { CycleHooks } from '../cycle.js';
import type { Cycle } from '../model.js';
import type { OpenStackSession } from '../openstack/session.js';
import type { ServiceName } from '../services.js';
import { AuditLog } from './audit.js';
import type { ResourceKind } from './kind.js';
import type { Leak } from './leak.js';
import { foundKey, Ledger, resourceKey } from './ledger.js';
import type { CleanupMetrics } from './metrics.js';
import { attributionOf, type RallyTaskSet, type TaskIndex } from './tasks.js';
import { executePurge, planPurge, type PurgeRequest } from './purge.js';
import type { CleanupReport, DeletionResult, PurgeOutcome, PurgeScope, RefreshOutcome, ServiceScan } from './report.js';
import { kindContexts, scanCloud, type RawScan } from './scan.js';

export class CleanupBusyError extends Error {}

export interface CleanupDeps {
  session: OpenStackSession;
  settings: CleanupSettings;
  /** <dataDir>/cleanup holds the ledger and the audit log. */
  dir: string;
  logger: Logger;
  secrets: readonly string[];
  /** The Rally tasks the runner's history knows, to tie a leak's task part to the run that made it. */
  tasks?: () => TaskIndex | Promise<TaskIndex>;
  /** The task parts the runner's Rally database knows, for leaks whose run the history does not know. */
  rallyTasks?: () => RallyTaskSet | Promise<RallyTaskSet>;
  metrics?: CleanupMetrics;
  kinds?: readonly ResourceKind[];
}

function withAges(report: CleanupReport, now = Date.now()): CleanupReport {
  return {
    ...report,
    leaks: report.leaks.map((leak) => ({
      ...leak,
      ageSeconds: Math.max(0, Math.round((now - Date.parse(leak.createdAt ?? leak.firstSeenAt)) / 1000)),
    })),
  };
}

export class CleanupMonitor {
  readonly audit: AuditLog;
  private readonly ledger: Ledger;
  private last: CleanupReport | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private purging = false;
  /** The last scan queued, until it settles. */
  private pendingScan: Promise<CleanupReport> | null = null;
  private lastScanEndedAt: number | null = null;
  private scheduled: ScheduledTask | null = null;
  private before: { cycleId: string; keys: Set<string> } | null = null;
  private after: { cycleId: string; report: CleanupReport } | null = null;

  private constructor(private readonly deps: CleanupDeps) {
    this.audit = new AuditLog(join(deps.dir, 'audit.jsonl'));
    this.ledger = new Ledger(join(deps.dir, 'ledger.json'));
  }

  static async open(deps: CleanupDeps): Promise<CleanupMonitor> {
    await mkdir(deps.dir, { recursive: true, mode: 0o750 });
    const monitor = new CleanupMonitor(deps);
    await monitor.ledger.load((message) => deps.logger.warn(message));
    return monitor;
  }

  get minAgeSeconds(): number {
    return this.deps.settings.minAgeSeconds;
  }

  /** The latest scan with ages as of now, or null before the first. */
  latest(): CleanupReport | null {
    return this.last ? withAges(this.last) : null;
  }

  /** The latest completed scan; before the first one, the scan in flight (or a new one). Never queues behind others. */
  async current(): Promise<CleanupReport> {
    return this.latest() ?? this.pendingScan ?? this.scan();
  }

  /** A fresh scan, after any scan already running. */
  scan(): Promise<CleanupReport> {
    return this.queueScan();
  }

  /**
   * A scan on request (`GET /api/cleanup?refresh=true`), bounded: a request while a scan is queued or running
   * shares that scan; one within RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL of the last scan's end gets that scan.
   * So requests never pile scans up, however many arrive.
   */
  async refresh(): Promise<{ report: CleanupReport; refresh: RefreshOutcome }> {
    if (this.pendingScan) return { report: await this.pendingScan, refresh: 'coalesced' };
    const latest = this.latest();
    const sinceLast = this.lastScanEndedAt === null ? Number.POSITIVE_INFINITY : Date.now() - this.lastScanEndedAt;
    if (latest && sinceLast < this.deps.settings.refreshIntervalSeconds * 1000) {
      return { report: latest, refresh: 'rate-limited' };
    }
    return { report: await this.scan(), refresh: 'started' };
  }

  /** Queues a scan; `pendingScan` is the last one queued until it settles, for requests to share. */
  private queueScan(diff?: { runId: string; before: Set<string> }): Promise<CleanupReport> {
    const scan = this.enqueue(() => this.runScan(diff));
    this.pendingScan = scan;
    const settle = () => {
      this.lastScanEndedAt = Date.now();
      if (this.pendingScan === scan) this.pendingScan = null;
    };
    scan.then(settle, settle);
    return scan;
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runScan(diff?: { runId: string; before: Set<string> }): Promise<CleanupReport> {
    const raw = await scanCloud(this.deps.session, {
      secrets: this.deps.secrets,
      ...(this.deps.kinds ? { kinds: this.deps.kinds } : {}),
      expectedServices: this.last?.services.filter((s) => s.state !== 'absent').map((s) => s.service) ?? [],
    });
    this.ledger.record(raw);
    if (diff) {
      this.ledger.attribute(
        raw.found.map(foundKey).filter((key) => !diff.before.has(key)),
        diff.runId
      );
    }
    await this.ledger
      .save()
      .catch((error: Error) => this.deps.logger.warn({ err: error }, 'cleanup ledger could not be saved'));
    const report = this.reportOf(
      raw,
      (await this.deps.tasks?.()) ?? new Map(),
      (await this.deps.rallyTasks?.()) ?? new Set()
    );
    this.last = report;
    // While a cycle runs, what appeared since its before-scan is Rally at work, not a leak (the after-scan decides).
    const before = diff ? null : this.before?.keys;
    this.deps.metrics?.showScan(report, before ? (leak) => before.has(resourceKey(leak)) : undefined);
    const failed = report.services.filter((s) => s.state === 'failed');
    this.deps.logger.info(
      {
        leaks: report.leaks.length,
        durationSeconds: report.durationSeconds,
        failedServices: failed.map((s) => s.service),
      },
      'cleanup scan finished'
    );
    for (const service of failed) {
      this.deps.logger.warn(
        { service: service.service, error: service.error },
        'cleanup scan could not list a service'
      );
    }
    return report;
  }

  private reportOf(raw: RawScan, tasks: TaskIndex, rallyTasks: RallyTaskSet): CleanupReport {
    const leaks = raw.found.map(({ kind, item, taskPrefix }): Leak => {
      const entry = this.ledger.get(foundKey({ kind, item }));
      const task = tasks.get(taskPrefix);
      return {
        service: kind.service,
        type: kind.type,
        id: item.id,
        name: item.name,
        project: item.project,
        userId: item.userId,
        createdAt: item.createdAt,
        firstSeenAt: entry?.firstSeenAt ?? raw.scannedAt,
        ageSeconds: 0,
        taskPrefix,
        taskUuid: task?.taskUuid ?? null,
        // A resource that appeared during a cycle keeps that run id, but only its task proves it Rally's.
        runId: task?.runId ?? entry?.runId ?? null,
        attribution: attributionOf(taskPrefix, tasks, rallyTasks),
      };
    });
    return withAges({
      scannedAt: raw.scannedAt,
      durationSeconds: raw.durationSeconds,
      minAgeSeconds: this.minAgeSeconds,
      services: raw.services,
      leaks,
    });
  }

  /** The before/after diff around each cycle: what appeared during a cycle is attributed to it. */
  readonly hooks: CycleHooks = {
    beforeCycle: async (cycleId: string) => {
      const report = await this.scan();
      this.before = { cycleId, keys: new Set(report.leaks.map(resourceKey)) };
    },
    afterCycle: async (cycle: Cycle) => {
      const before = this.before?.cycleId === cycle.id ? this.before.keys : null;
      this.before = null;
      const report = await this.queueScan(before ? { runId: cycle.id, before } : undefined);
      this.after = { cycleId: cycle.id, report };
    },
  };

  /** The scan that closed the cycle, which holds its leaks; null when that scan failed or never ran. */
  scanAfter(cycleId: string): CleanupReport | null {
    return this.after?.cycleId === cycleId ? this.after.report : null;
  }

  /** A dry run lists what would go; with confirm it deletes. One purge at a time. */
  async purge(
    request: PurgeRequest,
    trigger: 'api' | 'cli',
    onResult?: (result: DeletionResult) => void
  ): Promise<PurgeOutcome> {
    if (this.purging) throw new CleanupBusyError('a purge is already running');
    this.purging = true;
    try {
      const report = await this.scan();
      const plan = planPurge(report.leaks, request.scope, this.minAgeSeconds, report.services);
      const outcome: PurgeOutcome = {
        dryRun: !request.confirm,
        scope: request.scope,
        minAgeSeconds: this.minAgeSeconds,
        scannedAt: report.scannedAt,
        candidates: plan.candidates,
        tooYoung: plan.tooYoung,
        leftOut: plan.leftOut,
        failedServices: report.services.filter((s) => s.state === 'failed').map((s) => s.service),
        results: [],
        stopped: null,
      };
      if (!request.confirm || plan.candidates.length === 0) return outcome;
      const token = await this.deps.session.currentToken();
      this.deps.logger.info({ candidates: plan.candidates.length, trigger }, 'cleanup purge started');
      const execution = await executePurge(
        {
          session: this.deps.session,
          contextOf: await kindContexts(this.deps.session, token),
          audit: this.audit,
          trigger,
          secrets: this.deps.secrets,
          onResult: (result) => {
            this.deps.metrics?.countDeletion(result.outcome);
            onResult?.(result);
          },
        },
        plan.candidates
      );
      outcome.results = execution.results;
      outcome.stopped = execution.stopped;
      const failed = outcome.results.filter((r) => r.outcome === 'failed').length;
      if (outcome.stopped) {
        this.deps.logger.error(
          {
            deleted: outcome.results.length - failed,
            failed,
            notAttempted: plan.candidates.length - outcome.results.length,
            trigger,
            reason: outcome.stopped,
          },
          'cleanup purge stopped'
        );
      } else {
        this.deps.logger.info({ deleted: outcome.results.length - failed, failed, trigger }, 'cleanup purge finished');
      }
      await this.scan().catch((error: Error) =>
        this.deps.logger.warn({ err: error }, 'cleanup scan after the purge failed')
      );
      return outcome;
    } finally {
      this.purging = false;
    }
  }

  /** Scans now (so the metrics and the API have a state from the start), then on the schedule. */
  schedule(): void {
    this.scan().catch((error: Error) => this.deps.logger.error({ err: error }, 'initial cleanup scan failed'));
    this.scheduled = cron.schedule(
      this.deps.settings.scheduleCron,
      () => {
        this.scan().catch((error: Error) => this.deps.logger.error({ err: error }, 'scheduled cleanup scan failed'));
      },
      { name: 'rally-monitor-cleanup' }
    );
  }

  async stop(): Promise<void> {
    await this.scheduled?.stop();
    await this.queue;
    await this.deps.session.close();
  }
}
