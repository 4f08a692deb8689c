// The canary agent's metrics (docs/metrics.md, "Canary agent"): the contract the alert rules, the dashboard and the
// app's Dataplane page are written against. Every series names both ends of the path: the source (this agent) and
// the destination (the peer) datacenter and availability zone, and the peer's canary id.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PROBE_RESULTS, type ProbeOutcome } from './probe.js';

export const PATH_LABELS = ['src_datacenter', 'src_az', 'dst_datacenter', 'dst_az', 'peer'] as const;
export type PathLabels = Record<(typeof PATH_LABELS)[number], string>;

/** From a loopback or same-rack round trip (0.1 ms) to the probe timeout's order (5 s). */
export const RTT_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

export class CanaryMetrics {
  readonly registry = new Registry();
  private readonly rtt: Histogram<string>;
  private readonly reachable: Gauge<string>;
  private readonly probes: Counter<string>;

  constructor() {
    this.rtt = new Histogram({
      name: 'canary_peer_rtt_seconds',
      help: 'Round trip of the HTTP echo to the peer (successful probes), seconds',
      labelNames: [...PATH_LABELS],
      buckets: RTT_BUCKETS,
      registers: [this.registry],
    });
    this.reachable = new Gauge({
      name: 'canary_peer_reachable',
      help: '1 while the peer answers, 0 after three probes in a row were lost',
      labelNames: [...PATH_LABELS],
      registers: [this.registry],
    });
    this.probes = new Counter({
      name: 'canary_probes_total',
      help: 'Probes of the peer by result: ok, timeout, refused, reset, unreachable, bad_answer, late, error',
      labelNames: [...PATH_LABELS, 'result'],
      registers: [this.registry],
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Every result starts at 0, so a rate or a ratio exists from the first scrape on. */
  addPeer(labels: PathLabels): void {
    for (const result of PROBE_RESULTS) this.probes.inc({ ...labels, result }, 0);
  }

  removePeer(labels: PathLabels): void {
    this.rtt.remove(labels);
    this.reachable.remove(labels);
    for (const result of PROBE_RESULTS) this.probes.remove({ ...labels, result });
  }

  /** `reachable` null: not known yet (no answer yet, and fewer than three probes lost): no gauge series yet. */
  record(labels: PathLabels, outcome: ProbeOutcome, reachable: boolean | null): void {
    this.probes.inc({ ...labels, result: outcome.result });
    if (outcome.result === 'ok' && outcome.rttSeconds !== null) this.rtt.observe(labels, outcome.rttSeconds);
    if (reachable !== null) this.reachable.set(labels, reachable ? 1 : 0);
  }

  setReachable(labels: PathLabels, reachable: boolean): void {
    this.reachable.set(labels, reachable ? 1 : 0);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
