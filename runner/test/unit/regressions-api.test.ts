// What the runner tells of slow-downs: the metrics (docs/metrics.md) and GET /api/baselines (docs/api.md), from real
// recorded Glance cycles (runner/test/fixtures/regressions/) planted in the history as a previous runner wrote them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { judgeRegressions } from '../../src/baseline.js';
import { newRunId } from '../../src/history/store.js';
import type { ActionTrendsReport, Cycle } from '../../src/model.js';
import { TEST_SOURCE_DIR } from '../helpers.js';
import { monitorFixture } from '../support/monitor-fixture.js';

const FIXTURES = join(TEST_SOURCE_DIR, 'fixtures', 'regressions');
const SETTINGS = {
  factor: 1.5,
  spreads: 3,
  minDeltaSeconds: 0.25,
  cycles: 2,
  minSamples: 4,
  windowDays: 7,
};
const ENV = {
  RALLY_MONITOR_REGRESSION_FACTOR: '1.5',
  RALLY_MONITOR_REGRESSION_SPREADS: '3',
  RALLY_MONITOR_REGRESSION_MIN_DELTA: '0.25',
  RALLY_MONITOR_REGRESSION_CYCLES: '2',
  RALLY_MONITOR_REGRESSION_MIN_SAMPLES: '4',
};

function recorded(prefix: 'normal' | 'slow'): Cycle[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.startsWith(`${prefix}-`) && name.endsWith('.cycle.json'))
    .sort((a, b) => Number(a.split(/[-.]/)[1]) - Number(b.split(/[-.]/)[1]))
    .map((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Cycle);
}

/** The cycles one a minute up to now, judged in turn, written into the runs folder. */
function planted(cycles: Cycle[]) {
  return async (runs: string) => {
    const judged: Cycle[] = [];
    for (const [index, cycle] of cycles.entries()) {
      const at = new Date(Date.now() - (cycles.length - index) * 60_000);
      const moved = { ...cycle, id: newRunId(at), startedAt: at.toISOString(), finishedAt: at.toISOString() };
      judged.push(judgeRegressions(moved, judged, SETTINGS));
    }
    for (const cycle of judged) {
      await mkdir(join(runs, cycle.id), { recursive: true });
      await writeFile(join(runs, cycle.id, 'cycle.json'), JSON.stringify(cycle));
    }
  };
}

function series(body: string, name: string): Array<{ labels: string; value: number }> {
  return [...body.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((m) => ({
    labels: m[1]!,
    value: Number(m[2]),
  }));
}

describe('slow-down metrics', () => {
  it('export 1 for every action of the slowed Glance after two slow cycles, with its baseline', async () => {
    const { metrics } = await monitorFixture(ENV, planted([...recorded('normal'), ...recorded('slow').slice(0, 2)]));
    const body = (await metrics.render()).body;
    const regressed = series(body, 'rally_atomic_action_regressed');
    assert.ok(regressed.length >= 3, body);
    for (const s of regressed) {
      assert.equal(s.value, 1, s.labels);
      assert.match(s.labels, /service="glance",scenario="GlanceImages\.[a-z_]+",action="glance_v2\.[a-z_]+"/);
    }
    const baseline = series(body, 'rally_atomic_action_baseline_seconds');
    for (const stat of ['median', 'spread', 'threshold']) {
      const of = baseline.filter((s) => s.labels.includes(`stat="${stat}"`));
      assert.equal(of.length, regressed.length, stat);
      assert.ok(of.every((s) => s.value >= 0 && Number.isFinite(s.value)));
    }
  });

  it('export 0 after a flat history, and nothing at all for an action still learning', async () => {
    const flat = await monitorFixture(ENV, planted(recorded('normal')));
    const flatBody = (await flat.metrics.render()).body;
    const values = series(flatBody, 'rally_atomic_action_regressed');
    assert.ok(values.length >= 3);
    assert.ok(
      values.every((s) => s.value === 0),
      flatBody
    );

    const learning = await monitorFixture(ENV, planted(recorded('normal').slice(0, 2)));
    const learningBody = (await learning.metrics.render()).body;
    assert.deepEqual(series(learningBody, 'rally_atomic_action_regressed'), []);
    assert.deepEqual(series(learningBody, 'rally_atomic_action_baseline_seconds'), []);
    assert.ok(series(learningBody, 'rally_atomic_action_duration_seconds').length > 0);
  });
});

describe('GET /api/baselines', () => {
  it("gives each action's p95 over time with its band, oldest first, and the latest verdict", async () => {
    const normal = recorded('normal');
    const slow = recorded('slow').slice(0, 2);
    const { app } = await monitorFixture(ENV, planted([...normal, ...slow]));
    const response = await app.inject({ url: '/api/baselines?service=glance' });
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json() as ActionTrendsReport;
    assert.ok(report.actions.length >= 3);
    for (const trend of report.actions) {
      assert.equal(trend.service, 'glance');
      assert.match(trend.scenario, /^GlanceImages\./);
      assert.equal(trend.points.length, normal.length + slow.length, `${trend.workload} ${trend.action}`);
      const times = trend.points.map((p) => Date.parse(p.at));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b)
      );
      assert.equal(trend.points[0]!.baseline?.verdict, 'learning');
      assert.equal(trend.latest?.verdict, 'regressed');
      const last = trend.points[trend.points.length - 1]!;
      assert.ok(last.p95Seconds > last.baseline!.thresholdSeconds!);
    }
    // Narrowed to one service: another one has nothing.
    const keystone = (await app.inject({ url: '/api/baselines?service=keystone' })).json() as ActionTrendsReport;
    assert.deepEqual(keystone.actions, []);
    const all = (await app.inject({ url: '/api/baselines' })).json() as ActionTrendsReport;
    assert.equal(all.actions.length, report.actions.length);
  });

  it('answers 400 for a service it does not know, naming it', async () => {
    const { app } = await monitorFixture(ENV);
    for (const service of ['heat', '..', 'glance"', 'glänce']) {
      const response = await app.inject({ url: `/api/baselines?service=${encodeURIComponent(service)}` });
      assert.equal(response.statusCode, 400, service);
      assert.equal(response.json().code, 'bad_request');
    }
  });
});
