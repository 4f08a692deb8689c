import assert from 'node:assert/strict';
import { isAbsolute, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { ImageChoice } from '../../src/rally/image.js';
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
  return loadConfig(
    {
      ...BASE,
      RALLY_NOVA_IMAGE: 'cirros',
      RALLY_EXTERNAL_NETWORK: 'public',
      RALLY_NOVA_RESIZE_FLAVOR: 'm1.small',
      ...env,
    },
    '/nonexistent'
  );
}
/** The image as Glance resolved it this cycle. */
const CIRROS: ImageChoice = { name: 'cirros' };
const NO_IMAGE: ImageChoice = {
  skip: 'no image to boot: no active image in Glance matches the default /^(cirros.*-disk|TestVM)$/; set RALLY_NOVA_IMAGE to an image name or a /regular expression/',
};

describe('task args', () => {
  it('gives every scenario file the configured values, its profile and the shipped image file', () => {
    const { args, skipped } = taskPlan(
      config({ RALLY_MONITOR_ITERATIONS: '3', RALLY_MONITOR_PROFILE_GLANCE: 'heavy' }),
      'glance',
      ALL,
      '/opt/scenarios',
      CIRROS
    );
    assert.deepEqual(skipped, []);
    assert.equal(args.iterations, 3);
    assert.equal(args.concurrency, 1);
    assert.equal(args.profile, 'heavy');
    assert.equal(args.image, 'cirros');
    assert.equal(args.flavor, 'm1.tiny');
    assert.equal(args.resize_flavor, 'm1.small');
    assert.equal(args.external_network, 'public');
    assert.equal(args.image_file, join('/opt/scenarios', 'files', 'tiny.raw'));
    assert.ok(isAbsolute(args.image_file as string));
    assert.deepEqual(args.skip, []);
    assert.deepEqual(args.services, ALL);
  });

  it('leaves the floating IP workload out, saying why, without an external network', () => {
    const { args, skipped } = taskPlan(config({ RALLY_EXTERNAL_NETWORK: '' }), 'nova', ALL, '/s', CIRROS);
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
      ALL.filter((s) => s !== 'neutron'),
      CIRROS
    );
    assert.deepEqual(
      skipped.map((s) => s.reason),
      ['neutron is not in the catalog']
    );
  });

  it('leaves every boot out without an image, and reports heavy-only workloads only in the heavy profile', () => {
    const light = skippedWorkloads(config({ RALLY_NOVA_IMAGE: '' }), 'nova', ALL, NO_IMAGE).map((s) => s.scenario);
    assert.deepEqual(light, [
      'NovaServers.boot_and_delete_server',
      'NovaServers.boot_and_list_server',
      'NovaServers.boot_server_associate_and_dissociate_floating_ip',
      'NovaServers.snapshot_server',
      'NovaServers.resize_server',
    ]);
    const heavy = skippedWorkloads(
      config({ RALLY_NOVA_IMAGE: '', RALLY_MONITOR_PROFILE: 'heavy' }),
      'nova',
      ALL,
      NO_IMAGE
    );
    assert.equal(heavy.length, 6);
    assert.deepEqual(heavy.at(-1), { scenario: 'NovaServers.boot_and_rebuild_server', reason: NO_IMAGE.skip });
  });

  it('leaves the resize out, saying how to set it, without a flavor to resize to', () => {
    const { args, skipped } = taskPlan(config({ RALLY_NOVA_RESIZE_FLAVOR: '' }), 'nova', ALL, '/s', CIRROS);
    assert.deepEqual(skipped, [
      {
        scenario: 'NovaServers.resize_server',
        reason: 'no flavor to resize to: RALLY_NOVA_RESIZE_FLAVOR is not set (a flavor other than RALLY_NOVA_FLAVOR)',
      },
    ]);
    assert.deepEqual(args.skip, ['NovaServers.resize_server']);
    assert.equal(args.image, 'cirros');
  });

  it('attaches a volume only where Nova is in the catalog and an image was found, and creates volume types always', () => {
    assert.deepEqual(skippedWorkloads(config(), 'cinder', ALL, CIRROS), []);
    assert.deepEqual(
      skippedWorkloads(
        config(),
        'cinder',
        ALL.filter((s) => s !== 'nova'),
        CIRROS
      ),
      [{ scenario: 'CinderVolumes.create_and_attach_volume', reason: 'nova is not in the catalog' }]
    );
    const { args, skipped } = taskPlan(config(), 'cinder', ALL, '/s', NO_IMAGE);
    assert.deepEqual(skipped, [{ scenario: 'CinderVolumes.create_and_attach_volume', reason: NO_IMAGE.skip }]);
    assert.equal(args.image, null);
  });

  it('gives the task the name Glance resolved, not the pattern', () => {
    const { args, skipped } = taskPlan(config({ RALLY_NOVA_IMAGE: '/^cirros.*-disk$/' }), 'nova', ALL, '/s', {
      name: 'cirros-0.6.2-x86_64-disk',
    });
    assert.deepEqual(skipped, []);
    assert.equal(args.image, 'cirros-0.6.2-x86_64-disk');
  });

  it('skips Keystone token validation by services the catalog lacks', () => {
    const skipped = skippedWorkloads(config(), 'keystone', ['keystone', 'glance', 'nova'], CIRROS);
    assert.deepEqual(skipped, [
      { scenario: 'Authenticate.validate_cinder', reason: 'cinder is not in the catalog' },
      { scenario: 'Authenticate.validate_neutron', reason: 'neutron is not in the catalog' },
    ]);
    assert.deepEqual(skippedWorkloads(config(), 'keystone', ALL, CIRROS), []);
  });
});
