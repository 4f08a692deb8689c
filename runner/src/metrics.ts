// Prometheus metrics, as documented in docs/metrics.md. Gauges describe the last completed cycle and are reset
// before each update, so a scenario or service that disappears from a cycle does not linger with an old value.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Cycle, CycleStatus, JudgedState, ServiceState, WorkloadState } from './model.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';

const STATUS_CODE: Record<JudgedState, number> = { pass: 1, fail: 0, error: -1 };
const STATS = ['min', 'p50', 'p90', 'p95', 'max', 'mean'] as const;

/** null for a state with no verdict to export: absent, or in maintenance (docs/metrics.md). */
export function statusCode(state: ServiceState | WorkloadState): number | null {
  return state === 'absent' || state === 'maintenance' ? null : STATUS_CODE[state];
}

export class RunnerMetrics {
  readonly registry = new Registry();
  private readonly serviceStatus: Gauge;
  private readonly serviceDetected: Gauge;
  private readonly serviceLastRun: Gauge;
  private readonly serviceDuration: Gauge;
  private readonly scenarioStatus: Gauge;
  private readonly slaPassed: Gauge;
  private readonly scenarioIterations: Gauge;
  private readonly scenarioFailed: Gauge;
  private readonly scenarioDuration: Gauge;
  private readonly atomicDuration: Gauge;
  private readonly atomicBaseline: Gauge;
  private readonly atomicRegressed: Gauge;
  private readonly lastRunTimestamp: Gauge;
  private readonly lastRunDuration: Gauge;
  private readonly runs: Counter;
  private readonly cycleRunning: Gauge;
  private readonly historyCycles: Gauge;
  private readonly quarantinedRecords: Counter;
  private readonly rallyDatabaseBytes: Gauge;

  constructor(labels: { cloud: string; region: string }, version: string) {
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges with a counter's _total suffix, which `promtool check metrics` rejects.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      this.registry.removeSingleMetric(name);
    }
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: string[] = []) =>
      new Gauge({ name, help, labelNames, registers });
    this.serviceStatus = gauge(
      'rally_service_status',
      'State of the service in the last cycle: 1 pass, 0 fail, -1 error.',
      ['service']
    );
    this.serviceDetected = gauge(
      'rally_service_detected',
      'Whether the service is in the Keystone catalog and selected (1) or absent (0).',
      ['service']
    );
    this.serviceLastRun = gauge(
      'rally_service_last_run_timestamp_seconds',
      'When the service task of the last cycle finished, in seconds since epoch.',
      ['service']
    );
    this.serviceDuration = gauge(
      'rally_service_run_duration_seconds',
      'Wall time of the service task in the last cycle, in seconds.',
      ['service']
    );
    this.scenarioStatus = gauge(
      'rally_scenario_status',
      'State of the workload in the last cycle: 1 pass, 0 fail, -1 error.',
      ['service', 'scenario']
    );
    this.slaPassed = gauge('rally_sla_passed', 'Whether every SLA criterion of the workload held (1) or not (0).', [
      'service',
      'scenario',
    ]);
    this.scenarioIterations = gauge('rally_scenario_iterations', 'Iterations the workload ran in the last cycle.', [
      'service',
      'scenario',
    ]);
    this.scenarioFailed = gauge(
      'rally_scenario_failed_iterations',
      'Iterations of the workload that failed in the last cycle.',
      ['service', 'scenario']
    );
    this.scenarioDuration = gauge(
      'rally_scenario_duration_seconds',
      'Iteration duration statistics of the workload, in seconds.',
      ['service', 'scenario', 'stat']
    );
    this.atomicDuration = gauge(
      'rally_atomic_action_duration_seconds',
      'Duration statistics of each top-level atomic action, in seconds.',
      ['service', 'scenario', 'action', 'stat']
    );
    this.atomicBaseline = gauge(
      'rally_atomic_action_baseline_seconds',
      "The baseline the action's p95 was judged against: median and spread of its earlier p95s, and the threshold.",
      ['service', 'scenario', 'action', 'stat']
    );
    this.atomicRegressed = gauge(
      'rally_atomic_action_regressed',
      'Whether the p95 of the action has been above its baseline threshold for the configured consecutive cycles.',
      ['service', 'scenario', 'action']
    );
    this.lastRunTimestamp = gauge(
      'rally_last_run_timestamp_seconds',
      'When the last completed cycle finished, in seconds since epoch.'
    );
    this.lastRunDuration = gauge(
      'rally_last_run_duration_seconds',
      'Wall time of the last completed cycle, in seconds.'
    );
    this.runs = new Counter({
      name: 'rally_runs_total',
      help: 'Cycles by outcome since the runner started.',
      labelNames: ['result'],
      registers,
    });
    this.cycleRunning = gauge('rally_cycle_running', 'Whether a cycle is running now (1) or not (0).');
    this.historyCycles = gauge('rally_history_cycles', 'Cycles kept in the history store.');
    this.quarantinedRecords = new Counter({
      name: 'rally_history_quarantined_records_total',
      help: 'Stored records that were not valid and were moved to runs/.quarantine/, since the runner started.',
      registers,
    });
    this.rallyDatabaseBytes = gauge(
      'rally_database_size_bytes',
      "Size of the runner's private Rally database file, in bytes."
    );
    gauge('rally_monitor_info', 'The runner version; always 1.', ['version']).set({ version }, 1);
    for (const result of ['pass', 'fail', 'error', 'aborted', 'timeout', 'skipped'] satisfies CycleStatus[]) {
      this.runs.inc({ result }, 0);
    }
    this.cycleRunning.set(0);
  }

  setRunning(running: boolean): void {
    this.cycleRunning.set(running ? 1 : 0);
  }

  setHistorySize(count: number): void {
    this.historyCycles.set(count);
  }

  countQuarantined(records: number): void {
    this.quarantinedRecords.inc(records);
  }

  /** null when the database file cannot be read now: the last size read stays (0 before any). */
  setRallyDatabaseSize(bytes: number | null): void {
    if (bytes !== null) this.rallyDatabaseBytes.set(bytes);
  }

  countRun(status: CycleStatus): void {
    this.runs.inc({ result: status });
  }

  /**
   * Publishes one completed cycle. Absent services keep only `rally_service_detected 0`. A service in maintenance is
   * detected and keeps its timings and iteration counts, but exports no status nor SLA verdict: a result taken while
   * it was being worked on must not page once the window is over (rally_service_maintenance holds back the rest).
   */
  showCycle(cycle: Cycle): void {
    for (const gauge of [
      this.serviceStatus,
      this.serviceDetected,
      this.serviceLastRun,
      this.serviceDuration,
      this.scenarioStatus,
      this.slaPassed,
      this.scenarioIterations,
      this.scenarioFailed,
      this.scenarioDuration,
      this.atomicDuration,
      this.atomicBaseline,
      this.atomicRegressed,
    ]) {
      gauge.reset();
    }
    const byService = new Map(cycle.services.map((s) => [s.service, s]));
    for (const service of SERVICE_NAMES) {
      const result = byService.get(service);
      const detected = result !== undefined && result.state !== 'absent';
      this.serviceDetected.set({ service }, detected ? 1 : 0);
      if (!result || !detected) continue;
      const code = statusCode(result.state);
      if (code !== null) this.serviceStatus.set({ service }, code);
      if (result.finishedAt) this.serviceLastRun.set({ service }, Date.parse(result.finishedAt) / 1000);
      if (result.durationSeconds !== null) this.serviceDuration.set({ service }, result.durationSeconds);
      for (const workload of result.workloads) this.showWorkload(service, workload, code !== null);
    }
    this.lastRunTimestamp.set(Date.parse(cycle.finishedAt) / 1000);
    this.lastRunDuration.set(cycle.durationSeconds);
  }

  private showWorkload(
    service: ServiceName,
    workload: Cycle['services'][number]['workloads'][number],
    judged: boolean
  ): void {
    const labels = { service, scenario: workload.key };
    if (judged) {
      this.scenarioStatus.set(labels, statusCode(workload.state)!);
      // A workload the monitor could not run has no SLA verdict; exporting 0 would page an SLA breach for a config error.
      if (workload.state !== 'error') this.slaPassed.set(labels, workload.passSla ? 1 : 0);
    }
    this.scenarioIterations.set(labels, workload.iterations);
    this.scenarioFailed.set(labels, workload.failedIterations);
    if (workload.durationSeconds) {
      for (const stat of STATS) this.scenarioDuration.set({ ...labels, stat }, workload.durationSeconds[stat]);
    }
    for (const action of workload.atomicActions) {
      if (!action.durationSeconds) continue;
      for (const stat of STATS) {
        this.atomicDuration.set({ ...labels, action: action.name, stat }, action.durationSeconds[stat]);
      }
      // An action still learning has no baseline yet: no series rather than a 0 that reads as "judged, fine".
      const baseline = action.baseline;
      if (!baseline || baseline.medianSeconds === null || baseline.spreadSeconds === null) continue;
      if (baseline.thresholdSeconds === null) continue;
      const actionLabels = { ...labels, action: action.name };
      this.atomicBaseline.set({ ...actionLabels, stat: 'median' }, baseline.medianSeconds);
      this.atomicBaseline.set({ ...actionLabels, stat: 'spread' }, baseline.spreadSeconds);
      this.atomicBaseline.set({ ...actionLabels, stat: 'threshold' }, baseline.thresholdSeconds);
      this.atomicRegressed.set(actionLabels, baseline.verdict === 'regressed' ? 1 : 0);
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
