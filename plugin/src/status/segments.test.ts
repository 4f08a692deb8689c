import type { HistoryPage } from '../api/types';
import { runnerFixture } from '../test/fixtures';
import { formatDuration, formatRatio } from '../utils/format';
import { buildSegments, computeUptime, historyPoints, stateOfCode } from './segments';

const MIN = 60_000;

describe('buildSegments', () => {
  it('holds each sample until the next one and merges equal neighbours', () => {
    const points = [0, 5, 10, 15].map((m, i) => ({ time: m * MIN, value: i < 2 ? 1 : 0 }));
    expect(buildSegments(points, { from: 0, to: 20 * MIN })).toEqual([
      { state: 'pass', start: 0, end: 10 * MIN },
      { state: 'fail', start: 10 * MIN, end: 20 * MIN },
    ]);
  });

  it('shows a silence longer than twice the interval as no data, never as the last state', () => {
    const points = [0, 5, 10, 40, 45].map((m) => ({ time: m * MIN, value: 1 }));
    const segments = buildSegments(points, { from: 0, to: 50 * MIN });
    // The sample at 10 covers its own 5-minute step; none of the silence after it is drawn as pass.
    expect(segments).toEqual([
      { state: 'pass', start: 0, end: 15 * MIN },
      { state: 'nodata', start: 15 * MIN, end: 40 * MIN },
      { state: 'pass', start: 40 * MIN, end: 50 * MIN },
    ]);
  });

  it("joins samples up to the maximum gap apart, and takes the step from the series' own interval when given", () => {
    const points = [0, 5, 10, 25, 30].map((m) => ({ time: m * MIN, value: 1 }));
    // 15 minutes apart is within a 15-minute maximum: joined.
    expect(buildSegments(points, { from: 0, to: 30 * MIN, maxGapMs: 15 * MIN })).toEqual([
      { state: 'pass', start: 0, end: 30 * MIN },
    ]);
    // Beyond it, the sample at 10 covers one step: the query's 1-minute interval, not the 5-minute median.
    expect(buildSegments(points, { from: 0, to: 30 * MIN, maxGapMs: 10 * MIN, stepMs: MIN })).toEqual([
      { state: 'pass', start: 0, end: 11 * MIN },
      { state: 'nodata', start: 11 * MIN, end: 25 * MIN },
      { state: 'pass', start: 25 * MIN, end: 30 * MIN },
    ]);
  });

  it('honours an explicit maximum gap', () => {
    const points = [0, 5].map((m) => ({ time: m * MIN, value: -1 }));
    expect(buildSegments(points, { from: 0, to: 10 * MIN, maxGapMs: 2 * MIN })).toEqual([
      { state: 'error', start: 0, end: 2 * MIN },
      { state: 'nodata', start: 2 * MIN, end: 5 * MIN },
      { state: 'error', start: 5 * MIN, end: 7 * MIN },
      { state: 'nodata', start: 7 * MIN, end: 10 * MIN },
    ]);
  });

  it('treats null values and unknown codes as no data, and clips to the range', () => {
    const points = [
      { time: -5 * MIN, value: 1 },
      { time: 0, value: null },
      { time: 5 * MIN, value: 7 },
      { time: 10 * MIN, value: 0 },
    ];
    expect(buildSegments(points, { from: -2 * MIN, to: 12 * MIN })).toEqual([
      { state: 'pass', start: -2 * MIN, end: 0 },
      { state: 'nodata', start: 0, end: 10 * MIN },
      { state: 'fail', start: 10 * MIN, end: 12 * MIN },
    ]);
  });

  it('covers an empty series with one no-data segment', () => {
    expect(buildSegments([], { from: 0, to: MIN })).toEqual([{ state: 'nodata', start: 0, end: MIN }]);
  });

  it('sorts unsorted samples', () => {
    const points = [
      { time: 5 * MIN, value: 0 },
      { time: 0, value: 1 },
    ];
    expect(buildSegments(points, { from: 0, to: 10 * MIN }).map((s) => s.state)).toEqual(['pass', 'fail']);
  });
});

describe('computeUptime', () => {
  it('is pass time over pass + fail time, with error and no-data time apart', () => {
    const uptime = computeUptime([
      { state: 'pass', start: 0, end: 90 },
      { state: 'fail', start: 90, end: 100 },
      { state: 'error', start: 100, end: 150 },
      { state: 'nodata', start: 150, end: 160 },
    ]);
    expect(uptime).toEqual({ passMs: 90, failMs: 10, errorMs: 50, maintenanceMs: 0, noDataMs: 10, ratio: 0.9 });
  });

  it('has no ratio when nothing was tested', () => {
    expect(computeUptime([{ state: 'error', start: 0, end: 10 }]).ratio).toBeNull();
  });
});

describe('formatting', () => {
  it('never rounds an outage up to 100%', () => {
    expect(formatRatio(0.99999)).toBe('99.99%');
    expect(formatRatio(1)).toBe('100.00%');
    expect(formatRatio(null)).toBe('n/a');
  });

  it('formats durations compactly', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(3_723_000)).toBe('1h 2m 3s');
    expect(formatDuration(90_000_000)).toBe('1d 1h');
  });

  it('maps status codes', () => {
    expect([1, 0, -1, null, 2, 3].map(stateOfCode)).toEqual([
      'pass',
      'fail',
      'error',
      'nodata',
      'maintenance',
      'nodata',
    ]);
  });
});

describe('historyPoints', () => {
  const history = runnerFixture<HistoryPage>('history.json');

  it("places each recorded cycle's verdict at its finish time, oldest first", () => {
    const tested = history.items[0]!.services.find((s) => s.state !== 'absent')!;
    const points = historyPoints(history.items, tested.service);
    const expected = history.items
      .map((c) => ({
        time: Date.parse(c.finishedAt),
        state: c.services.find((s) => s.service === tested.service)!.state,
      }))
      .sort((a, b) => a.time - b.time);
    expect(points.map((p) => p.time)).toEqual(expected.map((e) => e.time));
    expect(points.map((p) => stateOfCode(p.value))).toEqual(expected.map((e) => e.state));
  });

  it('gives absent services no data, never a state', () => {
    const absent = history.items[0]!.services.find((s) => s.state === 'absent')!;
    const points = historyPoints(history.items, absent.service);
    expect(points).toHaveLength(history.items.length);
    expect(points.every((p) => p.value === null)).toBe(true);
  });
});

describe('maintenance', () => {
  const history = runnerFixture<HistoryPage>('history.json');
  // The recorded history with one service's last result taken in a maintenance window, as the runner records it
  // (runner/src/cycle.ts underMaintenance): state maintenance, Rally's verdict kept underneath.
  const tested = history.items[0]!.services.find((s) => s.state !== 'absent')!;
  const inMaintenance = history.items.map((cycle, index) =>
    index !== 0
      ? cycle
      : {
          ...cycle,
          services: cycle.services.map((s) =>
            s.service !== tested.service
              ? s
              : {
                  ...s,
                  state: 'maintenance' as const,
                  underlying: s.state as 'pass',
                  maintenance: {
                    id: 'mw-0123456789ab',
                    reason: 'Nova upgrade',
                    start: cycle.startedAt,
                    end: '2026-12-01T02:00:00.000Z',
                  },
                }
          ),
        }
  );

  it('is a fourth state with its reason, neither up nor down time', () => {
    const points = historyPoints(inMaintenance, tested.service);
    const last = points[points.length - 1]!;
    expect(stateOfCode(last.value)).toBe('maintenance');
    expect(last.detail).toMatch(/^Nova upgrade \(Rally: \w+\)$/);
    const from = points[0]!.time;
    const to = last.time + 60 * MIN;
    const segments = buildSegments(points, { from, to, maxGapMs: 24 * 60 * MIN });
    const maintenance = segments.filter((s) => s.state === 'maintenance');
    expect(maintenance).toEqual([{ state: 'maintenance', start: last.time, end: to, detail: last.detail }]);
    const uptime = computeUptime(segments);
    expect(uptime.maintenanceMs).toBe(60 * MIN);
    const without = computeUptime(segments.filter((s) => s.state !== 'maintenance'));
    expect(uptime.ratio).toBe(without.ratio);
  });

  it('never merges two windows with different reasons into one segment', () => {
    const points = [
      { time: 0, value: 2, detail: 'Nova upgrade' },
      { time: 5 * MIN, value: 2, detail: 'Nova upgrade' },
      { time: 10 * MIN, value: 2, detail: 'Placement fix' },
    ];
    expect(buildSegments(points, { from: 0, to: 15 * MIN })).toEqual([
      { state: 'maintenance', start: 0, end: 10 * MIN, detail: 'Nova upgrade' },
      { state: 'maintenance', start: 10 * MIN, end: 15 * MIN, detail: 'Placement fix' },
    ]);
  });
});
