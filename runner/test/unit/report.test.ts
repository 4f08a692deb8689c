import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReport, ReportFormatError } from '../../src/rally/report.js';
import { crashReasonFromLog, serviceVerdict } from '../../src/rally/verdict.js';
import { readFixture } from '../helpers.js';

describe('parseReport on real Rally 3.3.0 reports', () => {
  it('reads a passing Keystone task: every workload passes with statistics from its iterations', async () => {
    const report = parseReport(await readFixture('keystone-pass.report.json'));
    assert.equal(report.taskUuid, '18816454-90dc-4d24-82e7-9da6bd612348');
    assert.equal(report.taskStatus, 'finished');
    assert.deepEqual(
      report.workloads.map((w) => [w.scenario, w.state]),
      [
        ['KeystoneBasic.create_delete_user', 'pass'],
        ['KeystoneBasic.create_and_list_tenants', 'pass'],
        ['Authenticate.keystone', 'pass'],
      ]
    );
    const first = report.workloads[0]!;
    assert.equal(first.iterations, 4);
    assert.equal(first.failedIterations, 0);
    // Rally's own summary of the same iterations: min 1.092, median 1.691, 90%ile 1.893, 95%ile 1.935, max 1.978, avg 1.613
    const d = first.durationSeconds!;
    assert.deepEqual(
      [d.min, d.p50, d.p90, d.p95, d.max, d.mean].map((v) => v.toFixed(3)),
      ['1.092', '1.691', '1.893', '1.935', '1.978', '1.613']
    );
    assert.deepEqual(
      first.atomicActions.map((a) => [a.name, a.count]),
      [
        ['keystone_v3.create_user', 4],
        ['keystone_v3.delete_user', 4],
      ]
    );
    assert.equal(first.sla[0]!.criterion, 'failure_rate');
    assert.equal(first.startedAt, new Date(1795299435.074911 * 1000).toISOString());
  });

  it('marks failed iterations as fail with the first distinct error and its traceback', async () => {
    const report = parseReport(await readFixture('failed-iterations.report.json'));
    const [glance, http] = report.workloads;
    assert.equal(glance!.state, 'pass');
    assert.equal(http!.state, 'fail');
    assert.equal(http!.failedIterations, 4);
    assert.equal(http!.errors.length, 1, 'four identical errors are one distinct error');
    assert.equal(http!.errors[0]!.count, 4);
    assert.equal(http!.errors[0]!.type, 'ConnectionError');
    assert.match(http!.errors[0]!.traceback, /Traceback \(most recent call last\)/);
    assert.match(http!.reason!, /^4 of 4 iterations failed: ConnectionError/);
  });

  it("tells an SLA breach (fail) from a workload that ran nothing (the monitor's error)", async () => {
    const report = parseReport(await readFixture('mixed-sla-breach-config-error.report.json'));
    const byScenario = Object.fromEntries(report.workloads.map((w) => [w.scenario, w]));
    const keystone = byScenario['KeystoneBasic.create_delete_user']!;
    assert.equal(keystone.state, 'fail');
    assert.equal(keystone.failedIterations, 0);
    assert.match(keystone.reason!, /SLA breached: max_avg_duration_per_atomic/);
    const glance = byScenario['GlanceImages.create_and_delete_image']!;
    assert.equal(glance.state, 'error');
    assert.equal(glance.iterations, 0);
    assert.equal(glance.durationSeconds, null);
    assert.match(glance.reason!, /Invalid scenario argument/);
    assert.equal(byScenario['NeutronNetworks.create_and_delete_networks']!.state, 'pass');
  });

  it('reads a crashed task as having no workloads, despite its pass_sla: true', async () => {
    const report = parseReport(await readFixture('keystone-unreachable.report.json'));
    assert.equal(report.taskStatus, 'crashed');
    assert.equal(report.workloads.length, 0);
  });

  it('gives repeated scenarios distinct keys for the metrics label', async () => {
    const text = await readFixture('keystone-pass.report.json');
    const doc = JSON.parse(text);
    doc.tasks[0].subtasks[0].workloads.push(doc.tasks[0].subtasks[0].workloads[0]);
    const keys = parseReport(JSON.stringify(doc)).workloads.map((w) => w.key);
    assert.deepEqual(
      keys.filter((k) => k.startsWith('KeystoneBasic.create_delete_user')),
      ['KeystoneBasic.create_delete_user', 'KeystoneBasic.create_delete_user#2']
    );
  });

  it('rejects text that is not a Rally report with a clear error', () => {
    assert.throws(() => parseReport('<html>'), ReportFormatError);
    assert.throws(() => parseReport('{"tasks": []}'), /exactly one entry/);
  });
});

describe('serviceVerdict', () => {
  const base = { exitCode: 0, taskStatus: 'finished', log: '', endpointUrls: [], timedOut: false, aborted: false };

  it('passes a service whose workloads all passed', async () => {
    const { workloads } = parseReport(await readFixture('keystone-pass.report.json'));
    assert.deepEqual(serviceVerdict({ ...base, service: 'keystone', workloads }), { state: 'pass' });
  });

  it('fails a service with a failing workload and names it', async () => {
    const { workloads } = parseReport(await readFixture('failed-iterations.report.json'));
    const verdict = serviceVerdict({ ...base, exitCode: 2, service: 'glance', workloads });
    assert.equal(verdict.state, 'fail');
    assert.match(verdict.reason!, /^HttpRequests.check_request: 4 of 4 iterations failed/);
  });

  it('makes an unreachable Keystone a Keystone failure, with the reason from the start log', async () => {
    const log = await readFixture('keystone-unreachable.task-start.log');
    const verdict = serviceVerdict({
      ...base,
      exitCode: 110,
      taskStatus: 'crashed',
      service: 'keystone',
      workloads: [],
      log,
    });
    // Rally's own line ("One or several platforms are not available ... Check logs") says no why: the platform's line does.
    assert.deepEqual(verdict, {
      state: 'fail',
      reason:
        'Rally found the cloud unavailable (existing@openstack): Could not find versioned identity endpoints when attempting to authenticate. ' +
        'Please check that your auth_url is correct. Unable to establish connection to http://127.0.0.1:1',
    });
  });

  it('makes the same crash an error (grey) for another service: it could not be tested', async () => {
    const log = await readFixture('keystone-unreachable.task-start.log');
    const verdict = serviceVerdict({
      ...base,
      exitCode: 110,
      taskStatus: 'crashed',
      service: 'glance',
      workloads: [],
      log,
      endpointUrls: ['http://127.0.0.1:9292'],
    });
    assert.equal(verdict.state, 'error');
  });

  it('reports a timeout and an abort as errors, never as the service failing', async () => {
    const { workloads } = parseReport(await readFixture('failed-iterations.report.json'));
    assert.equal(serviceVerdict({ ...base, service: 'glance', workloads, timedOut: true }).state, 'error');
    assert.equal(serviceVerdict({ ...base, service: 'glance', workloads, aborted: true }).state, 'error');
  });

  it('explains a task Rally could not even create', () => {
    const verdict = serviceVerdict({
      ...base,
      exitCode: 1,
      taskStatus: null,
      service: 'nova',
      workloads: [],
      log: 'usage: rally\n',
    });
    assert.equal(verdict.state, 'error');
    assert.match(verdict.reason!, /code 1 \(no task was created\)/);
  });

  it('finds the context failure line in a start log', () => {
    const log =
      "2026-11-21 INFO x\n2026-11-21 ERROR rally.task.engine [-] Unable to setup context 'users': 'boom'[00m\n";
    assert.equal(crashReasonFromLog(log), "Unable to setup context 'users': 'boom'");
  });
});
