import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStats } from '../../src/stats.js';

describe('computeStats', () => {
  it('returns null when nothing ran', () => {
    assert.equal(computeStats([]), null);
  });

  it('interpolates percentiles between ranks', () => {
    const stats = computeStats([4, 1, 3, 2, 5])!;
    const rounded = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, Math.round(v * 1e9) / 1e9]));
    assert.deepEqual(rounded, { count: 5, min: 1, p50: 3, p90: 4.6, p95: 4.8, max: 5, mean: 3 });
  });

  it('handles one value', () => {
    assert.deepEqual(computeStats([0.25]), {
      count: 1,
      min: 0.25,
      p50: 0.25,
      p90: 0.25,
      p95: 0.25,
      max: 0.25,
      mean: 0.25,
    });
  });
});
