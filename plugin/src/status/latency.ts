import type { Cycle, ServiceName } from '../api/types';

export interface LatencyPoint {
  time: number;
  p50: number;
  p95: number;
}

export interface ActionLatency {
  /** "scenario key / action name": the same action name can appear in several workloads. */
  id: string;
  workload: string;
  action: string;
  points: LatencyPoint[];
}

/** p50/p95 of each atomic action of a service across cycles, oldest first. */
export function actionLatencies(cycles: Cycle[], service: ServiceName): ActionLatency[] {
  const byId = new Map<string, ActionLatency>();
  const sorted = [...cycles].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  for (const cycle of sorted) {
    const result = cycle.services.find((s) => s.service === service);
    for (const workload of result?.workloads ?? []) {
      for (const action of workload.atomicActions) {
        if (!action.durationSeconds) {
          continue;
        }
        const id = `${workload.key} / ${action.name}`;
        let entry = byId.get(id);
        if (!entry) {
          entry = { id, workload: workload.key, action: action.name, points: [] };
          byId.set(id, entry);
        }
        entry.points.push({
          time: Date.parse(result?.finishedAt ?? cycle.finishedAt),
          p50: action.durationSeconds.p50,
          p95: action.durationSeconds.p95,
        });
      }
    }
  }
  return [...byId.values()];
}
