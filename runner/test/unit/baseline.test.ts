// Slow-down detection on real recorded cycles (runner/test/fixtures/regressions/README.md): Glance-only cycles of the
// local cloud, first as it is, then with every request to Glance delayed by a relay.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { judgeRegressions, medianAndSpread, type RegressionSettings } from '../../src/baseline.js';
import type { ActionBaseline, Cycle } from '../../src/model.js';
import { parseCycleRecord } from '../../src/history/record-schema.js';
import { TEST_SOURCE_DIR } from '../helpers.js';

const FIXTURES = join(TEST_SOURCE_DIR, 'fixtures', 'regressions');

function recorded(prefix: 'normal' | 'slow'): Cycle[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.startsWith(`${prefix}-`) && name.endsWith('.cycle.json'))
    .sort((a, b) => Number(a.split(/[-.]/)[1]) - Number(b.split(/[-.]/)[1]))
    .map((name) => parseCycleRecord(readFileSync(join(FIXTURES, name), 'utf8')));
}

const NORMAL = recorded('normal');
const SLOW = recorded('slow');

const SETTINGS: RegressionSettings = {
  factor: 1.5,
  spreads: 3,
  minDeltaSeconds: 0.25,
  cycles: 2,
  minSamples: 4,
  windowDays: 7,
};

/** Every judged action of a cycle as `workload/action` -> its baseline. */
function verdicts(cycle: Cycle): Map<string, ActionBaseline> {
  const out = new Map<string, ActionBaseline>();
  for (const service of cycle.services) {
    for (const workload of service.workloads) {
      for (const action of workload.atomicActions) {
        if (action.baseline) out.set(`${service.service}/${workload.key}/${action.name}`, action.baseline);
      }
    }
  }
  return out;
}

/** Judges the cycles one after another, as the runner does, each against the judged records before it. */
function judgeInTurn(cycles: Cycle[], settings = SETTINGS): Cycle[] {
  const judged: Cycle[] = [];
  for (const cycle of cycles) judged.push(judgeRegressions(cycle, judged, settings));
  return judged;
}

/** The cycles moved in time (nothing else changed) so that they ran in the given order, a minute apart. */
function oneAfterAnother(cycles: Cycle[]): Cycle[] {
  const start = Date.parse(cycles[0]!.startedAt);
  return cycles.map((cycle, index) => {
    const at = new Date(start + index * 60_000).toISOString();
    return { ...cycle, startedAt: at, finishedAt: at };
  });
}

function p95Of(cycle: Cycle, key: string): number {
  const [service, workload, action] = key.split('/');
  const result = cycle.services.find((s) => s.service === service)!;
  return result.workloads.find((w) => w.key === workload)!.atomicActions.find((a) => a.name === action)!
    .durationSeconds!.p95;
}

describe('the recorded cycles', () => {
  it('are real Glance cycles that passed, enough of them for these tests', () => {
    assert.ok(NORMAL.length >= 6 && SLOW.length >= 3, `${NORMAL.length} normal, ${SLOW.length} slow`);
    for (const cycle of [...NORMAL, ...SLOW]) {
      const glance = cycle.services.find((s) => s.service === 'glance')!;
      assert.equal(glance.state, 'pass', cycle.id);
      assert.ok(glance.workloads.every((w) => w.atomicActions.length > 0));
    }
  });
});

describe('medianAndSpread', () => {
  it('is the median and 1.4826 x the median absolute deviation of the p95s', () => {
    const p95s = NORMAL.slice(0, 5).map((c) =>
      p95Of(c, 'glance/GlanceImages.create_and_delete_image/glance_v2.create_image')
    );
    const sorted = [...p95s].sort((a, b) => a - b);
    const median = sorted[2]!;
    const deviations = p95s.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
    const { median: m, spread } = medianAndSpread(p95s);
    assert.equal(m, median);
    assert.ok(Math.abs(spread - 1.4826 * deviations[2]!) < 1e-12);
  });

  it('takes the mean of the two middle values of an even count', () => {
    assert.deepEqual(medianAndSpread([4, 1, 3, 2]), { median: 2.5, spread: 1.4826 * 1 });
  });
});

describe('judgeRegressions', () => {
  it('makes no judgement on too few samples: every action is learning, with its sample count', () => {
    const judged = judgeInTurn(NORMAL.slice(0, SETTINGS.minSamples));
    const last = verdicts(judged[judged.length - 1]!);
    assert.ok(last.size >= 3, `${last.size} actions`);
    for (const [key, baseline] of last) {
      assert.equal(baseline.verdict, 'learning', key);
      assert.equal(baseline.samples, SETTINGS.minSamples - 1, key);
      assert.equal(baseline.medianSeconds, null, key);
      assert.equal(baseline.thresholdSeconds, null, key);
      assert.equal(baseline.slowCycles, 0, key);
    }
  });

  it('flags nothing in a flat history of real cycles, even with a single cycle to page on', () => {
    for (const cycles of [1, 2]) {
      const judged = judgeInTurn(NORMAL, { ...SETTINGS, cycles });
      const usual = judged.slice(SETTINGS.minSamples).flatMap((c) => [...verdicts(c)]);
      assert.ok(usual.length >= 6, `${usual.length} judged actions`);
      for (const [key, baseline] of usual) {
        assert.equal(baseline.verdict, 'usual', `${key}: ${JSON.stringify(baseline)}`);
        assert.equal(baseline.samples >= SETTINGS.minSamples, true);
      }
    }
  });

  it('needs the minimum delta: without it, the jitter of a busy shared machine reads as a slow-down', () => {
    // Recorded cycle 5 ran while other tests loaded the machine: delete_image took 174 ms against a usual 35 ms.
    const jittery = judgeInTurn(NORMAL, { ...SETTINGS, minDeltaSeconds: 0 });
    const flagged = jittery
      .slice(SETTINGS.minSamples)
      .flatMap((c) => [...verdicts(c)].filter(([, b]) => b.verdict !== 'usual'));
    assert.ok(flagged.length > 0, 'the recorded history has jitter above factor and spreads');
    for (const [key, baseline] of flagged) {
      assert.ok(baseline.thresholdSeconds! - baseline.medianSeconds! < SETTINGS.minDeltaSeconds, key);
    }
  });

  it('catches the slowed Glance after the configured number of consecutive slow cycles, not before', () => {
    const judged = judgeInTurn([...NORMAL, ...SLOW]);
    const [first, second, third] = judged.slice(NORMAL.length).map(verdicts);
    const keys = [...first!.keys()];
    assert.ok(keys.length >= 3);
    for (const key of keys) {
      const b1 = first!.get(key)!;
      assert.equal(b1.verdict, 'slow', `${key} first slow cycle: ${JSON.stringify(b1)}`);
      assert.equal(b1.slowCycles, 1);
      assert.ok(p95Of(judged[NORMAL.length]!, key) > b1.thresholdSeconds!);
      assert.ok(b1.thresholdSeconds! >= b1.medianSeconds! * SETTINGS.factor);
      assert.ok(b1.thresholdSeconds! >= b1.medianSeconds! + SETTINGS.spreads * b1.spreadSeconds!);
      assert.ok(b1.thresholdSeconds! >= b1.medianSeconds! + SETTINGS.minDeltaSeconds);
      assert.equal(second!.get(key)!.verdict, 'regressed', key);
      assert.equal(second!.get(key)!.slowCycles, 2);
      assert.equal(third!.get(key)!.verdict, 'regressed', key);
      assert.equal(third!.get(key)!.slowCycles, 3);
    }
  });

  it('starts counting again after a usual cycle: one slow cycle between usual ones never regresses', () => {
    const judged = judgeInTurn(
      oneAfterAnother([...NORMAL.slice(0, -1), SLOW[0]!, NORMAL[NORMAL.length - 1]!, SLOW[1]!])
    );
    const [slow, usual, slowAgain] = judged.slice(-3).map(verdicts);
    for (const [key, baseline] of slow!) {
      assert.equal(baseline.verdict, 'slow', key);
      assert.equal(usual!.get(key)!.verdict, 'usual', key);
      assert.equal(usual!.get(key)!.slowCycles, 0, key);
      assert.equal(slowAgain!.get(key)!.verdict, 'slow', key);
      assert.equal(slowAgain!.get(key)!.slowCycles, 1, key);
    }
  });

  it("learns nothing from results taken in a maintenance window: an upgrade's slow cycles are not the usual", () => {
    const inMaintenance = (cycle: Cycle): Cycle => ({
      ...cycle,
      services: cycle.services.map((s) => ({ ...s, state: 'maintenance' as const, underlying: 'pass' as const })),
    });
    const judged = judgeInTurn(oneAfterAnother([...NORMAL, ...SLOW.map(inMaintenance), NORMAL[0]!]));
    const after = verdicts(judged[judged.length - 1]!);
    const withoutWindow = judgeInTurn(oneAfterAnother([...NORMAL, NORMAL[0]!]));
    const usual = verdicts(withoutWindow[withoutWindow.length - 1]!);
    assert.ok(after.size >= 3);
    for (const [key, baseline] of after) {
      assert.equal(baseline.samples, usual.get(key)!.samples, `${key}: ${JSON.stringify(baseline)}`);
      assert.equal(baseline.verdict, 'usual', key);
    }
  });

  it('takes its samples from the window only: cycles older than windowDays do not count', () => {
    const later = (cycle: Cycle, days: number): Cycle => {
      const shift = (t: string) => new Date(Date.parse(t) + days * 86_400_000).toISOString();
      return { ...cycle, startedAt: shift(cycle.startedAt), finishedAt: shift(cycle.finishedAt) };
    };
    const history = judgeInTurn(NORMAL.slice(0, -1));
    const judged = judgeRegressions(later(NORMAL[NORMAL.length - 1]!, 8), history, SETTINGS);
    for (const [key, baseline] of verdicts(judged)) {
      assert.equal(baseline.verdict, 'learning', key);
      assert.equal(baseline.samples, 0, key);
    }
  });

  it('compares only the same service, workload key and action, whatever the names hold', () => {
    // An action of another workload with the same name, and names built to collide when joined with a separator.
    const renamed = (cycle: Cycle, key: (k: string) => string, action: (a: string) => string): Cycle => ({
      ...cycle,
      services: cycle.services.map((s) => ({
        ...s,
        workloads: s.workloads.map((w) => ({
          ...w,
          key: key(w.key),
          atomicActions: w.atomicActions.map((a) => ({ ...a, name: action(a.name) })),
        })),
      })),
    });
    const history = judgeInTurn(
      NORMAL.slice(0, -1).map((c) =>
        renamed(
          c,
          (k) => `${k}/x`,
          (a) => a
        )
      )
    );
    const judged = judgeRegressions(
      renamed(
        NORMAL[NORMAL.length - 1]!,
        (k) => k,
        (a) => `x/${a}`
      ),
      history,
      SETTINGS
    );
    for (const [key, baseline] of verdicts(judged)) assert.equal(baseline.samples, 0, key);
  });

  it('leaves actions without durations and failed actions unjudged, and keeps everything else as it was', () => {
    // normal-4: recorded before the runner judged anything, so none of its actions has a baseline yet.
    const cycle = NORMAL[3]!;
    assert.equal(verdicts(cycle).size, 0);
    const broken: Cycle = {
      ...cycle,
      services: cycle.services.map((s) => ({
        ...s,
        workloads: s.workloads.map((w, i) => ({
          ...w,
          atomicActions: w.atomicActions.map((a) =>
            i === 0 ? { ...a, durationSeconds: null } : { ...a, failures: 1 }
          ),
        })),
      })),
    };
    const judged = judgeRegressions(broken, judgeInTurn(NORMAL.slice(0, 3)), { ...SETTINGS, minSamples: 3 });
    assert.equal(verdicts(judged).size, 0);
    assert.equal(verdicts(judgeRegressions(cycle, judgeInTurn(NORMAL.slice(0, 3)), SETTINGS)).size, 4);
    assert.deepEqual(judged, broken);
  });
});
