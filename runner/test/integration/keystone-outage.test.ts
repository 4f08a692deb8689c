// Keystone stopping in the middle of a cycle, after its own task passed: every later task fails for want of the
// identity platform, and the runner must say so the way an operator reads it, in this same cycle: Keystone red
// (it is down), the services it could not test grey, each reason one plain line.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cloudCtl, startRunner, testCloud, type RunnerProcess, waitForFile } from '../support/runner-process.js';
import type { Cycle, ServiceResult } from '../../src/model.js';

async function keystoneAnswers(authUrl: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (
      await fetch(authUrl).then(
        (r) => r.ok,
        () => false
      )
    ) {
      return;
    }
    if (Date.now() > until) throw new Error(`Keystone at ${authUrl} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function describeService(s: ServiceResult): string {
  return JSON.stringify({ state: s.state, reason: s.reason });
}

function assertPlainText(s: ServiceResult): void {
  const reason = s.reason ?? '';
  assert.doesNotMatch(
    reason,
    /<\/?[a-z][^>]*>|&(lt|gt|amp|quot|#\d+);/i,
    `${s.service}: markup in the reason: ${reason}`
  );
  assert.doesNotMatch(reason, /[\r\n]/, `${s.service}: the reason is one line: ${reason}`);
}

describe('Keystone stopped in the middle of a cycle', { timeout: 900_000 }, () => {
  const cloud = testCloud();
  // Nova comes right after Keystone in every cycle (its validation is all that runs once Keystone is gone).
  const services = ['keystone', 'nova', 'glance', 'placement'].filter((s) => cloud.services.includes(s));
  let runner: RunnerProcess | undefined;
  let stopped = false;
  after(async () => {
    if (stopped) await cloudCtl(cloud, 'start-service', 'keystone');
    await runner?.stop();
  });

  it('makes Keystone fail in the same cycle and the services after it error "not tested: Keystone unreachable"', async () => {
    await keystoneAnswers(cloud.authUrl);
    runner = await startRunner({ env: { RALLY_MONITOR_SERVICES: services.join(',') } });
    const id = await runner.startCycle();
    const recorded = runner.waitForCycle<Cycle>(id, 600_000);
    await waitForFile(join(runner.dataDir, 'runs', id, 'keystone.result.json'), recorded);
    await cloudCtl(cloud, 'stop-service', 'keystone');
    stopped = true;
    const cycle = await recorded;
    await cloudCtl(cloud, 'start-service', 'keystone');
    stopped = false;

    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    assert.equal(keystone.state, 'fail', `data in ${runner.dataDir}: ${describeService(keystone)}`);
    assert.match(keystone.reason ?? '', /^Keystone stopped answering during the cycle: \S/);
    assert.match(keystone.reason ?? '', /127\.0\.0\.1:5000/, 'the error says what did not answer');
    assert.ok(
      keystone.workloads.length > 0 && keystone.workloads.every((w) => w.state === 'pass'),
      "its own task's evidence is kept"
    );
    for (const name of services.slice(1)) {
      const service = cycle.services.find((s) => s.service === name)!;
      assert.equal(service.state, 'error', `${name}: ${describeService(service)}`);
      assert.equal(service.reason, 'not tested: Keystone unreachable', `${name}: ${describeService(service)}`);
    }
    for (const service of cycle.services) assertPlainText(service);
    assert.equal(cycle.status, 'fail');
  });
});
