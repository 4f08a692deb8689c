// Slow-down detection on the real local cloud: a runner tests the real Glance through a relay (Keystone's
// SlowRegion, see support/slow-region.ts), on a history of recorded real Glance cycles. A real cycle at the usual
// speed is left alone; then the relay holds every request for half a second, and Glance's actions are flagged slow
// in the first such cycle and `regressed` in the second, in the record, the API, the metrics and the shipped alert
// expression on a real Prometheus. RegionOne, which every other test uses, is never touched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { newRunId } from '../../src/history/store.js';
import type { ActionBaseline, ActionTrendsReport, Cycle } from '../../src/model.js';
import { TEST_SOURCE_DIR, REPO_DIR, tempDir } from '../helpers.js';
import { startDelayRelay, type DelayRelay } from '../support/delay-relay.js';
import { freePort, recordFixture, startRunner, testCloud, type RunnerProcess } from '../support/runner-process.js';
import { createSlowRegion, publicGlanceUrl, SLOW_REGION, type SlowRegion } from '../support/slow-region.js';

const FIXTURES = join(TEST_SOURCE_DIR, 'fixtures', 'regressions');
const DELAY_MS = 500;
const SETTINGS = {
  RALLY_MONITOR_REGRESSION_FACTOR: '1.5',
  RALLY_MONITOR_REGRESSION_SPREADS: '3',
  RALLY_MONITOR_REGRESSION_MIN_DELTA: '0.25',
  RALLY_MONITOR_REGRESSION_CYCLES: '2',
  RALLY_MONITOR_REGRESSION_MIN_SAMPLES: '4',
};

/** The recorded real Glance cycles at the usual speed, moved to the last minutes so they are in the window. */
async function plantHistory(runsDir: string): Promise<number> {
  const names = readdirSync(FIXTURES).filter((n) => /^normal-\d+\.cycle\.json$/.test(n));
  for (const [index, name] of names.entries()) {
    const cycle = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Cycle;
    const at = new Date(Date.now() - (names.length - index) * 60_000);
    const moved = { ...cycle, id: newRunId(at), startedAt: at.toISOString(), finishedAt: at.toISOString() };
    await mkdir(join(runsDir, moved.id), { recursive: true, mode: 0o700 });
    await writeFile(join(runsDir, moved.id, 'cycle.json'), JSON.stringify(moved), { mode: 0o600 });
  }
  return names.length;
}

function glanceActions(cycle: Cycle): Array<{ key: string; p95: number; baseline: ActionBaseline | undefined }> {
  const glance = cycle.services.find((s) => s.service === 'glance')!;
  assert.equal(glance.state, 'pass', JSON.stringify({ reason: glance.reason }));
  return glance.workloads.flatMap((w) =>
    w.atomicActions.map((a) => ({ key: `${w.key} ${a.name}`, p95: a.durationSeconds!.p95, baseline: a.baseline }))
  );
}

function figures(label: string, cycle: Cycle): string {
  return glanceActions(cycle)
    .map(
      ({ key, p95, baseline: b }) =>
        `${label} ${key}: p95 ${p95.toFixed(3)} s, median ${b?.medianSeconds?.toFixed(3)} s, threshold ` +
        `${b?.thresholdSeconds?.toFixed(3)} s (x${b?.medianSeconds ? (p95 / b.medianSeconds).toFixed(1) : '?'}), ` +
        `${b?.verdict} ${b?.slowCycles}`
    )
    .join('\n');
}

/** A real Prometheus scraping the runner every second with the shipped rules. */
async function startPrometheus(dir: string, target: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const rules = readFileSync(join(REPO_DIR, 'alerts', 'rally-monitor.rules.yml'), 'utf8');
  await writeFile(join(dir, 'rules.yml'), rules);
  await writeFile(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: [{ job_name: 'rally-monitor', static_configs: [{ targets: [target] }] }],
    })
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' }
  );
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false
    );
    if (ready) return { url, child };
    if (child.exitCode !== null || Date.now() > until) throw new Error('Prometheus did not get ready');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('slow-down detection against the real Glance, slowed on purpose', { timeout: 600_000 }, () => {
  const cloud = testCloud();
  let relay: DelayRelay | undefined;
  let region: SlowRegion | undefined;
  let runner: RunnerProcess | undefined;
  let prometheus: ChildProcess | undefined;
  const dirs: string[] = [];

  before(async () => {
    const glance = await publicGlanceUrl(cloud);
    relay = await startDelayRelay(Number(glance.port || (glance.protocol === 'https:' ? 443 : 80)));
    region = await createSlowRegion(cloud, `${glance.protocol}//127.0.0.1:${relay.port}${glance.pathname}`);
  });

  after(async () => {
    await runner?.stop();
    prometheus?.kill('SIGTERM');
    await relay?.close();
    await region?.remove();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('leaves a usual real cycle alone, flags Glance slow, then regressed, and the alert expression holds', async () => {
    const dataDir = await tempDir('rally-monitor-regressions-');
    dirs.push(dataDir);
    const planted = await plantHistory(join(dataDir, 'runs'));
    runner = await startRunner({
      dataDir,
      env: { ...SETTINGS, OS_REGION_NAME: SLOW_REGION, RALLY_MONITOR_SERVICES: 'glance' },
    });

    // A real cycle at the usual speed, judged against the recorded history: nothing is slow.
    relay!.delayMs = 0;
    const usual = await runner.waitForCycle<Cycle>(await runner.startCycle());
    const usualActions = glanceActions(usual);
    assert.ok(usualActions.length >= 3);
    for (const { key, baseline } of usualActions) {
      assert.equal(baseline?.verdict, 'usual', `${key}: ${JSON.stringify(baseline)}\n${figures('usual', usual)}`);
      assert.equal(baseline!.samples, planted);
    }

    // Every request to Glance now waits half a second in the relay.
    relay!.delayMs = DELAY_MS;
    const firstSlow = await runner.waitForCycle<Cycle>(await runner.startCycle());
    for (const { key, p95, baseline } of glanceActions(firstSlow)) {
      assert.equal(baseline?.verdict, 'slow', `${key}: ${JSON.stringify(baseline)}\n${figures('slow 1', firstSlow)}`);
      assert.ok(p95 > baseline!.thresholdSeconds!);
    }
    let metrics = await (await runner.request('/metrics')).text();
    assert.doesNotMatch(metrics, /^rally_atomic_action_regressed\{[^}]*\} 1$/m, 'one slow cycle never regresses');

    const secondSlow = await runner.waitForCycle<Cycle>(await runner.startCycle());
    const regressed = glanceActions(secondSlow);
    for (const { key, baseline } of regressed) {
      assert.equal(baseline?.verdict, 'regressed', `${key}: ${JSON.stringify(baseline)}`);
      assert.equal(baseline!.slowCycles, 2);
    }
    relay!.delayMs = 0;
    console.log([figures('usual', usual), figures('slow 1', firstSlow), figures('slow 2', secondSlow)].join('\n'));

    metrics = await (await runner.request('/metrics')).text();
    const flagged = metrics.match(/^rally_atomic_action_regressed\{[^}]*service="glance"[^}]*\} 1$/gm) ?? [];
    assert.equal(flagged.length, regressed.length, metrics);
    const trends = await runner.json<ActionTrendsReport>('/api/baselines?service=glance');
    assert.equal(trends.actions.length, regressed.length);
    for (const trend of trends.actions) {
      assert.equal(trend.latest?.verdict, 'regressed');
      assert.equal(trend.points.length, planted + 3);
    }

    // The shipped alert expression, on a real Prometheus scraping this runner.
    const promDir = await tempDir('rally-monitor-regressions-prom-');
    dirs.push(promDir);
    const started = await startPrometheus(promDir, new URL(runner.url).host);
    prometheus = started.child;
    const rules = parseYaml(readFileSync(join(REPO_DIR, 'alerts', 'rally-monitor.rules.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; expr: string }> }>;
    };
    const expr = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'RallyAtomicActionRegressed')!.expr;
    let answer: Array<{ metric: Record<string, string> }> = [];
    const until = Date.now() + 30_000;
    while (answer.length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      const response = await fetch(`${started.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      answer = ((await response.json()) as { data: { result: typeof answer } }).data.result;
    }
    assert.equal(answer.length, regressed.length, `the alert expression matched ${JSON.stringify(answer)}`);
    assert.ok(answer.every((s) => s.metric.service === 'glance' && s.metric.cloud === 'local'));

    // For the plugin's tests (RALLY_MONITOR_RECORD_FIXTURES=1): what the app reads of a regressed service.
    await recordFixture('regressions/results.json', await runner.json('/api/results'));
    await recordFixture('regressions/baselines-glance.json', trends);
    await recordFixture('regressions/history.json', await runner.json('/api/history'));
    await recordFixture('regressions/health.json', await runner.json('/health'));
    await recordFixture(`regressions/run-${secondSlow.id}.json`, secondSlow);
  });
});
