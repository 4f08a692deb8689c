// The runner's long-lived state: at most one cycle at a time, the schedule, what happens after each cycle
// (metrics, pruning), and a clean stop that aborts the running task and still records the cycle.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { runCycle, type CycleDeps, type ProgressEvent } from './cycle.js';
import { newRunId, type HistoryStore } from './history/store.js';
import type { Cycle, CycleTrigger, HealthReport } from './model.js';
import type { RunnerMetrics } from './metrics.js';
import { redact } from './redact.js';

export type StartResult =
  | { started: true; id: string; done: Promise<Cycle> }
  | { started: false; stopping: false; runningId: string }
  | { started: false; stopping: true };

/** Errors of the filesystem (full disk, read-only mount, permissions) rather than of the monitor's own logic. */
function isFilesystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (
    typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof (error as NodeJS.ErrnoException).syscall === 'string'
  );
}

/** Twice the longest gap between the schedule's next firings: a cycle older than that means results went stale. */
export function staleAfterSeconds(cronExpression: string, now = new Date()): number {
  const task = cron.createTask(cronExpression, () => {});
  const runs = task.getNextRuns(30);
  void task.destroy();
  let longest = 0;
  let previous = now.getTime();
  for (const run of runs) {
    longest = Math.max(longest, run.getTime() - previous);
    previous = run.getTime();
  }
  return Math.round((2 * longest) / 1000);
}

export class Monitor {
  private running: { id: string; controller: AbortController; done: Promise<Cycle> } | null = null;
  private scheduled: ScheduledTask | null = null;
  /** Set from the first stop signal on: no cycle starts any more, mutating routes answer 503. */
  private stopRequested = false;
  /** Cycles that ran but could not be written; kept in memory, and run-once exits 1 for them. */
  private readonly unrecorded = new Set<string>();
  private readonly startedAt = Date.now();
  readonly staleAfterSeconds: number;

  constructor(
    private readonly deps: CycleDeps & { metrics: RunnerMetrics },
    private readonly onProgress?: (event: ProgressEvent) => void
  ) {
    this.staleAfterSeconds = staleAfterSeconds(deps.config.schedule.cron);
  }

  get config(): Config {
    return this.deps.config;
  }

  get store(): HistoryStore {
    return this.deps.store;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  runningId(): string | null {
    return this.running?.id ?? null;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Whether the cycle ran but could not be written to the data directory. */
  wasUnrecorded(id: string): boolean {
    return this.unrecorded.has(id);
  }

  /** Shows the newest recorded cycle in the metrics, so a restart does not look like a change of state. */
  restoreMetrics(): void {
    const latest = this.store.latest();
    if (latest) this.deps.metrics.showCycle(latest);
    this.deps.metrics.setHistorySize(this.store.count());
    this.deps.metrics.countQuarantined(this.store.quarantined);
    void this.showRallyDatabaseSize();
  }

  private async showRallyDatabaseSize(): Promise<void> {
    this.deps.metrics.setRallyDatabaseSize(await this.deps.rally.databaseSize());
  }

  start(trigger: CycleTrigger): StartResult {
    // After a stop signal a new cycle's Rally group would outlive the runner: nothing starts any more.
    if (this.stopRequested) return { started: false, stopping: true };
    if (this.running) return { started: false, stopping: false, runningId: this.running.id };
    const id = newRunId();
    const startedAt = new Date();
    const controller = new AbortController();
    this.deps.metrics.setRunning(true);
    this.logger.info({ cycle: id, trigger }, 'cycle started');
    const onRecorded = (cycle: Cycle) => {
      if (cycle.status !== 'aborted') this.deps.metrics.showCycle(cycle);
      this.deps.metrics.countRun(cycle.status);
    };
    const done = runCycle(
      { ...this.deps, onRecorded },
      { id, trigger, signal: controller.signal, ...(this.onProgress ? { onProgress: this.onProgress } : {}) }
    )
      .catch((error: unknown) => this.unrecordable(id, trigger, startedAt, error))
      .then(async (cycle) => {
        await this.prune();
        return cycle;
      })
      .finally(() => {
        this.running = null;
        this.deps.metrics.setRunning(false);
      });
    this.running = { id, controller, done };
    // Pruning and metrics never throw; this is a last guard so a bug can never become an unhandled rejection.
    done.catch((error: Error) => this.logger.error({ cycle: id, err: error }, 'cycle could not complete'));
    return { started: true, id, done };
  }

  /**
   * A cycle whose run or record failed (a full disk, a read-only mount, or the monitor's own bug) is an `error` with
   * the reason, kept in memory so the API and the metrics say so; the runner goes on, and the next cycle tries again.
   */
  private unrecordable(id: string, trigger: CycleTrigger, startedAt: Date, error: unknown): Cycle {
    const message = redact(error instanceof Error ? error.message : String(error), this.deps.secrets);
    const reason = isFilesystemError(error)
      ? `the cycle could not be recorded in ${this.config.dataDir}: ${message}`
      : `the monitor failed during the cycle: ${message}`;
    const finishedAt = new Date();
    const cycle: Cycle = {
      id,
      cloud: this.config.cloudLabel,
      region: this.config.regionLabel,
      trigger,
      status: 'error',
      reason,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      services: [],
    };
    this.unrecorded.add(id);
    this.store.keepUnrecorded(cycle);
    // Counted, not shown: with no service results, the per-service gauges would read as every service absent.
    this.deps.metrics.countRun('error');
    this.logger.error({ cycle: id, err: error, reason }, 'cycle could not be recorded');
    return cycle;
  }

  private async prune(): Promise<void> {
    try {
      const { removed, taskUuids } = await this.store.prune(this.config.retentionDays);
      if (removed > 0) this.logger.info({ removed, retentionDays: this.config.retentionDays }, 'pruned old cycles');
      // Rally's own database keeps every task's results: without this it grows with every cycle, for ever.
      if (taskUuids.length > 0) {
        const deleted = await this.deps.rally.deleteTasks(taskUuids);
        this.logger.info(
          { tasks: deleted, of: taskUuids.length },
          "deleted the pruned cycles' tasks from Rally's database"
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning failed; will retry after the next cycle');
    }
    this.deps.metrics.setHistorySize(this.store.count());
    await this.showRallyDatabaseSize();
  }

  /** A scheduled firing. A cycle still running is never doubled: the firing is recorded as skipped. */
  async tick(): Promise<void> {
    const result = this.start('schedule');
    if (result.started || result.stopping) return;
    const now = new Date().toISOString();
    const skipped: Cycle = {
      id: newRunId(),
      cloud: this.config.cloudLabel,
      region: this.config.regionLabel,
      trigger: 'schedule',
      status: 'skipped',
      reason: `cycle ${result.runningId} was still running`,
      startedAt: now,
      finishedAt: now,
      durationSeconds: 0,
      services: [],
    };
    await this.store.finishCycle(skipped);
    this.deps.metrics.countRun('skipped');
    this.logger.warn(
      { cycle: skipped.id, running: result.runningId },
      'scheduled cycle skipped: previous cycle still running'
    );
  }

  schedule(): void {
    this.scheduled = cron.schedule(
      this.config.schedule.cron,
      () =>
        this.tick().catch((error: Error) => {
          this.logger.error({ err: error }, 'could not record a skipped cycle');
        }),
      { name: 'rally-monitor-cycle' }
    );
  }

  /** From now on nothing starts: the schedule's firings and POST routes are refused (503). Called on SIGTERM. */
  beginStopping(): void {
    this.stopRequested = true;
  }

  /** Stops the schedule, aborts a running cycle (its record says aborted) and waits until it is written. */
  async stop(): Promise<void> {
    this.beginStopping();
    await this.scheduled?.stop();
    const running = this.running;
    if (!running) return;
    running.controller.abort();
    await running.done.catch(() => undefined);
  }

  async health(): Promise<HealthReport> {
    const latest = this.store.latest();
    const base = {
      running: this.running !== null,
      lastCycleId: latest?.id ?? null,
      lastCycleFinishedAt: latest?.finishedAt ?? null,
      staleAfterSeconds: this.staleAfterSeconds,
    };
    if (this.stopRequested) return { status: 'unhealthy', reason: 'the runner is stopping', ...base };
    try {
      await this.store.checkWritable();
    } catch (error) {
      return {
        status: 'unhealthy',
        reason: `data directory ${this.config.dataDir} is not writable: ${(error as Error).message}`,
        ...base,
      };
    }
    const reference = latest ? Date.parse(latest.finishedAt) : this.startedAt;
    const ageSeconds = (Date.now() - reference) / 1000;
    if (ageSeconds > this.staleAfterSeconds) {
      const what = latest
        ? `the last cycle finished ${Math.round(ageSeconds)} s ago`
        : `no cycle has finished in the ${Math.round(ageSeconds)} s since start`;
      return {
        status: 'unhealthy',
        reason: `${what}; more than ${this.staleAfterSeconds} s (twice the schedule interval)`,
        ...base,
      };
    }
    return { status: 'ok', ...base };
  }
}
