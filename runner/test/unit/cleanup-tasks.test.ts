import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attributionOf, rallyTasksIn, tasksOnDisk, type TaskIndex } from '../../src/cleanup/tasks.js';
import { HistoryStore, newRunId } from '../../src/history/store.js';
import { NO_ARTIFACTS, type ServiceResult } from '../../src/model.js';
import { fixturePath, tempDir } from '../helpers.js';

// The task and workload uuids of the real report in the fixtures (keystone-pass.report.json).
const TASK = '18816454-90dc-4d24-82e7-9da6bd612348';
const WORKLOADS = ['13e0509b', 'cfcbe8f4', '594eaa16'];

describe('tasksOnDisk', () => {
  it("ties task parts of the task and of each workload in the run's Rally report to the run, without opening the store", async () => {
    const root = join(await tempDir(), 'runs');
    const store = new HistoryStore(root);
    await store.open();
    const id = newRunId();
    await store.beginCycle({
      id,
      startedAt: new Date().toISOString(),
      trigger: 'cli',
      cloud: 'default',
      region: 'RegionOne',
    });
    const result: ServiceResult = {
      service: 'keystone',
      state: 'pass',
      taskUuid: TASK,
      taskStatus: 'finished',
      rallyExitCode: 0,
      startedAt: null,
      finishedAt: null,
      durationSeconds: 1,
      artifacts: { ...NO_ARTIFACTS, json: true },
      workloads: [],
    };
    await store.saveServiceResult(id, result);
    await copyFile(fixturePath('keystone-pass.report.json'), store.artifactPath(id, 'keystone', 'json'));

    const index = await tasksOnDisk(root);
    for (const prefix of ['18816454', ...WORKLOADS]) {
      assert.deepEqual(index.get(prefix), { runId: id, taskUuid: TASK }, prefix);
    }
    assert.equal(index.get('00000000'), undefined);
    // Still running: the CLI must not have closed the cycle as interrupted.
    assert.equal(store.get(id), null);
    assert.equal((await tasksOnDisk(join(root, 'missing'))).size, 0);
  });
});

describe("Rally's database", () => {
  /** The real Rally database of the fixture, rebuilt from its dump. */
  async function rallyDb(): Promise<string> {
    const path = join(await tempDir(), 'rally.db');
    const db = new DatabaseSync(path);
    db.exec(await readFile(fixturePath('cleanup-rally-db.sql'), 'utf8'));
    db.close();
    return path;
  }

  it('yields the task part of every task it holds, read only', async () => {
    const path = await rallyDb();
    const before = await readFile(path);
    const tasks = await rallyTasksIn(path);
    assert.deepEqual([...tasks].sort(), ['5252b5cb', 'eb6b7719']);
    assert.deepEqual(await readFile(path), before, 'the database is not written');
  });

  it('knows nothing when there is no database yet, or one it cannot read (then with a warning)', async () => {
    const warnings: string[] = [];
    assert.equal((await rallyTasksIn(join(await tempDir(), 'missing.db'), (m) => warnings.push(m))).size, 0);
    assert.equal(warnings.length, 0);
    const corrupt = join(await tempDir(), 'rally.db');
    await writeFile(corrupt, 'not a database at all, but long enough to have a header................................');
    assert.equal((await rallyTasksIn(corrupt, (m) => warnings.push(m))).size, 0);
    assert.match(warnings[0] ?? '', /could not be read.*unattributed/);
  });
});

describe('attributionOf', () => {
  const runs: TaskIndex = new Map([['18816454', { runId: '20261122T001500Z-3fa2c1', taskUuid: TASK }]]);
  const rally = new Set(['18816454', 'eb6b7719']);

  it("is the run when the runner's history has the task, else Rally's task when its database does, else unattributed", () => {
    assert.equal(attributionOf('18816454', runs, rally), 'run');
    assert.equal(attributionOf('eb6b7719', runs, rally), 'rally-task');
    assert.equal(attributionOf('c0ffee42', runs, rally), 'unattributed');
    assert.equal(attributionOf('c0ffee42', new Map(), new Set()), 'unattributed');
  });
});
