// Every scenario file, in both profiles, passes Rally's own validation against the local cloud (for the services
// it runs; scenarios.test.ts checks the structure of all of them).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { authenticate, endpointsOf } from '../../src/openstack/keystone.js';
import { DEFAULT_SCENARIOS_DIR } from '../../src/cycle.js';
import { Rally } from '../../src/rally/rally.js';
import { taskPlan } from '../../src/rally/task-args.js';
import { resolveImage } from '../../src/rally/image.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { validateTask } from '../../src/rally/validate.js';
import { preflightProblem } from '../../src/rally/preflight.js';
import { SERVICE_NAMES, type ServiceName } from '../../src/services.js';
import { cloudEnv, testCloud } from '../support/runner-process.js';
import { tempDir } from '../helpers.js';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';

describe('scenario files pass rally task validate against the local cloud', { timeout: 900_000 }, () => {
  const cloud = testCloud();
  let home: string;
  let rally: Rally;
  before(async () => {
    home = await tempDir('rally-monitor-validate-');
    rally = new Rally({ bin: 'rally', home: join(home, 'rally'), envName: 'validate-test' });
    await rally.ensureDatabase();
    await rally.ensureEnvironment(loadConfig({ ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: home }).openstack);
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const tested = SERVICE_NAMES.filter((s) => cloud.services.includes(s));
  /** RALLY_NOVA_IMAGE resolved against the cloud's Glance, as a cycle does. */
  async function imageOf(config: ReturnType<typeof loadConfig>) {
    const session = new OpenStackSession(config.openstack);
    try {
      return await resolveImage(config.novaImage, session);
    } finally {
      await session.close();
    }
  }
  for (const profile of ['light', 'heavy'] as const) {
    it(`${profile}: ${tested.join(', ')}`, async (t) => {
      const config = loadConfig({
        ...cloudEnv(cloud),
        RALLY_NOVA_IMAGE: cloud.image,
        RALLY_NOVA_FLAVOR: cloud.flavor,
        RALLY_NOVA_RESIZE_FLAVOR: cloud.resizeFlavor,
        RALLY_MONITOR_PROFILE: profile,
      });
      const image = await imageOf(config);
      assert.deepEqual(image, { name: cloud.image });
      // Two at a time: each validation is a Rally process that also creates and deletes a user.
      const queue = [...tested];
      const problems: string[] = [];
      const worker = async () => {
        for (let service = queue.shift(); service; service = queue.shift()) {
          const { args, skipped } = taskPlan(config, service as ServiceName, tested, DEFAULT_SCENARIOS_DIR, image);
          // Every workload is validated but the floating IP one (no external network here; validated below).
          assert.deepEqual(
            skipped.map((s) => s.scenario),
            service === 'nova' ? ['NovaServers.boot_server_associate_and_dissociate_floating_ip'] : []
          );
          const validate = () => validateTask(rally, join(DEFAULT_SCENARIOS_DIR, `${service}.yaml`), args);
          let result = await validate();
          if (!result.valid) {
            // A scenario file is valid or not; a cloud that hiccups once (seen once in CI, on a loaded machine) is
            // not what this tests. A second failure is the file's, and both outputs are shown.
            t.diagnostic(`${service}: validation failed, trying once more: ${result.run.output}`);
            result = await validate();
          }
          if (!result.valid) problems.push(`${service}: ${result.run.output}`);
        }
      };
      await Promise.all([worker(), worker()]);
      assert.deepEqual(problems, []);
    });
  }

  it("rejects a bad task argument with Rally's reason", async () => {
    const config = loadConfig({
      ...cloudEnv(cloud),
      RALLY_NOVA_FLAVOR: 'no-such-flavor',
      RALLY_NOVA_IMAGE: cloud.image,
    });
    const { args } = taskPlan(config, 'nova', tested, DEFAULT_SCENARIOS_DIR, await imageOf(config));
    const result = await validateTask(rally, join(DEFAULT_SCENARIOS_DIR, 'nova.yaml'), args);
    assert.equal(result.valid, false);
    assert.match(
      !result.valid ? result.run.output : '',
      /^Invalid task: NovaServers\.boot_and_delete_server: .*no-such-flavor/
    );
  });

  // The local cloud has no external network, so cycles leave the floating IP workload out; an external network made
  // for this test (no L2 agent, so nothing could be bound to it) shows the workload itself is valid when one exists.
  it(
    "validates Nova's floating IP workload when an external network is configured, and finds one that is not there",
    { skip: !tested.includes('neutron') || !tested.includes('nova') },
    async () => {
      const credentials = loadConfig({ ...cloudEnv(cloud) }).openstack;
      const token = await authenticate(credentials);
      const neutron = endpointsOf(token.catalog, ['network'], 'public', cloud.region)[0]!.replace(/\/$/, '');
      const headers = { 'x-auth-token': token.value, 'content-type': 'application/json' };
      const name = `monitor-test-ext-${randomBytes(4).toString('hex')}`;
      const created = await fetch(`${neutron}/v2.0/networks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          network: {
            name,
            'router:external': true,
            'provider:network_type': 'flat',
            'provider:physical_network': name.slice(-12),
          },
        }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { network } = (await created.json()) as { network: { id: string } };
      try {
        const config = loadConfig({
          ...cloudEnv(cloud),
          RALLY_NOVA_IMAGE: cloud.image,
          RALLY_NOVA_FLAVOR: cloud.flavor,
          RALLY_NOVA_RESIZE_FLAVOR: cloud.resizeFlavor,
          RALLY_EXTERNAL_NETWORK: name,
        });
        const { args, skipped } = taskPlan(config, 'nova', tested, DEFAULT_SCENARIOS_DIR, await imageOf(config));
        assert.deepEqual(skipped, []);
        assert.equal(await preflightProblem(config, 'nova', args), null);
        const result = await validateTask(rally, join(DEFAULT_SCENARIOS_DIR, 'nova.yaml'), args);
        assert.deepEqual(result.valid ? [] : [result.run.output], []);
      } finally {
        const deleted = await fetch(`${neutron}/v2.0/networks/${network.id}`, { method: 'DELETE', headers });
        assert.equal(deleted.status, 204);
      }
      // Rally itself takes any name here; the runner's preflight is what catches a network that is not there.
      const gone = loadConfig({ ...cloudEnv(cloud), RALLY_NOVA_IMAGE: cloud.image, RALLY_EXTERNAL_NETWORK: name });
      assert.match(
        (await preflightProblem(
          gone,
          'nova',
          taskPlan(gone, 'nova', tested, DEFAULT_SCENARIOS_DIR, { name: cloud.image }).args
        )) ?? '',
        /^external network 'monitor-test-ext-\w+' not found in Neutron/
      );
    }
  );
});
