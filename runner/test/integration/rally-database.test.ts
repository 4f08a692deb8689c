// Rally's own database is pruned with the history: a cycle past the retention takes its Rally tasks with it, and
// the database's size is a metric. Real Rally, a real database in a temporary data directory; no cloud needed
// (Rally core's Dummy.dummy scenario runs locally), but Rally, so it runs with the integration tests.
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HistoryStore, newRunId } from '../../src/history/store.js';
import type { Cycle } from '../../src/model.js';
import { NO_ARTIFACTS } from '../../src/model.js';
import { Rally } from '../../src/rally/rally.js';
import { tempDir } from '../helpers.js';
import { monitorFixture } from '../support/monitor-fixture.js';

const DUMMY_TASK = `version: 2
title: dummy
subtasks:
  - title: dummy
    workloads:
      - scenario: {Dummy.dummy: {sleep: 0}}
        runner: {constant: {times: 1, concurrency: 1}}
`;

function cycleWithTask(at: Date, taskUuid: string): Cycle {
  const iso = at.toISOString();
  return {
    id: newRunId(at),
    cloud: 'c',
    region: 'r',
    trigger: 'schedule',
    status: 'pass',
    startedAt: iso,
    finishedAt: iso,
    durationSeconds: 1,
    services: [
      {
        service: 'keystone',
        state: 'pass',
        taskUuid,
        taskStatus: 'finished',
        rallyExitCode: 0,
        startedAt: iso,
        finishedAt: iso,
        durationSeconds: 1,
        artifacts: { ...NO_ARTIFACTS },
        workloads: [],
      },
    ],
  };
}

async function taskUuids(rally: Rally): Promise<string[]> {
  const { runInProcessGroup } = await import('../../src/rally/process.js');
  const listed = await runInProcessGroup(
    rally.options.bin,
    [
      '--config-file',
      rally.configFile,
      'task',
      'list',
      '--deployment',
      rally.options.envName,
      '--all-deployments',
      '--uuids-only',
    ],
    {
      env: { HOME: rally.options.home, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    }
  );
  assert.equal(listed.exitCode, 0, listed.output);
  return listed.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f-]{36}$/.test(l))
    .sort();
}

describe("Rally's database", { timeout: 300_000 }, () => {
  it('loses the tasks of pruned cycles, keeps the others, and reports its size', async () => {
    const dataDir = await tempDir();
    // The runner's Rally as the monitor fixture builds it (same home, same environment name).
    const rally = new Rally({ bin: 'rally', home: join(dataDir, 'rally'), envName: 'unit' });
    await rally.ensureDatabase();
    await rally.ensureEnvironment({
      authUrl: 'http://127.0.0.1:9/v3',
      username: 'admin',
      password: 'unit-test-password',
      projectName: 'admin',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      regionName: 'RegionOne',
      interface: 'public',
      insecure: false,
    } as Parameters<Rally['ensureEnvironment']>[0]);
    const taskFile = join(dataDir, 'dummy.yaml');
    await writeFile(taskFile, DUMMY_TASK);
    const tasks: string[] = [];
    for (const tag of ['old', 'recent']) {
      const run = await rally.startTask(taskFile, {}, { tag, logFile: join(dataDir, `${tag}.log`) });
      assert.ok(run.taskUuid, run.output.slice(-2000));
      tasks.push(run.taskUuid);
    }
    const [oldTask, recentTask] = tasks as [string, string];
    assert.deepEqual(await taskUuids(rally), [...tasks].sort());

    const old = cycleWithTask(new Date(Date.now() - 10 * 86_400_000), oldTask);
    const recent = cycleWithTask(new Date(Date.now() - 86_400_000), recentTask);
    const { monitor, metrics } = await monitorFixture(
      { RALLY_RESULTS_RETENTION_DAYS: '7' },
      async (runs) => {
        const seed = new HistoryStore(runs);
        await seed.open();
        await seed.finishCycle(old);
        await seed.finishCycle(recent);
      },
      dataDir
    );
    // Any cycle prunes when it ends; this one ends at once (Keystone unreachable in the fixture).
    const started = monitor.start('api');
    assert.ok(started.started);
    await started.done;
    assert.equal(monitor.store.get(old.id), null, 'the old cycle is pruned');
    assert.deepEqual(await taskUuids(rally), [recentTask], 'its Rally task went with it; the recent one stays');
    const size = (await stat(rally.databaseFile)).size;
    assert.ok(size > 0);
    assert.match(
      (await metrics.render()).body,
      new RegExp(`^rally_database_size_bytes\\{cloud="default",region="RegionOne"\\} ${size}$`, 'm')
    );
  });
});
