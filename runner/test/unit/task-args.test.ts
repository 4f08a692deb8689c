import assert from 'node:assert/strict';
import { isAbsolute, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { skippedWorkloads, taskPlan } from '../../src/rally/task-args.js';
import { SERVICE_NAMES } from '../../src/services.js';

const BASE = {
  OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'pw-very-secret',
  OS_PROJECT_NAME: 'admin',
};
const ALL = [...SERVICE_NAMES];

function config(env: Record<string, string> = {}) {
  return loadConfig({ ...BASE, RALLY_NOVA_IMAGE: 'cirros', RALLY_EXTERNAL_NETWORK: 'public', ...env }, '/nonexistent');
}

describe('task args', () => {
  it('gives every scenario file the configured values, its profile and the shipped image file', () => {
    const { args, skipped } = taskPlan(
      config({ RALLY_MONITOR_ITERATIONS: '3', RALLY_MONITOR_PROFILE_GLANCE: 'heavy' }),
      'glance',
      ALL,
      '/opt/scenarios'
    );
    assert.deepEqual(skipped, []);
    assert.equal(args.iterations, 3);
    assert.equal(args.concurrency, 1);
    assert.equal(args.profile, 'heavy');
    assert.equal(args.image, 'cirros');
    assert.equal(args.flavor, 'm1.tiny');
    assert.equal(args.external_network, 'public');
    assert.equal(args.image_file, join('/opt/scenarios', 'files', 'tiny.raw'));
    assert.ok(isAbsolute(args.image_file as string));
    assert.deepEqual(args.skip, []);
    assert.deepEqual(args.services, ALL);
  });

  it('leaves the floating IP workload out, saying why, without an external network', () => {
    const { args, skipped } = taskPlan(config({ RALLY_EXTERNAL_NETWORK: '' }), 'nova', ALL, '/s');
    assert.deepEqual(skipped, [
      {
        scenario: 'NovaServers.boot_server_associate_and_dissociate_floating_ip',
        reason: 'no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set',
      },
    ]);
    assert.deepEqual(args.skip, ['NovaServers.boot_server_associate_and_dissociate_floating_ip']);
    assert.equal(args.external_network, null);
  });

  it('names an absent service before a missing setting', () => {
    const skipped = skippedWorkloads(
      config({ RALLY_EXTERNAL_NETWORK: '' }),
      'nova',
      ALL.filter((s) => s !== 'neutron')
    );
    assert.deepEqual(
      skipped.map((s) => s.reason),
      ['neutron is not in the catalog']
    );
  });

  it('leaves every boot out without an image, and reports heavy-only workloads only in the heavy profile', () => {
    const light = skippedWorkloads(config({ RALLY_NOVA_IMAGE: '' }), 'nova', ALL).map((s) => s.scenario);
    assert.deepEqual(light, [
      'NovaServers.boot_and_delete_server',
      'NovaServers.boot_and_list_server',
      'NovaServers.boot_server_associate_and_dissociate_floating_ip',
    ]);
    const heavy = skippedWorkloads(config({ RALLY_NOVA_IMAGE: '', RALLY_MONITOR_PROFILE: 'heavy' }), 'nova', ALL);
    assert.equal(heavy.length, 4);
    assert.deepEqual(heavy.at(-1), {
      scenario: 'NovaServers.boot_and_rebuild_server',
      reason: 'no image to boot: RALLY_NOVA_IMAGE is not set',
    });
  });

  it('skips Keystone token validation by services the catalog lacks', () => {
    const skipped = skippedWorkloads(config(), 'keystone', ['keystone', 'glance', 'nova']);
    assert.deepEqual(skipped, [
      { scenario: 'Authenticate.validate_cinder', reason: 'cinder is not in the catalog' },
      { scenario: 'Authenticate.validate_neutron', reason: 'neutron is not in the catalog' },
    ]);
    assert.deepEqual(skippedWorkloads(config(), 'keystone', ALL), []);
  });
});
