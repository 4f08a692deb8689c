import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Rally } from '../../src/rally/rally.js';
import { startValidatedTask, VALIDATION_KEPT_MS, validateTask, validationProblem } from '../../src/rally/validate.js';
import { serviceVerdict } from '../../src/rally/verdict.js';
import { readFixture, tempDir } from '../helpers.js';

describe('rally task validate output', () => {
  it('condenses a rejected workload to one line naming the scenario and the missing image', async () => {
    const problem = validationProblem(await readFixture('nova-image-missing.task-validate.txt'));
    assert.equal(problem, "Invalid task: NovaServers.boot_and_delete_server: image 'cirros' not found");
  });

  it("makes a missing image the monitor's error, not a red Nova", async () => {
    const verdict = serviceVerdict({
      service: 'nova',
      exitCode: 114,
      taskStatus: null,
      workloads: [],
      endpointUrls: ['http://127.0.0.1:8774/v2.1'],
      log: validationProblem(await readFixture('nova-image-missing.task-validate.txt')),
      timedOut: false,
      aborted: false,
    });
    assert.deepEqual(verdict, {
      state: 'error',
      reason: "Invalid task: NovaServers.boot_and_delete_server: image 'cirros' not found",
    });
  });

  it('keeps the platform line when the cloud did not answer, so an unreachable Keystone is Keystone failing', async () => {
    const problem = validationProblem(await readFixture('keystone-unreachable.task-start.log'));
    assert.match(problem, /^Validation error: One or several platforms are not available/);
    const verdict = serviceVerdict({
      service: 'keystone',
      exitCode: 110,
      taskStatus: null,
      workloads: [],
      endpointUrls: [],
      log: problem,
      timedOut: false,
      aborted: false,
    });
    assert.equal(verdict.state, 'fail');
  });

  it('falls back to the last lines Rally printed', () => {
    assert.equal(
      validationProblem('a\nb\n\nsomething odd\n'),
      'Error: rally task validate failed: a | b | something odd'
    );
  });
});

describe('validation before start', () => {
  async function setup() {
    const dir = await tempDir();
    const taskFile = join(dir, 'nova.yaml');
    await writeFile(taskFile, 'version: 2\n');
    const calls: string[] = [];
    let startExit = 0;
    let validateOutput = '';
    const rally = {
      options: { envName: 'unit', home: dir },
      async validateTask() {
        calls.push('validate');
        return { exitCode: validateOutput ? 114 : 0, output: validateOutput, killed: false };
      },
      async startTask() {
        calls.push('start');
        return {
          exitCode: startExit,
          output: startExit ? await readFixture('nova-image-missing.task-validate.txt') : 'ok',
          killed: false,
          taskUuid: 'c0ffee00-0000-4000-8000-000000000000',
        };
      },
    } as unknown as Rally;
    const set = (exit: number, invalidOutput = '') => {
      startExit = exit;
      validateOutput = invalidOutput;
    };
    return { rally, taskFile, calls, set };
  }
  const options = { tag: 't', logFile: '/dev/null' };

  it('validates once per file, args and environment, then starts without re-validating', async () => {
    const { rally, taskFile, calls } = await setup();
    await startValidatedTask(rally, taskFile, { image: 'a' }, options);
    await startValidatedTask(rally, taskFile, { image: 'a' }, options);
    await startValidatedTask(rally, taskFile, { image: 'b' }, options);
    assert.deepEqual(calls, ['validate', 'start', 'start', 'validate', 'start']);
    const later = await validateTask(rally, taskFile, { image: 'a' }, { now: Date.now() + VALIDATION_KEPT_MS + 1 });
    assert.deepEqual(later, { valid: true, cached: false });
  });

  it('does not start a task validation rejects, and hands on only the reason', async () => {
    const { rally, taskFile, calls, set } = await setup();
    set(0, await readFixture('nova-image-missing.task-validate.txt'));
    const run = await startValidatedTask(rally, taskFile, {}, options);
    assert.deepEqual(calls, ['validate']);
    assert.deepEqual(run, {
      exitCode: 114,
      killed: false,
      taskUuid: null,
      output: "Invalid task: NovaServers.boot_and_delete_server: image 'cirros' not found",
    });
  });

  it('condenses a start Rally rejects after all, and validates again next time', async () => {
    const { rally, taskFile, calls, set } = await setup();
    await startValidatedTask(rally, taskFile, {}, options);
    set(114);
    const run = await startValidatedTask(rally, taskFile, {}, options);
    assert.equal(run.output, "Invalid task: NovaServers.boot_and_delete_server: image 'cirros' not found");
    assert.equal(run.taskUuid, 'c0ffee00-0000-4000-8000-000000000000');
    set(0);
    await startValidatedTask(rally, taskFile, {}, options);
    assert.deepEqual(calls, ['validate', 'start', 'start', 'validate', 'start']);
  });
});
