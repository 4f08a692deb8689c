// The canary agent's metrics module: the series it keeps per peer, and what a probe outcome does to them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CanaryMetrics, RTT_BUCKETS, type PathLabels } from '../../src/canary/agent/metrics.js';
import { PROBE_RESULTS } from '../../src/canary/agent/probe.js';

const PATH: PathLabels = {
  src_datacenter: 'dc1',
  src_az: 'az-1',
  dst_datacenter: 'dc2',
  dst_az: 'az-9',
  peer: 'canary-d',
};
const ok = { result: 'ok' as const, rttSeconds: 0.0003, connectSeconds: 0.0001, responder: null };
const lost = { result: 'timeout' as const, rttSeconds: null, connectSeconds: null, responder: null };

async function values(metrics: CanaryMetrics, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)!;
  return metric.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
}

describe('canary metrics', () => {
  it('buckets from 0.1 ms to 5 s', () => {
    assert.equal(RTT_BUCKETS[0], 0.0001);
    assert.equal(RTT_BUCKETS.at(-1), 5);
    assert.deepEqual(
      [...RTT_BUCKETS].sort((a, b) => a - b),
      RTT_BUCKETS
    );
  });

  it('a new peer has every result at 0 and no reachability yet; probes count and observe', async () => {
    const metrics = new CanaryMetrics();
    metrics.addPeer(PATH);
    const probes = await values(metrics, 'canary_probes_total');
    assert.deepEqual(probes.map((v) => [v.labels.result, v.value]).sort(), PROBE_RESULTS.map((r) => [r, 0]).sort());
    assert.deepEqual(await values(metrics, 'canary_peer_reachable'), []);

    metrics.record(PATH, ok, true);
    metrics.record(PATH, lost, null);
    const after = await values(metrics, 'canary_probes_total');
    assert.equal(after.find((v) => v.labels.result === 'ok')!.value, 1);
    assert.equal(after.find((v) => v.labels.result === 'timeout')!.value, 1);
    assert.deepEqual(
      (await values(metrics, 'canary_peer_reachable')).map((v) => v.value),
      [1],
      'unknown keeps 1'
    );
    const rtt = await values(metrics, 'canary_peer_rtt_seconds');
    const count = rtt.find((v) => v.metricName === 'canary_peer_rtt_seconds_count')!;
    assert.equal(count.value, 1, 'only the ok probe is a round trip');
    assert.equal(
      rtt.find((v) => v.metricName === 'canary_peer_rtt_seconds_bucket' && v.labels.le === 0.00025)!.value,
      0
    );
    assert.equal(
      rtt.find((v) => v.metricName === 'canary_peer_rtt_seconds_bucket' && v.labels.le === 0.0005)!.value,
      1
    );
    for (const v of [...after, ...rtt]) assert.equal(v.labels.dst_az, 'az-9');

    metrics.record(PATH, lost, false);
    assert.deepEqual(
      (await values(metrics, 'canary_peer_reachable')).map((v) => v.value),
      [0]
    );
  });

  it('a removed peer leaves no series behind', async () => {
    const metrics = new CanaryMetrics();
    metrics.addPeer(PATH);
    metrics.record(PATH, ok, true);
    metrics.removePeer(PATH);
    for (const name of ['canary_probes_total', 'canary_peer_reachable', 'canary_peer_rtt_seconds']) {
      assert.deepEqual(await values(metrics, name), [], name);
    }
  });
});
