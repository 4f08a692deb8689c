import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validationProblem } from '../../src/rally/validate.js';
import { serviceVerdict } from '../../src/rally/verdict.js';
import { readFixture } from '../helpers.js';

describe('rally task validate output', () => {
  it('condenses a rejected workload to one line naming the scenario and the missing image', async () => {
    const problem = validationProblem(await readFixture('nova-image-missing.task-validate.txt'));
    assert.equal(problem, "Invalid task: NovaServers.boot_and_delete_server: image 'cirros' not found");
  });

  it('makes a missing image the monitor\'s error, not a red Nova', async () => {
    const verdict = serviceVerdict({
      service: 'nova', exitCode: 114, taskStatus: null, workloads: [], endpointUrls: ['http://127.0.0.1:8774/v2.1'],
      log: validationProblem(await readFixture('nova-image-missing.task-validate.txt')), timedOut: false, aborted: false,
    });
    assert.deepEqual(verdict, { state: 'error', reason: "Invalid task: NovaServers.boot_and_delete_server: image 'cirros' not found" });
  });

  it('keeps the platform line when the cloud did not answer, so an unreachable Keystone is Keystone failing', async () => {
    const problem = validationProblem(await readFixture('keystone-unreachable.task-start.log'));
    assert.match(problem, /^Validation error: One or several platforms are not available/);
    const verdict = serviceVerdict({ service: 'keystone', exitCode: 110, taskStatus: null, workloads: [], endpointUrls: [], log: problem, timedOut: false, aborted: false });
    assert.equal(verdict.state, 'fail');
  });

  it('falls back to the last lines Rally printed', () => {
    assert.equal(validationProblem('a\nb\n\nsomething odd\n'), 'Error: rally task validate failed: a | b | something odd');
  });
});
