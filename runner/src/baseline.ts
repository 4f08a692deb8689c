// Slow-down detection: a cloud can pass every SLA while `nova.boot_server` has doubled. Each atomic action of each
// workload is judged against its own history: the p95s it had in the earlier cycles of the window (the retention),
// summed up robustly as their median and a MAD-based spread, so one odd cycle in the history moves neither. An action
// is slow when its p95 is above median x factor, median + spreads x spread and median + minDeltaSeconds (on a busy
// machine a 30 ms call takes 170 ms now and then: jitter, not a slow-down), and `regressed` when it has been
// slow for the configured number of consecutive cycles in which it ran. A slow-down that lasts more than half the
// window becomes the new usual: the median follows it.
import type { RegressionSettings } from './config.js';
import type { ActionBaseline, AtomicAction, Cycle } from './model.js';

export type { RegressionSettings } from './config.js';

/** Scales the median absolute deviation to the standard deviation of a normal distribution (1 / Φ⁻¹(3/4)). */
const MAD_TO_SIGMA = 1.4826;

const DAY_MS = 86_400_000;

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of the values and 1.4826 x their median absolute deviation. Needs at least one value. */
export function medianAndSpread(values: readonly number[]): { median: number; spread: number } {
  const centre = median([...values].sort((a, b) => a - b));
  const deviations = values.map((v) => Math.abs(v - centre)).sort((a, b) => a - b);
  return { median: centre, spread: MAD_TO_SIGMA * median(deviations) };
}

/** A p95 that can stand for the action in its cycle: it ran, and no iteration of it failed (a failure is fast). */
function sampleOf(action: AtomicAction): number | null {
  if (!action.durationSeconds || action.failures > 0 || action.durationSeconds.count === 0) return null;
  return action.durationSeconds.p95;
}

/** One key per service, workload key and action; JSON so that no name can make two keys equal. */
function keyOf(service: string, workload: string, action: string): string {
  return JSON.stringify([service, workload, action]);
}

interface Earlier {
  p95s: number[];
  /** The baseline recorded with the latest sample: its slow streak continues or ends with this cycle. */
  last: ActionBaseline | undefined;
}

function earlierSamples(cycle: Cycle, history: readonly Cycle[], windowDays: number): Map<string, Earlier> {
  const from = Date.parse(cycle.startedAt) - windowDays * DAY_MS;
  const byKey = new Map<string, Earlier>();
  const ordered = history
    .filter((c) => c.id !== cycle.id && c.startedAt < cycle.startedAt && Date.parse(c.startedAt) >= from)
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  for (const earlier of ordered) {
    for (const service of earlier.services) {
      // A result taken in a maintenance window (an upgrade, a migration) is not what the service usually does.
      if (service.state === 'maintenance') continue;
      for (const workload of service.workloads) {
        for (const action of workload.atomicActions) {
          const p95 = sampleOf(action);
          if (p95 === null) continue;
          const key = keyOf(service.service, workload.key, action.name);
          const entry = byKey.get(key) ?? { p95s: [], last: undefined };
          entry.p95s.push(p95);
          entry.last = action.baseline;
          byKey.set(key, entry);
        }
      }
    }
  }
  return byKey;
}

function judge(p95: number, earlier: Earlier | undefined, settings: RegressionSettings): ActionBaseline {
  const samples = earlier?.p95s.length ?? 0;
  if (!earlier || samples < settings.minSamples) {
    return {
      verdict: 'learning',
      samples,
      medianSeconds: null,
      spreadSeconds: null,
      thresholdSeconds: null,
      slowCycles: 0,
    };
  }
  const { median: centre, spread } = medianAndSpread(earlier.p95s);
  const threshold = Math.max(
    centre * settings.factor,
    centre + settings.spreads * spread,
    centre + settings.minDeltaSeconds
  );
  const slow = p95 > threshold;
  const before =
    earlier.last?.verdict === 'slow' || earlier.last?.verdict === 'regressed' ? earlier.last.slowCycles : 0;
  const slowCycles = slow ? before + 1 : 0;
  return {
    verdict: !slow ? 'usual' : slowCycles >= settings.cycles ? 'regressed' : 'slow',
    samples,
    medianSeconds: centre,
    spreadSeconds: spread,
    thresholdSeconds: threshold,
    slowCycles,
  };
}

/**
 * The cycle with a `baseline` on each atomic action that can be judged, from the earlier cycles of the history
 * (judged records: their verdicts carry the slow streaks on). Nothing else of the cycle changes.
 */
export function judgeRegressions(cycle: Cycle, history: readonly Cycle[], settings: RegressionSettings): Cycle {
  const earlier = earlierSamples(cycle, history, settings.windowDays);
  return {
    ...cycle,
    services: cycle.services.map((service) => ({
      ...service,
      workloads: service.workloads.map((workload) => ({
        ...workload,
        atomicActions: workload.atomicActions.map((action) => {
          const p95 = sampleOf(action);
          if (p95 === null) return action;
          const baseline = judge(p95, earlier.get(keyOf(service.service, workload.key, action.name)), settings);
          return { ...action, baseline };
        }),
      })),
    })),
  };
}
