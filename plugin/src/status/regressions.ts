import type { ActionBaseline, ServiceResult, Workload } from '../api/types';
import { formatSeconds } from '../utils/format';

/** An atomic action the runner judged `regressed` in a cycle: slower than its own baseline, cycle after cycle. */
export interface RegressedAction {
  workload: string;
  action: string;
  p95: number;
  baseline: ActionBaseline;
}

export function regressedActions(workloads: readonly Workload[]): RegressedAction[] {
  return workloads.flatMap((w) =>
    w.atomicActions.flatMap((a) =>
      a.baseline?.verdict === 'regressed' && a.durationSeconds
        ? [{ workload: w.key, action: a.name, p95: a.durationSeconds.p95, baseline: a.baseline }]
        : []
    )
  );
}

export function isSlowerThanUsual(result: Pick<ServiceResult, 'workloads'> | undefined): boolean {
  return result !== undefined && regressedActions(result.workloads).length > 0;
}

/** "glance_v2.list_images: p95 1.04 s, usually 0.02 s" */
export function describeRegression(r: RegressedAction): string {
  return `${r.action}: p95 ${formatSeconds(r.p95)}, usually ${formatSeconds(r.baseline.medianSeconds ?? 0)}`;
}
