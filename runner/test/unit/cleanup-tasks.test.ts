import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tasksOnDisk } from '../../src/cleanup/tasks.js';
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
    await store.beginCycle({ id, startedAt: new Date().toISOString(), trigger: 'cli', cloud: 'default', region: 'RegionOne' });
    const result: ServiceResult = {
      service: 'keystone', state: 'pass', taskUuid: TASK, taskStatus: 'finished', rallyExitCode: 0, startedAt: null, finishedAt: null,
      durationSeconds: 1, artifacts: { ...NO_ARTIFACTS, json: true }, workloads: [],
    };
    await store.saveServiceResult(id, result);
    await copyFile(fixturePath('keystone-pass.report.json'), store.artifactPath(id, 'keystone', 'json'));

    const index = await tasksOnDisk(root);
    for (const prefix of ['18816454', ...WORKLOADS]) assert.deepEqual(index.get(prefix), { runId: id, taskUuid: TASK }, prefix);
    assert.equal(index.get('00000000'), undefined);
    // Still running: the CLI must not have closed the cycle as interrupted.
    assert.equal(store.get(id), null);
    assert.equal((await tasksOnDisk(join(root, 'missing'))).size, 0);
  });
});
