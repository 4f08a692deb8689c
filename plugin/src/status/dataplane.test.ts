import type { PromSample } from '../api/prometheusApi';
import { recordedDataplane } from '../test/recorded';
import { buildMatrix, cellAt, formatLatency, formatLoss, isLossy, latencyLevel, summarize } from './dataplane';
import { MATRIX_QUERIES, pairQueries, promString } from './dataplaneQueries';

const answers = (name: 'mesh.json' | 'empty.json') => {
  const recording = recordedDataplane(name);
  const result = (query: string) => (recording.instant[query] as { data: { result: PromSample[] } }).data.result;
  return {
    recording,
    result,
    inputs: {
      p95: result(MATRIX_QUERIES.p95),
      probes: result(MATRIX_QUERIES.probes),
      reachable: result(MATRIX_QUERIES.reachable),
    },
  };
};

describe('the dataplane matrix from recorded Prometheus answers', () => {
  const mesh = answers('mesh.json');
  const matrix = buildMatrix(mesh.inputs);
  const az = (datacenter: string, name: string) => ({ datacenter, az: name });

  it('has every zone of the recorded agents as a row and a column, ordered by datacenter and AZ', () => {
    const zones = [...new Map(mesh.recording.zones!.map((z) => [`${z.datacenter}/${z.az}`, z])).values()];
    expect(matrix.zones).toEqual(zones.map((z) => az(z.datacenter, z.az)));
  });

  it("computes a pair's loss from its probe outcomes, and marks the pairs to the stopped agent", () => {
    const broken = cellAt(matrix, az('dc1', 'az1'), az('dc2', 'az3'))!;
    const rate = (result: string) =>
      Number(
        mesh.inputs.probes.find(
          (s) => s.metric.src_az === 'az1' && s.metric.dst_az === 'az3' && s.metric.result === result
        )!.value[1]
      );
    expect(rate('refused')).toBeGreaterThan(0);
    expect(broken.loss).toBeCloseTo(rate('refused') / (rate('ok') + rate('refused')), 10);
    expect(isLossy(broken)).toBe(true);
    expect(broken.reachable).toBe(0);
    const healthy = cellAt(matrix, az('dc1', 'az1'), az('dc1', 'az2'))!;
    expect(healthy.loss).toBe(0);
    expect(healthy.reachable).toBe(1);
    expect(healthy.p95Seconds).toBeGreaterThan(0);
    expect(latencyLevel(healthy.p95Seconds)).toBe('fast');
  });

  it('summarises the mesh: down while a pair is unreachable, none without canaries', () => {
    const summary = summarize(matrix);
    expect(summary.state).toBe('down');
    expect(summary.zones).toBe(3);
    expect(summary.unreachablePairs.map((c) => `${c.src.az}>${c.dst.az}`).sort()).toEqual(['az1>az3', 'az2>az3']);
    const empty = buildMatrix(answers('empty.json').inputs);
    expect(empty.cells).toEqual([]);
    expect(summarize(empty).state).toBe('none');
  });
});

describe('formats and query text', () => {
  it('reads latencies and losses as people do', () => {
    expect(formatLatency(0.00042)).toBe('0.42 ms');
    expect(formatLatency(0.0123)).toBe('12.3 ms');
    expect(formatLatency(0.1)).toBe('100 ms');
    expect(formatLatency(1.25)).toBe('1.25 s');
    expect(formatLatency(null)).toBe('n/a');
    expect(formatLoss(0.25)).toBe('25.0%');
    expect(formatLoss(0.004)).toBe('0.40%');
    expect(latencyLevel(1.5)).toBe('alerting');
    expect(latencyLevel(null)).toBe('none');
  });

  it('quotes label values so odd names cannot change the query', () => {
    expect(promString('az"1\\x')).toBe('"az\\"1\\\\x"');
    const { p95 } = pairQueries({ srcDatacenter: 'dc', srcAz: 'a"}) or vector(1) #', dstDatacenter: 'é', dstAz: '..' });
    expect(p95).toContain('src_az="a\\"}) or vector(1) #"');
    expect(p95).toContain('dst_datacenter="é"');
  });
});
