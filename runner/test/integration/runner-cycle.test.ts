// The runner end to end against the real local cloud and the real Rally: run-once, serve + the API, metrics,
// evidence, and what a kill, a stop or a Keystone outage in the middle of a cycle leaves behind.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { Rally } from '../../src/rally/rally.js';
import { oneShotProcess } from '../support/container.js';
import {
  CLI,
  cloudCtl,
  cloudEnv,
  RECORD_DIR,
  recordFixture,
  REPO_ROOT,
  runnerEnv,
  startRunner,
  testCloud,
  type RunnerProcess,
} from '../support/runner-process.js';

const KEYSTONE_ONLY = { RALLY_MONITOR_SERVICES: 'keystone' };

interface CycleBody {
  id: string;
  status: string;
  trigger: string;
  reason?: string;
  services: Array<{
    service: string;
    state: string;
    reason?: string;
    artifacts: Record<string, boolean>;
    workloads: Array<{ key: string; state: string }>;
  }>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every stored file except Rally's own database, which must hold the credential to work (kept 0700). */
async function assertNoSecretStored(dataDir: string, secret: string): Promise<void> {
  for (const file of await filesUnder(dataDir)) {
    if (file.endsWith('/rally/rally.db')) continue;
    const text = await readFile(file, 'latin1');
    assert.ok(!text.includes(secret), `the password leaked into ${file}`);
  }
}

/** Issue 14: the data directory is private: directories 0700, files 0600, Rally's reports and database included. */
async function assertPrivate(dataDir: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  for (const entry of await readdir(dataDir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const mode = (await stat(path)).mode & 0o777;
    assert.equal(mode, entry.isDirectory() ? 0o700 : 0o600, `${path} is ${mode.toString(8)}`);
  }
}

/** Waits until the cycle's Rally task is iterating; fails at once, with the cycle's own reason, if it ended first. */
async function waitForIterations(dataDir: string, id: string, timeoutMs = 120_000): Promise<void> {
  const file = join(dataDir, 'runs', id, 'keystone.rally.log');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/ITER: 1 START/.test(text)) return;
    const record = await readFile(join(dataDir, 'runs', id, 'cycle.json'), 'utf8').catch(() => null);
    if (record) throw new Error(`cycle ${id} ended before iterating: ${record.slice(0, 2000)}`);
    if (Date.now() > until) throw new Error(`${file} never showed an iteration`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function killRallyOf(dataDir: string): Promise<void> {
  // In a container the whole tree dies with the runner; here Rally runs in its own process group, so end it too.
  await promisify(execFile)('pkill', ['-9', '-f', `--config-file ${join(dataDir, 'rally', 'rally.conf')}`]).catch(
    () => undefined
  );
}

describe('runner against the real local cloud', { timeout: 1_800_000 }, () => {
  const cloud = testCloud();
  let dataDir: string;
  let firstCycleId: string;
  let secondCycleId: string;

  before(async () => {
    // As README says for the one-shot form: a private reports/ directory in the current one, mounted as the volume.
    dataDir = join(await mkdtemp(join(tmpdir(), 'rally-monitor-one-shot-')), 'reports');
    await mkdir(dataDir, { mode: 0o700 });
    if (process.env.RALLY_MONITOR_RECORD_FIXTURES === '1' && existsSync(RECORD_DIR)) {
      // A new recording replaces the old one whole: run files are named by id and would otherwise pile up.
      for (const name of await readdir(RECORD_DIR)) if (/^run-.*\.json$/.test(name)) await rm(join(RECORD_DIR, name));
    }
  });

  it('run-once, as the documented one-shot container command, runs a Keystone cycle, prints progress and a summary, exits 0 and keeps the evidence in the volume', async () => {
    // README's `docker run --rm --env-file .env -v "$PWD/reports:/var/lib/rally-monitor" <image> run-once`, without
    // Docker: the Dockerfile's ENTRYPOINT with run-once, .env from .env.example, $PWD/reports standing for the volume.
    const { env: settings } = await runnerEnv({ dataDir, env: KEYSTONE_ONLY });
    const { PATH: _path, HOME: _home, RALLY_MONITOR_DATA_DIR: _data, ...inEnvFile } = settings;
    const oneShot = await oneShotProcess({ repoDir: REPO_ROOT, pwd: dirname(dataDir), settings: inEnvFile });
    assert.equal(oneShot.env.RALLY_MONITOR_DATA_DIR, dataDir, oneShot.commandLine);
    const child = spawn(oneShot.command, oneShot.args, {
      cwd: oneShot.cwd,
      env: oneShot.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, `run-once exited ${code}\n${stdout}\n${stderr.slice(-4000)}`);
    assert.match(stderr, /\[1\/1\] keystone: running Rally task/);
    assert.match(stderr, /keystone: workload 1 of \d+ done/);
    assert.match(stderr, /\[1\/1\] keystone: PASS in \d+\.\d s/);
    assert.match(stdout, /^keystone\s+PASS\s+\d+\.\d s\s+\d+\/\d+/m);
    assert.match(stdout, /^nova\s+ABSENT/m);
    // The leak scans around the cycle: a Keystone cycle that ran to its end leaves nothing behind.
    assert.match(stdout, /^leaks: none left by this cycle$/m);
    const id = /cycle (\S+): PASS/.exec(stdout)?.[1];
    assert.ok(id, stdout);
    firstCycleId = id;
    for (const file of [
      'cycle.json',
      'keystone.report.json',
      'keystone.report.html',
      'keystone.junit.xml',
      'keystone.rally.log',
    ]) {
      assert.ok(existsSync(join(dataDir, 'runs', id, file)), `${file} kept with the run`);
    }
    assert.ok(!stdout.includes(cloud.password) && !stderr.includes(cloud.password), 'password printed');
    await assertNoSecretStored(dataDir, cloud.password);
    await assertPrivate(dataDir);
    // The image's user has the volume as its HOME: Rally's shared ~/.rally is never made there either.
    assert.ok(!existsSync(join(oneShot.env.HOME!, '.rally')), "Rally's shared ~/.rally of the user is never touched");
  });

  it("kills Rally's whole process tree when a cycle exceeds its timeout, and records the timeout", async () => {
    const { env, dataDir: ownDir } = await runnerEnv({ env: { ...KEYSTONE_ONLY, RALLY_MONITOR_RUN_TIMEOUT: '10' } });
    const run = await promisify(execFile)(process.execPath, [CLI, 'run-once'], { env, timeout: 120_000 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error
    );
    assert.equal((run as { code?: number }).code, 2, `run-once exit code\n${run.stdout}\n${run.stderr.slice(-2000)}`);
    assert.match(run.stdout, /^keystone\s+ERROR\s.*timed out/m);
    assert.match(run.stdout, /cycle \S+: TIMEOUT .*RALLY_MONITOR_RUN_TIMEOUT \(10 s\)/);
    const left = await promisify(execFile)('pgrep', [
      '-f',
      `--config-file ${join(ownDir, 'rally', 'rally.conf')}`,
    ]).then(
      (r) => r.stdout,
      () => ''
    );
    assert.equal(left.trim(), '', 'no Rally process of the runner is left');
  });

  it('creates its Rally environment once, and recreates it only when the configuration changes', async () => {
    const home = await mkdtemp(join(tmpdir(), 'rally-monitor-rally-'));
    const rally = new Rally({ bin: 'rally', home, envName: 'idempotency' });
    await rally.ensureDatabase();
    const credentials = loadConfig(cloudEnv(cloud)).openstack;
    assert.equal(await rally.ensureEnvironment(credentials), 'created');
    assert.equal(await rally.ensureEnvironment(credentials), 'kept');
    assert.equal(await rally.ensureEnvironment({ ...credentials, interface: 'internal' }), 'created');
    const { stdout } = await promisify(execFile)('rally', ['--config-file', rally.configFile, 'env', 'list'], {
      env: { ...process.env, HOME: home },
    });
    assert.equal(stdout.split('\n').filter((line) => line.includes(' idempotency ')).length, 1, stdout);
  });

  describe('serve', () => {
    let runner: RunnerProcess;
    before(async () => {
      runner = await startRunner({ dataDir, env: KEYSTONE_ONLY });
    });
    after(async () => {
      await runner?.stop();
      const output = runner?.output() ?? '';
      assert.ok(output.includes('"msg":"cycle finished"'), 'one log line per cycle');
      assert.ok(!output.includes(cloud.password) && !output.includes(runner.token), 'a secret reached the log');
    });

    it('refuses to start a cycle without the right token', async () => {
      const missing = await runner.request('/api/runs', { method: 'POST' });
      assert.equal(missing.status, 401);
      assert.deepEqual(await missing.json(), { error: 'missing or wrong bearer token', code: 'unauthorized' });
      const wrong = await runner.request('/api/runs', {
        method: 'POST',
        headers: { authorization: 'Bearer not-the-token-at-all' },
      });
      assert.equal(wrong.status, 401);
    });

    it('runs a cycle through POST /api/runs, one at a time, and serves its results', async () => {
      secondCycleId = await runner.startCycle();
      const again = await runner.request('/api/runs', { method: 'POST', auth: true });
      assert.equal(again.status, 409);
      assert.equal(((await again.json()) as { runningId: string }).runningId, secondCycleId);
      const cycle = await runner.waitForCycle<CycleBody>(secondCycleId);
      assert.equal(cycle.status, 'pass', JSON.stringify(cycle.services[0]));
      assert.equal(cycle.trigger, 'api');
      const keystone = cycle.services.find((s) => s.service === 'keystone')!;
      assert.equal(keystone.state, 'pass');
      assert.ok(keystone.workloads.length >= 4);
      assert.deepEqual(keystone.artifacts, { json: true, html: true, junit: true, log: true });
      const results = await runner.json<CycleBody>('/api/results');
      assert.equal(results.id, secondCycleId);
      await recordFixture('results.json', results);
      await recordFixture(`run-${secondCycleId}.json`, await runner.json(`/api/runs/${secondCycleId}`));
      await recordFixture('health.json', await runner.json('/health'));
    });

    it('keeps the history, newest first, with the earlier run-once cycle', async () => {
      const page = await runner.json<{
        items: Array<{ id: string; status: string }>;
        total: number;
        nextCursor: string | null;
      }>('/api/history');
      assert.deepEqual(
        page.items.map((c) => c.id),
        [secondCycleId, firstCycleId]
      );
      assert.equal(page.total, 2);
      const first = await runner.json<{ items: Array<{ id: string }>; nextCursor: string }>('/api/history?limit=1');
      assert.deepEqual(
        first.items.map((c) => c.id),
        [secondCycleId]
      );
      const next = await runner.json<{ items: Array<{ id: string }>; nextCursor: string | null }>(
        `/api/history?limit=1&cursor=${first.nextCursor}`
      );
      assert.deepEqual(
        next.items.map((c) => c.id),
        [firstCycleId]
      );
      assert.equal(next.nextCursor, null);
      const filtered = await runner.json<{ items: unknown[] }>('/api/history?service=keystone&state=fail');
      assert.deepEqual(filtered.items, []);
      await recordFixture('history.json', page);
    });

    it('exports the metrics of the cycle, valid for promtool', async () => {
      const response = await runner.request('/metrics');
      const text = await response.text();
      const labels = 'cloud="local",region="RegionOne"';
      assert.match(text, new RegExp(`^rally_service_status\\{service="keystone",${labels}\\} 1$`, 'm'));
      assert.match(text, new RegExp(`^rally_service_detected\\{service="neutron",${labels}\\} 0$`, 'm'));
      assert.doesNotMatch(text, /^rally_service_status\{service="neutron"/m, 'absent services have no status');
      assert.match(
        text,
        new RegExp(`^rally_scenario_status\\{service="keystone",scenario="Authenticate.keystone",${labels}\\} 1$`, 'm')
      );
      assert.match(
        text,
        new RegExp(
          `^rally_sla_passed\\{service="keystone",scenario="KeystoneBasic.create_delete_user",${labels}\\} 1$`,
          'm'
        )
      );
      assert.match(
        text,
        new RegExp(
          `^rally_scenario_iterations\\{service="keystone",scenario="KeystoneBasic.create_delete_user",${labels}\\} 1$`,
          'm'
        )
      );
      assert.match(
        text,
        /^rally_atomic_action_duration_seconds\{service="keystone",scenario="KeystoneBasic.create_delete_user",action="keystone_v3.create_user",stat="p95",cloud="local",region="RegionOne"\} [0-9.e-]+$/m
      );
      assert.match(text, new RegExp(`^rally_runs_total\\{result="pass",${labels}\\} 1$`, 'm'));
      // The cleanup scan that follows a cycle may still hold the runner busy here, so either value is right.
      assert.match(text, new RegExp(`^rally_cycle_running\\{${labels}\\} [01]$`, 'm'));
      const lastRun = Number(
        new RegExp(`^rally_last_run_timestamp_seconds\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]
      );
      assert.ok(Math.abs(lastRun - Date.now() / 1000) < 600, `last run timestamp ${lastRun}`);
      assert.ok(!text.includes(cloud.password));
      const promtool = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let problems = '';
      promtool.stdout.on('data', (c: Buffer) => (problems += c));
      promtool.stderr.on('data', (c: Buffer) => (problems += c));
      promtool.stdin.end(text);
      const code = await new Promise((resolve) => promtool.once('exit', resolve));
      assert.equal(code, 0, problems);
      assert.equal(problems.trim(), '', `promtool check metrics: ${problems}`);
    });

    it('serves the Rally HTML report sandboxed, the JUnit XML and the Rally log', async () => {
      const html = await runner.request(`/api/runs/${secondCycleId}/report.html`);
      assert.equal(html.status, 200);
      assert.match(html.headers.get('content-security-policy') ?? '', /^sandbox allow-scripts;/);
      assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
      const page = await html.text();
      assert.match(page, /<html/i);
      assert.ok(!page.includes(cloud.password));
      const junit = await runner.request(`/api/runs/${secondCycleId}/junit.xml?service=keystone`);
      assert.equal(junit.status, 200);
      assert.match(await junit.text(), /<testsuite[^>]+tests="\d+"/);
      const log = await runner.request(`/api/runs/${secondCycleId}/rally.log`);
      assert.match(
        await log.text(),
        /^Task .*[0-9a-f-]{36}: started$/m,
        'the log holds what `rally task start` printed'
      );
      const none = await runner.request(`/api/runs/${secondCycleId}/junit.xml?service=nova`);
      assert.equal(none.status, 404);
    });

    it('answers health while fresh, and bad ids with 400/404', async () => {
      const health = await runner.request('/health');
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
      assert.equal((await runner.request('/api/runs/..%2F..%2Fetc%2Fpasswd')).status, 400);
      assert.equal((await runner.request('/api/runs/20200101T000000Z-abcdef')).status, 404);
      assert.equal((await runner.request('/api/history?from=yesterday')).status, 400);
    });
  });

  it('loses no earlier cycle when killed with SIGKILL mid-cycle, and closes the interrupted one as aborted', async () => {
    const runner = await startRunner({ dataDir, env: KEYSTONE_ONLY });
    let id: string;
    try {
      id = await runner.startCycle();
      await waitForIterations(dataDir, id);
    } finally {
      await runner.stop('SIGKILL');
      await killRallyOf(dataDir);
    }
    const restarted = await startRunner({ dataDir, env: KEYSTONE_ONLY });
    try {
      const history = await restarted.json<{ items: Array<{ id: string; status: string }> }>('/api/history');
      assert.deepEqual(
        history.items.map((c) => [c.id, c.status]),
        [
          [id, 'aborted'],
          [secondCycleId, 'pass'],
          [firstCycleId, 'pass'],
        ]
      );
      const results = await restarted.json<CycleBody>('/api/results');
      assert.equal(results.id, secondCycleId, 'an aborted cycle does not replace the current state');
      const metrics = await (await restarted.request('/metrics')).text();
      assert.match(
        metrics,
        /^rally_service_status\{service="keystone",cloud="local",region="RegionOne"\} 1$/m,
        'metrics restored from history'
      );
    } finally {
      await restarted.stop();
    }
  });

  it('records a cycle stopped by SIGTERM as aborted and exits cleanly', async () => {
    const runner = await startRunner({ dataDir, env: KEYSTONE_ONLY });
    let id: string;
    try {
      id = await runner.startCycle();
      await waitForIterations(dataDir, id);
    } catch (error) {
      await runner.stop('SIGKILL');
      throw error;
    }
    const code = await runner.stop('SIGTERM');
    assert.equal(code, 0, runner.output().slice(-3000));
    const record = JSON.parse(await readFile(join(dataDir, 'runs', id, 'cycle.json'), 'utf8')) as CycleBody;
    assert.equal(record.status, 'aborted');
    assert.equal(record.trigger, 'api', 'recorded by the runner itself, not by recovery');
    assert.equal(record.services.find((s) => s.service === 'keystone')?.state, 'error');
    assert.ok(!existsSync(join(dataDir, 'runs', id, 'running.json')));
  });

  it('gives fail or error with the reason when Keystone stops during a cycle, and keeps serving', async () => {
    const runner = await startRunner({ dataDir, env: KEYSTONE_ONLY });
    let stopped = false;
    try {
      const id = await runner.startCycle();
      await waitForIterations(dataDir, id);
      await cloudCtl(cloud, 'stop-service', 'keystone');
      stopped = true;
      const cycle = await runner.waitForCycle<CycleBody>(id);
      const keystone = cycle.services.find((s) => s.service === 'keystone')!;
      assert.ok(['fail', 'error'].includes(keystone.state), JSON.stringify(keystone));
      assert.ok(keystone.reason && keystone.reason.length > 10, `a reason is given: ${keystone.reason}`);
      assert.notEqual(cycle.status, 'pass');
      await recordFixture('results-keystone-down.json', cycle);
      const health = await runner.request('/health');
      assert.equal(health.status, 200, 'the runner keeps serving');
      assert.equal((await runner.json<CycleBody>('/api/results')).id, id);
    } finally {
      if (stopped) await cloudCtl(cloud, 'start-service', 'keystone');
      await runner.stop();
    }
  });
});
