import type { CycleSummary, ServiceName } from '../api/types';
import type { TimelineLane } from '../components/StatusTimeline/StatusTimeline';
import { buildSegments, computeUptime, historyPoints } from './segments';

/** Timeline lanes from the runner's history, one per service, in the given order. */
export function historyLanes(
  cycles: CycleSummary[],
  services: ServiceName[],
  from: number,
  to: number,
  maxGapMs?: number
): TimelineLane[] {
  return services.map((service) => {
    const segments = buildSegments(historyPoints(cycles, service), { from, to, maxGapMs });
    return { name: service, key: service, segments, uptime: computeUptime(segments) };
  });
}
