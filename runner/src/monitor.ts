// The runner's long-lived state: at most one cycle at a time, the schedule, what happens after each cycle
// (metrics, pruning), and a clean stop that aborts the running task and still records the cycle.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { runCycle, type CycleDeps, type ProgressEvent } from './cycle.js';
import { newRunId, type HistoryStore } from './history/store.js';
import type { Cycle, CycleTrigger, HealthReport } from './model.js';
import type { RunnerMetrics } from './metrics.js';

export type StartResult = { started: true; id: string; done: Promise<Cycle> } | { started: false; runningId: string };


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
  private readonly startedAt = Date.now();
  readonly staleAfterSeconds: number;

  constructor(
    private readonly deps: CycleDeps & { metrics: RunnerMetrics },
    private readonly onProgress?: (event: ProgressEvent) => void,
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

  /** Shows the newest recorded cycle in the metrics, so a restart does not look like a change of state. */
  restoreMetrics(): void {
    const latest = this.store.latest();
    if (latest) this.deps.metrics.showCycle(latest);
    this.deps.metrics.setHistorySize(this.store.count());
  }

  start(trigger: CycleTrigger): StartResult {
    if (this.running) return { started: false, runningId: this.running.id };
    const id = newRunId();
    const controller = new AbortController();
    this.deps.metrics.setRunning(true);
    this.logger.info({ cycle: id, trigger }, 'cycle started');
    const onRecorded = (cycle: Cycle) => {
      if (cycle.status !== 'aborted') this.deps.metrics.showCycle(cycle);
      this.deps.metrics.countRun(cycle.status);
    };
    const done = runCycle({ ...this.deps, onRecorded }, { id, trigger, signal: controller.signal, ...(this.onProgress ? { onProgress: this.onProgress } : {}) })
      .then(async (cycle) => {
        await this.prune();
        return cycle;
      })
      .finally(() => {
        this.running = null;
        this.deps.metrics.setRunning(false);
      });
    this.running = { id, controller, done };
    // A failure here is the monitor's own (disk full, Rally missing); it is logged, and the next cycle tries again.
    done.catch((error: Error) => this.logger.error({ cycle: id, err: error }, 'cycle could not complete'));
    return { started: true, id, done };
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.store.prune(this.config.retentionDays);
      if (removed > 0) this.logger.info({ removed, retentionDays: this.config.retentionDays }, 'pruned old cycles');
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning failed; will retry after the next cycle');
    }
    this.deps.metrics.setHistorySize(this.store.count());
  }

  /** A scheduled firing. A cycle still running is never doubled: the firing is recorded as skipped. */
  async tick(): Promise<void> {
    const result = this.start('schedule');
    if (result.started) return;
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
    this.logger.warn({ cycle: skipped.id, running: result.runningId }, 'scheduled cycle skipped: previous cycle still running');
  }

  schedule(): void {
    this.scheduled = cron.schedule(this.config.schedule.cron, () => this.tick().catch((error: Error) => {
      this.logger.error({ err: error }, 'could not record a skipped cycle');
    }), { name: 'rally-monitor-cycle' });
  }

  /** Stops the schedule, aborts a running cycle (its record says aborted) and waits until it is written. */
  async stop(): Promise<void> {
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
    try {
      await this.store.checkWritable();
    } catch (error) {
      return { status: 'unhealthy', reason: `history store is not writable: ${(error as Error).message}`, ...base };
    }
    const reference = latest ? Date.parse(latest.finishedAt) : this.startedAt;
    const ageSeconds = (Date.now() - reference) / 1000;
    if (ageSeconds > this.staleAfterSeconds) {
      const what = latest ? `the last cycle finished ${Math.round(ageSeconds)} s ago` : `no cycle has finished in the ${Math.round(ageSeconds)} s since start`;
      return { status: 'unhealthy', reason: `${what}; more than ${this.staleAfterSeconds} s (twice the schedule interval)`, ...base };
    }
    return { status: 'ok', ...base };
  }
}
