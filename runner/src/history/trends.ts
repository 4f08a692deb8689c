// Each atomic action's p95 over the kept history, with the baseline each cycle judged it against: what the app draws
// as the action's duration against its baseline band (GET /api/baselines).
import type { ActionTrend, ActionTrendsReport, Cycle } from '../model.js';
import type { ServiceName } from '../services.js';

/** `cycles` oldest first, as the store keeps them; `service` narrows to one service. */
export function actionTrends(cycles: readonly Cycle[], service?: ServiceName): ActionTrendsReport {
  const byKey = new Map<string, ActionTrend>();
  for (const cycle of cycles) {
    for (const result of cycle.services) {
      if (service && result.service !== service) continue;
      for (const workload of result.workloads) {
        for (const action of workload.atomicActions) {
          if (!action.durationSeconds) continue;
          const key = JSON.stringify([result.service, workload.key, action.name]);
          let trend = byKey.get(key);
          if (!trend) {
            trend = {
              service: result.service,
              workload: workload.key,
              scenario: workload.scenario,
              action: action.name,
              latest: null,
              points: [],
            };
            byKey.set(key, trend);
          }
          trend.points.push({
            cycleId: cycle.id,
            at: cycle.startedAt,
            p95Seconds: action.durationSeconds.p95,
            baseline: action.baseline ?? null,
          });
          trend.latest = action.baseline ?? null;
        }
      }
    }
  }
  return { actions: [...byKey.values()] };
}
