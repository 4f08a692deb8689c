// The PromQL the Dataplane page and the Overview's dataplane lane ask Prometheus, over the canary agents' metrics
// (docs/metrics.md, canary-metrics-table). No imports: plugin/test/record-dataplane-fixtures.mjs imports this file
// as it is (Node strips the types) to record real answers to exactly these queries.

/** The window rates and the p95 are taken over: 30 probes at the agent's default 10 s interval. */
export const RATE_WINDOW = '5m';

/** A pair of availability zones: the probing (src) side and the probed (dst) side, each in its datacenter. */
export const PAIR_LABELS = ['src_datacenter', 'src_az', 'dst_datacenter', 'dst_az'] as const;
const BY_PAIR = PAIR_LABELS.join(', ');

export const MATRIX_QUERIES = {
  /** p95 round trip of each AZ pair, over every canary of both AZs. NaN where the pair had no successful probe. */
  p95: `histogram_quantile(0.95, sum by (${BY_PAIR}, le) (rate(canary_peer_rtt_seconds_bucket[${RATE_WINDOW}])))`,
  /** Probes per second of each pair by outcome; loss is the share of outcomes other than ok. */
  probes: `sum by (${BY_PAIR}, result) (rate(canary_probes_total[${RATE_WINDOW}]))`,
  /** Share of the pair's peers whose last probe answered. */
  reachable: `avg by (${BY_PAIR}) (canary_peer_reachable)`,
};

export interface PairSelector {
  srcDatacenter: string;
  srcAz: string;
  dstDatacenter: string;
  dstAz: string;
}

/**
 * A PromQL string literal: double-quoted, with Go's escapes, which PromQL's lexer reads
 * (prometheus/prometheus promql/parser/lex.go, lexString; strconv.Unquote). JSON's escapes are a subset of them.
 */
export function promString(value: string): string {
  return JSON.stringify(value);
}

function pairMatchers(pair: PairSelector): string {
  return [
    `src_datacenter=${promString(pair.srcDatacenter)}`,
    `src_az=${promString(pair.srcAz)}`,
    `dst_datacenter=${promString(pair.dstDatacenter)}`,
    `dst_az=${promString(pair.dstAz)}`,
  ].join(',');
}

/** One pair's p95 round trip and loss over time (range queries). */
export function pairQueries(pair: PairSelector) {
  const m = pairMatchers(pair);
  return {
    p95: `histogram_quantile(0.95, sum by (le) (rate(canary_peer_rtt_seconds_bucket{${m}}[${RATE_WINDOW}])))`,
    // A pair that lost nothing has no failure series at all: `or vector(0)` makes that a 0, not a gap.
    loss:
      `(sum(rate(canary_probes_total{${m},result!="ok"}[${RATE_WINDOW}])) or vector(0))` +
      ` / sum(rate(canary_probes_total{${m}}[${RATE_WINDOW}]))`,
  };
}
