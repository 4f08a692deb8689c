// All seven services against the real local cloud: one light cycle over everything the cloud runs, the Placement
// plugin for real, a service stopped in the middle of a cycle, and a configured image that does not exist.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import {
  cloudCtl,
  RECORD_DIR,
  recordFixture,
  startRunner,
  testCloud,
  type RunnerProcess,
  waitForFile,
} from '../support/runner-process.js';
import type { Cycle, ServiceResult } from '../../src/model.js';
import { SERVICE_NAMES } from '../../src/services.js';

function describeService(s: ServiceResult): string {
  return JSON.stringify({
    state: s.state,
    reason: s.reason,
    workloads: s.workloads.map((w) => [w.key, w.state, w.reason]),
  });
}

function assertAllPassed(service: ServiceResult): void {
  assert.equal(service.state, 'pass', `${service.service}: ${describeService(service)}`);
  assert.ok(service.workloads.length >= 2, `${service.service}: ${service.workloads.length} workloads`);
  for (const workload of service.workloads) {
    assert.equal(workload.state, 'pass', `${service.service} ${workload.key}`);
    assert.ok(
      workload.iterations >= 1 && workload.failedIterations === 0,
      `${service.service} ${workload.key}: ${workload.iterations} iterations`
    );
    assert.ok(
      workload.passSla && workload.sla.length >= 1 && workload.sla.every((c) => c.success),
      `${service.service} ${workload.key}: SLA`
    );
  }
}

/** Other tests on this machine stop and start the shared cloud's Keystone for a moment; start on a Keystone that answers. */
async function keystoneAnswers(authUrl: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(authUrl).then(
      (r) => r.ok,
      () => false
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`Keystone at ${authUrl} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('all services against the real local cloud', { timeout: 1_800_000 }, () => {
  const cloud = testCloud();
  const runners: RunnerProcess[] = [];
  after(async () => {
    for (const runner of runners) await runner.stop();
  });
  beforeEach(() => keystoneAnswers(cloud.authUrl));

  it('runs one cycle over every service the cloud runs: each passes with all workloads run, the others are absent', async () => {
    const runner = await startRunner();
    runners.push(runner);
    const cycle = await runner.waitForCycle<Cycle>(await runner.startCycle(), 900_000);
    for (const name of SERVICE_NAMES) {
      const service = cycle.services.find((s) => s.service === name)!;
      if (cloud.services.includes(name)) assertAllPassed(service);
      else assert.equal(service.state, 'absent', `${name}: ${describeService(service)}`);
    }
    assert.equal(cycle.status, 'pass');

    const nova = cycle.services.find((s) => s.service === 'nova')!;
    if (cloud.services.includes('nova')) {
      // The local cloud has no external network (nor an L2 agent to bind a floating IP): left out, with the reason.
      assert.deepEqual(nova.skipped, [
        {
          scenario: 'NovaServers.boot_server_associate_and_dissociate_floating_ip',
          reason: 'no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set',
        },
      ]);
      assert.ok(
        !nova.workloads.some((w) => w.scenario === 'NovaServers.boot_server_associate_and_dissociate_floating_ip')
      );
      assert.ok(nova.workloads.some((w) => w.scenario === 'NovaServers.boot_and_delete_server'));
    }
    const placement = cycle.services.find((s) => s.service === 'placement')!;
    if (cloud.services.includes('placement')) {
      const actions = placement.workloads.flatMap((w) =>
        w.atomicActions.map((a) => `${w.scenario} ${a.name} ${a.count} ${a.failures}`)
      );
      assert.deepEqual(actions.sort(), [
        'PlacementMonitor.list_resource_classes placement.list_resource_classes 1 0',
        'PlacementMonitor.list_resource_providers placement.list_resource_providers 1 0',
      ]);
    }
    const glance = cycle.services.find((s) => s.service === 'glance')!;
    assert.deepEqual(glance.skipped, undefined);
    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    const validated = keystone.workloads
      .filter((w) => w.scenario.startsWith('Authenticate.validate_'))
      .map((w) => w.scenario.slice('Authenticate.validate_'.length));
    assert.deepEqual(
      validated.sort(),
      ['cinder', 'glance', 'neutron', 'nova'].filter((s) => cloud.services.includes(s)).sort()
    );

    // The plugin's tests replay this cycle as the runner serves it (with every service of the cloud). A new
    // recording replaces the old one whole: run files are named by id and would otherwise pile up.
    if (process.env.RALLY_MONITOR_RECORD_FIXTURES === '1') {
      await rm(join(RECORD_DIR, 'seven-services'), { recursive: true, force: true });
    }
    await recordFixture('seven-services/results.json', await runner.json('/api/results'));
    await recordFixture(`seven-services/run-${cycle.id}.json`, await runner.json(`/api/runs/${cycle.id}`));
    await recordFixture('seven-services/history.json', await runner.json('/api/history'));
    await recordFixture('seven-services/health.json', await runner.json('/health'));
  });

  it(
    'Glance stopped in the middle of a cycle is fail with the failing action and error; the others pass; restarted, the next cycle is green',
    { skip: !cloud.services.includes('glance') },
    async () => {
      const runner = await startRunner({ env: { RALLY_MONITOR_SERVICES: 'glance,placement' } });
      runners.push(runner);
      const id = await runner.startCycle();
      const recorded = runner.waitForCycle<Cycle>(id, 600_000);
      let cycle: Cycle;
      try {
        // Glance's task has begun (validation first, which does not call Glance): stop Glance under it.
        await waitForFile(join(runner.dataDir, 'runs', id, 'glance.rally.log'), recorded);
        await cloudCtl(cloud, 'stop-service', 'glance');
        cycle = await recorded;
      } finally {
        await cloudCtl(cloud, 'start-service', 'glance');
      }
      const glance = cycle.services.find((s) => s.service === 'glance')!;
      assert.equal(glance.state, 'fail', describeService(glance));
      assert.match(
        glance.reason ?? '',
        /^GlanceImages\.create_and_delete_image: 1 of 1 iterations failed: \w+: .+9292/
      );
      const failing = glance.workloads[0]!;
      assert.ok(
        failing.atomicActions.some((a) => a.name === 'glance_v2.create_image' && a.failures === 1),
        JSON.stringify(failing.atomicActions)
      );
      assert.match(failing.errors[0]?.message ?? '', /Unable to establish connection|Connection refused/);
      assertAllPassed(cycle.services.find((s) => s.service === 'placement')!);
      assert.equal(cycle.status, 'fail');
      await recordFixture('results-glance-stopped.json', await runner.json(`/api/runs/${id}`));

      const next = await runner.waitForCycle<Cycle>(await runner.startCycle(), 600_000);
      assertAllPassed(next.services.find((s) => s.service === 'glance')!);
      assertAllPassed(next.services.find((s) => s.service === 'placement')!);
      assert.equal(next.status, 'pass');
    }
  );

  it(
    "a configured image that does not exist makes Nova the monitor's error, saying so, and leaves Glance green",
    { skip: !cloud.services.includes('nova') },
    async () => {
      const runner = await startRunner({
        env: { RALLY_MONITOR_SERVICES: 'nova,glance', RALLY_NOVA_IMAGE: 'no-such-image-cirros' },
      });
      runners.push(runner);
      const cycle = await runner.waitForCycle<Cycle>(await runner.startCycle(), 600_000);
      const nova = cycle.services.find((s) => s.service === 'nova')!;
      assert.equal(nova.state, 'error', describeService(nova));
      assert.equal(
        nova.reason,
        "Invalid task: NovaServers.boot_and_delete_server: image 'no-such-image-cirros' not found"
      );
      assert.equal(nova.taskUuid, null);
      assert.deepEqual(nova.workloads, []);
      assert.ok(nova.artifacts.log, 'the validation output is kept');
      assertAllPassed(cycle.services.find((s) => s.service === 'glance')!);
      assert.equal(cycle.status, 'error');
    }
  );

  it(
    "a configured external network that does not exist makes Nova the monitor's error, before any Rally run",
    { skip: !cloud.services.includes('nova') || !cloud.services.includes('neutron') },
    async () => {
      const runner = await startRunner({
        env: { RALLY_MONITOR_SERVICES: 'nova', RALLY_EXTERNAL_NETWORK: 'no-such-external-net' },
      });
      runners.push(runner);
      const cycle = await runner.waitForCycle<Cycle>(await runner.startCycle(), 300_000);
      const nova = cycle.services.find((s) => s.service === 'nova')!;
      assert.equal(nova.state, 'error', describeService(nova));
      assert.equal(
        nova.reason,
        "external network 'no-such-external-net' not found in Neutron (RALLY_EXTERNAL_NETWORK names a network with router:external)"
      );
      assert.equal(nova.rallyExitCode, null);
      assert.equal(cycle.status, 'error');
    }
  );
});
