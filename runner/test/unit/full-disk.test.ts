// A full disk (ENOSPC) must never take the runner down: on a real, small, full filesystem, the writes of a cycle
// fail, the cycle is an `error` with the reason, /health names the data directory, and the runner goes on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { runInProcessGroup } from '../../src/rally/process.js';
import { monitorFixture } from '../support/monitor-fixture.js';
import { mountSmallFs, smallFsUnavailable, type SmallFs } from '../support/small-fs.js';

const unavailable = await smallFsUnavailable();

describe('a full disk', { skip: unavailable ?? false }, () => {
  let fs: SmallFs;
  before(async () => {
    fs = await mountSmallFs(2);
  });
  after(async () => {
    await fs?.unmount();
  });

  it('fails the log of a command, not the process running it: the command runs to its end', async () => {
    await fs.fill(16 * 1024);
    const logFile = join(fs.dir, 'command.log');
    // About 1 MB of output, far more than the 16 KB left.
    const result = await runInProcessGroup(
      'sh',
      ['-c', 'i=0; while [ $i -lt 2000 ]; do printf "%0500d\\n" $i; i=$((i+1)); done; echo done'],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        logFile,
      }
    );
    assert.equal(result.exitCode, 0);
    assert.match(result.output, /done\n$/);
    assert.match(result.logError ?? '', /ENOSPC/);
    await fs.free();
  });

  it('records the cycle as an error with the reason, keeps serving, and says so on /health', async () => {
    const dataDir = join(fs.dir, 'data');
    const { app, monitor, metrics } = await monitorFixture({}, undefined, dataDir);
    await fs.fill();
    const started = monitor.start('api');
    assert.ok(started.started);
    const cycle = await started.done;
    assert.equal(cycle.status, 'error');
    assert.match(cycle.reason!, new RegExp(`^the cycle could not be recorded in ${dataDir}: .*ENOSPC`));
    const run = await app.inject({ url: `/api/runs/${cycle.id}` });
    assert.equal(run.statusCode, 200, 'the unrecorded cycle is still served, from memory');
    assert.equal((await app.inject({ url: '/api/history' })).json().items[0].id, cycle.id);
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.match(health.json().reason, new RegExp(`^data directory ${dataDir} is not writable: .*ENOSPC`));
    assert.match(
      (await metrics.render()).body,
      /^rally_runs_total\{result="error",cloud="default",region="RegionOne"\} 1$/m
    );
    // Space again: the next cycle is recorded.
    await fs.free();
    const next = monitor.start('api');
    assert.ok(next.started);
    assert.equal(
      (await next.done).status,
      'fail',
      'Keystone is unreachable in this fixture: an ordinary recorded cycle'
    );
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200);
  });
});
