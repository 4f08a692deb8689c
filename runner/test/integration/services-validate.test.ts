// Every scenario file, in both profiles, passes Rally's own validation against the local cloud (for the services
// it runs; scenarios.test.ts checks the structure of all of them).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_SCENARIOS_DIR } from '../../src/cycle.js';
import { Rally } from '../../src/rally/rally.js';
import { taskPlan } from '../../src/rally/task-args.js';
import { validateTask } from '../../src/rally/validate.js';
import { SERVICE_NAMES, type ServiceName } from '../../src/services.js';
import { cloudEnv, testCloud } from '../support/runner-process.js';
import { tempDir } from '../helpers.js';
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
  for (const profile of ['light', 'heavy'] as const) {
    it(`${profile}: ${tested.join(', ')}`, async () => {
      const config = loadConfig({ ...cloudEnv(cloud), RALLY_NOVA_IMAGE: cloud.image, RALLY_NOVA_FLAVOR: cloud.flavor, RALLY_MONITOR_PROFILE: profile });
      // Two at a time: each validation is a Rally process that also creates and deletes a user.
      const queue = [...tested];
      const problems: string[] = [];
      const worker = async () => {
        for (let service = queue.shift(); service; service = queue.shift()) {
          const { args } = taskPlan(config, service as ServiceName, tested, DEFAULT_SCENARIOS_DIR);
          const result = await validateTask(rally, join(DEFAULT_SCENARIOS_DIR, `${service}.yaml`), args);
          if (!result.valid) problems.push(`${service}: ${result.run.output}`);
        }
      };
      await Promise.all([worker(), worker()]);
      assert.deepEqual(problems, []);
    });
  }

  it('rejects a bad task argument with Rally\'s reason', async () => {
    const config = loadConfig({ ...cloudEnv(cloud), RALLY_NOVA_FLAVOR: 'no-such-flavor', RALLY_NOVA_IMAGE: cloud.image });
    const { args } = taskPlan(config, 'nova', tested, DEFAULT_SCENARIOS_DIR);
    const result = await validateTask(rally, join(DEFAULT_SCENARIOS_DIR, 'nova.yaml'), args);
    assert.equal(result.valid, false);
    assert.match(!result.valid ? result.run.output : '', /^Invalid task: NovaServers\.boot_and_delete_server: .*no-such-flavor/);
  });
});
