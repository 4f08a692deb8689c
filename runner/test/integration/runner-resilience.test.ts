// `serve` under a full disk and under a stop signal, with a stand-in for the `rally` executable (RALLY_BIN) so no
// Rally task runs against the cloud: only Keystone's catalog is read from the real local cloud. The stand-in
// prints, sleeps and exits like Rally's process does; what it prints is never parsed as a Rally result.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRunner, type RunnerProcess } from '../support/runner-process.js';
import { mountSmallFs, smallFsUnavailable, type SmallFs } from '../support/small-fs.js';

// `task start` either floods its output (1 MB, more than a full disk takes) or runs until SIGINT, then takes 2 s
// to end as Rally does when it aborts a task. Every call and every pid is written down next to the script.
const FAKE_RALLY = `#!/bin/bash
dir="$(dirname "$0")"
echo "$$ $*" >> "$dir/calls.log"
case " $* " in
  *" db ensure "*|*" env create "*|*" env delete "*|*" task validate "*) exit 0 ;;
  *" task start "*)
    echo "Task 11111111-2222-3333-4444-555555555555: started"
    if [ "$(cat "$dir/mode")" = flood ]; then
      line=$(printf '%0500d' 0)
      for i in $(seq 1 2000); do echo "$line"; done
      sleep 1
      exit 0
    fi
    trap 'sleep 2; exit 130' INT
    for i in $(seq 1 600); do sleep 0.1; done
    exit 0 ;;
esac
exit 1
`;

async function fakeRally(mode: 'flood' | 'slow'): Promise<{ bin: string; calls(): Promise<string[]> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rally-monitor-fake-rally-'));
  const bin = join(dir, 'rally');
  await writeFile(bin, FAKE_RALLY);
  await chmod(bin, 0o755);
  await writeFile(join(dir, 'mode'), mode);
  return {
    bin,
    calls: async () => (await readFile(join(dir, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

/** Pids of the calls that are still alive. */
function alive(calls: string[]): number[] {
  return calls
    .map((line) => Number(line.split(' ')[0]))
    .filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const unavailable = await smallFsUnavailable();

describe('serve on a full disk', { timeout: 300_000, skip: unavailable ?? false }, () => {
  let fs: SmallFs;
  let runner: RunnerProcess | undefined;
  before(async () => {
    fs = await mountSmallFs(2);
  });
  after(async () => {
    await runner?.stop();
    await fs?.unmount();
  });

  it("keeps serving when Rally's log hits ENOSPC: the cycle is an error with the reason, /health names the data dir, no Rally left", async () => {
    const rally = await fakeRally('flood');
    const dataDir = join(fs.dir, 'data');
    runner = await startRunner({ dataDir, env: { RALLY_BIN: rally.bin, RALLY_MONITOR_SERVICES: 'keystone' } });
    // Room for the cycle's small files, not for the 1 MB Rally prints.
    await fs.fill(96 * 1024);
    const id = await runner.startCycle();
    const cycle = await runner.waitForCycle<{ status: string; reason?: string }>(id, 180_000);
    assert.equal(runner.child.exitCode, null, 'serve is still running');
    assert.equal(cycle.status, 'error');
    assert.match(cycle.reason ?? '', new RegExp(`^the cycle could not be recorded in ${dataDir}: .*ENOSPC`));
    const health = await runner.request('/health');
    assert.equal(health.status, 503);
    assert.match(
      ((await health.json()) as { reason: string }).reason,
      new RegExp(`^data directory ${dataDir} is not writable: .*ENOSPC`)
    );
    assert.ok(
      (await rally.calls()).some((line) => / task start /.test(line)),
      'Rally was started'
    );
    assert.deepEqual(alive(await rally.calls()), [], 'no Rally process is left running');
    const metrics = await (await runner.request('/metrics')).text();
    assert.match(metrics, /^rally_runs_total\{result="error",cloud="local",region="[^"]+"\} 1$/m);
  });
});

describe('serve while stopping', { timeout: 300_000 }, () => {
  it('after SIGTERM, answers POST /api/runs with 503 and starts no new Rally until it exits', async () => {
    const rally = await fakeRally('slow');
    const runner = await startRunner({ env: { RALLY_BIN: rally.bin, RALLY_MONITOR_SERVICES: 'keystone' } });
    try {
      const id = await runner.startCycle();
      await until("Rally's task to start", async () => (await rally.calls()).some((line) => / task start /.test(line)));
      const exited = new Promise<number | null>((resolve) => runner.child.once('exit', (code) => resolve(code)));
      runner.child.kill('SIGTERM');
      // From the runner's "stopping" log line on (it has handled the signal), Rally takes 2 s to abort: POST
      // /api/runs all along, until the runner has closed its port.
      await until('the runner to handle SIGTERM', async () => /"msg":"stopping"/.test(runner.output()), 10_000);
      const answers: number[] = [];
      let gone = false;
      void exited.then(() => (gone = true));
      while (!gone) {
        const status = await runner.request('/api/runs', { method: 'POST', auth: true }).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status;
          },
          () => null
        );
        if (status === null) break;
        answers.push(status);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(await exited, 0, runner.output().slice(-2000));
      assert.ok(answers.length > 0, 'the runner was asked while stopping');
      assert.deepEqual([...new Set(answers)], [503], `answers while stopping: ${answers.join(', ')}`);
      const calls = await rally.calls();
      assert.equal(
        calls.filter((line) => / task start /.test(line)).length,
        1,
        `no second Rally task:\n${calls.join('\n')}`
      );
      assert.deepEqual(alive(calls), [], 'no Rally process is left running');
      const runs = (await readdir(join(runner.dataDir, 'runs'))).filter((name) => !name.startsWith('.'));
      assert.deepEqual(runs, [id], 'no cycle but the aborted one');
      const record = JSON.parse(await readFile(join(runner.dataDir, 'runs', id, 'cycle.json'), 'utf8')) as {
        status: string;
      };
      assert.equal(record.status, 'aborted');
    } finally {
      await runner.stop();
    }
  });
});
