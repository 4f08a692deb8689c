// The dataplane mesh as the app shows it: Prometheus's answers to the queries of dataplaneQueries.ts turned into an
// availability zone x availability zone matrix (the probing zone's rows, the probed zone's columns), and its summary.
import type { PromSample, PromSeries } from '../api/prometheusApi';
import type { PairSelector } from './dataplaneQueries';

/** An availability zone, in its datacenter (the same AZ name may exist in two datacenters). */
export interface Zone {
  datacenter: string;
  az: string;
}

export interface PairCell {
  src: Zone;
  dst: Zone;
  /** 95th percentile round trip, seconds; null when no probe of the pair succeeded in the window. */
  p95Seconds: number | null;
  /** Share of the pair's probes lost (any outcome but ok), 0..1; null when none was sent in the window. */
  loss: number | null;
  probesPerSecond: number;
  /** Share of the pair's peers whose last probe answered, 0..1; null before any verdict. */
  reachable: number | null;
}

export interface DataplaneMatrix {
  /** Every zone seen on either side, ordered by datacenter then AZ: the rows and the columns. */
  zones: Zone[];
  cells: PairCell[];
}

/** The loss above which a pair is marked: the canary error-rate warning's 5%. */
export const LOSS_THRESHOLD = 0.05;
/** The latency alert's threshold: a pair's p95 above 1 s. */
export const LATENCY_ALERT_SECONDS = 1;

export type LatencyLevel = 'fast' | 'fair' | 'slow' | 'alerting' | 'none';

/** The colour band of a p95: the alert's 1 s is red; below it, bands an operator reads at a glance. */
export function latencyLevel(p95Seconds: number | null): LatencyLevel {
  if (p95Seconds === null) {
    return 'none';
  }
  if (p95Seconds > LATENCY_ALERT_SECONDS) {
    return 'alerting';
  }
  if (p95Seconds > 0.25) {
    return 'slow';
  }
  return p95Seconds > 0.05 ? 'fair' : 'fast';
}

export const zoneKey = (zone: Zone) => JSON.stringify([zone.datacenter, zone.az]);
export const zoneName = (zone: Zone) => `${zone.datacenter} / ${zone.az}`;
const pairKey = (src: Zone, dst: Zone) => `${zoneKey(src)}>${zoneKey(dst)}`;

const srcOf = (m: Record<string, string>): Zone => ({ datacenter: m.src_datacenter ?? '', az: m.src_az ?? '' });
const dstOf = (m: Record<string, string>): Zone => ({ datacenter: m.dst_datacenter ?? '', az: m.dst_az ?? '' });

/** A sample's value; Prometheus writes NaN (a quantile of no observations) and ±Inf as strings. */
export function sampleValue(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export function buildMatrix({
  p95,
  probes,
  reachable,
}: {
  p95: PromSample[];
  probes: PromSample[];
  reachable: PromSample[];
}): DataplaneMatrix {
  const cells = new Map<string, PairCell>();
  const cellOf = (metric: Record<string, string>) => {
    const src = srcOf(metric);
    const dst = dstOf(metric);
    const key = pairKey(src, dst);
    let cell = cells.get(key);
    if (!cell) {
      cell = { src, dst, p95Seconds: null, loss: null, probesPerSecond: 0, reachable: null };
      cells.set(key, cell);
    }
    return cell;
  };
  for (const sample of p95) {
    cellOf(sample.metric).p95Seconds = sampleValue(sample.value[1]);
  }
  const lost = new Map<string, number>();
  for (const sample of probes) {
    const cell = cellOf(sample.metric);
    const rate = sampleValue(sample.value[1]) ?? 0;
    cell.probesPerSecond += rate;
    if (sample.metric.result !== 'ok') {
      const key = pairKey(cell.src, cell.dst);
      lost.set(key, (lost.get(key) ?? 0) + rate);
    }
  }
  for (const cell of cells.values()) {
    if (cell.probesPerSecond > 0) {
      cell.loss = (lost.get(pairKey(cell.src, cell.dst)) ?? 0) / cell.probesPerSecond;
    }
  }
  for (const sample of reachable) {
    cellOf(sample.metric).reachable = sampleValue(sample.value[1]);
  }
  const zones = new Map<string, Zone>();
  for (const cell of cells.values()) {
    zones.set(zoneKey(cell.src), cell.src);
    zones.set(zoneKey(cell.dst), cell.dst);
  }
  const byName = (a: Zone, b: Zone) => a.datacenter.localeCompare(b.datacenter) || a.az.localeCompare(b.az);
  return { zones: [...zones.values()].sort(byName), cells: [...cells.values()] };
}

export function cellAt(matrix: DataplaneMatrix, src: Zone, dst: Zone): PairCell | undefined {
  return matrix.cells.find((c) => zoneKey(c.src) === zoneKey(src) && zoneKey(c.dst) === zoneKey(dst));
}

export const isLossy = (cell: PairCell) => cell.loss !== null && cell.loss > LOSS_THRESHOLD;
export const isUnreachable = (cell: PairCell) => cell.reachable === 0;

export type DataplaneState = 'none' | 'ok' | 'degraded' | 'down';

export interface DataplaneSummary {
  state: DataplaneState;
  zones: number;
  pairs: number;
  lossyPairs: PairCell[];
  unreachablePairs: PairCell[];
  slowestPair: PairCell | null;
}

/** One line's worth of the mesh: down when a pair cannot reach its peers at all, degraded on loss or latency. */
export function summarize(matrix: DataplaneMatrix): DataplaneSummary {
  const lossyPairs = matrix.cells.filter(isLossy);
  const unreachablePairs = matrix.cells.filter(isUnreachable);
  const slowestPair = matrix.cells
    .filter((c) => c.p95Seconds !== null)
    .reduce<PairCell | null>((worst, c) => (worst && worst.p95Seconds! >= c.p95Seconds! ? worst : c), null);
  const state: DataplaneState =
    matrix.cells.length === 0
      ? 'none'
      : unreachablePairs.length > 0
        ? 'down'
        : lossyPairs.length > 0 || (slowestPair?.p95Seconds ?? 0) > LATENCY_ALERT_SECONDS
          ? 'degraded'
          : 'ok';
  return { state, zones: matrix.zones.length, pairs: matrix.cells.length, lossyPairs, unreachablePairs, slowestPair };
}

export const pairSelector = (src: Zone, dst: Zone): PairSelector => ({
  srcDatacenter: src.datacenter,
  srcAz: src.az,
  dstDatacenter: dst.datacenter,
  dstAz: dst.az,
});

export interface Point {
  time: number;
  value: number;
}

/** The first series of a range answer as points (epoch ms), NaN steps left out. */
export function seriesPoints(series: PromSeries[]): Point[] {
  return (series[0]?.values ?? []).flatMap(([time, text]) => {
    const value = sampleValue(text);
    return value === null ? [] : [{ time: time * 1000, value }];
  });
}

/** A latency as people read it: 0.42 ms, 12.3 ms, 1.25 s. */
export function formatLatency(seconds: number | null): string {
  if (seconds === null) {
    return 'n/a';
  }
  if (seconds < 0.001) {
    return `${(seconds * 1000).toFixed(2)} ms`;
  }
  if (seconds < 1) {
    return `${Number((seconds * 1000).toPrecision(3))} ms`;
  }
  return `${seconds.toFixed(2)} s`;
}

export function formatLoss(loss: number | null): string {
  return loss === null ? 'n/a' : `${(loss * 100).toFixed(loss > 0 && loss < 0.01 ? 2 : 1)}%`;
}
