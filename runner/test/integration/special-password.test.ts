// A monitoring password made of the characters writers escape (`"` `\` `<` `&` `%` `/` `ü`), for real: a Keystone
// cycle against the local cloud as a user with that password, then every stored file, log line and API answer is
// searched for the password in each form a writer gives it (raw, JSON, HTML/XML, URL-encoded). Rally runs with
// --debug (RALLY_MONITOR_RALLY_DEBUG), so its debug log is searched too.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { Cycle } from '../../src/model.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { cloudEnv, startRunner, testCloud, type RunnerProcess } from '../support/runner-process.js';
import { leakedForms, SPECIAL_PASSWORD } from '../support/secret-forms.js';
import { tempDir } from '../helpers.js';

describe('a monitoring password of " \\ < & % / ü', { timeout: 600_000 }, () => {
  const cloud = testCloud();
  const name = `rm-secret-test-${randomBytes(4).toString('hex')}`;
  let admin: OpenStackSession;
  let keystone: string;
  let userId: string | undefined;
  let projectId: string | undefined;
  let runner: RunnerProcess | undefined;

  before(async () => {
    const config = loadConfig({ ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: await tempDir() });
    admin = new OpenStackSession(config.openstack);
    keystone = (await admin.endpoint('keystone'))!.replace(/\/v3$/, '');
    const project = await admin.request(`${keystone}/v3/projects`, {
      method: 'POST',
      body: { project: { name, domain_id: 'default' } },
    });
    projectId = (project.body as { project: { id: string } }).project.id;
    const user = await admin.request(`${keystone}/v3/users`, {
      method: 'POST',
      body: { user: { name, domain_id: 'default', password: SPECIAL_PASSWORD } },
    });
    userId = (user.body as { user: { id: string } }).user.id;
    const roles = await admin.request(`${keystone}/v3/roles?name=admin`);
    const role = (roles.body as { roles: Array<{ id: string }> }).roles[0]!.id;
    // Rally's Keystone scenarios create users and projects: the monitoring user is an admin, as in production.
    await admin.request(`${keystone}/v3/projects/${projectId}/users/${userId}/roles/${role}`, { method: 'PUT' });
  });

  after(async () => {
    await runner?.stop();
    if (userId) await admin.request(`${keystone}/v3/users/${userId}`, { method: 'DELETE' }).catch(() => undefined);
    if (projectId) {
      await admin.request(`${keystone}/v3/projects/${projectId}`, { method: 'DELETE' }).catch(() => undefined);
    }
    await admin?.close();
  });

  it('runs a Keystone cycle and leaves the password in no stored file, log line or API answer, in any form', async () => {
    runner = await startRunner({
      env: {
        OS_USERNAME: name,
        OS_PASSWORD: SPECIAL_PASSWORD,
        OS_PROJECT_NAME: name,
        RALLY_MONITOR_SERVICES: 'keystone',
        RALLY_MONITOR_RALLY_DEBUG: 'true',
      },
    });
    const cycle = await runner.waitForCycle<Cycle>(await runner.startCycle(), 300_000);
    const keystoneResult = cycle.services.find((s) => s.service === 'keystone')!;
    assert.equal(
      keystoneResult.state,
      'pass',
      JSON.stringify({ reason: keystoneResult.reason, log: runner.output().slice(-2000) })
    );

    const answers: Array<[string, string]> = [];
    for (const path of [
      '/api/results',
      `/api/runs/${cycle.id}`,
      '/api/history',
      '/metrics',
      '/health',
      ...['report.html', 'junit.xml', 'rally.log', 'rally-debug.log'].map(
        (file) => `/api/runs/${cycle.id}/${file}?service=keystone`
      ),
    ]) {
      const response = await runner.request(path, { auth: true });
      assert.equal(response.status, 200, path);
      answers.push([path, await response.text()]);
    }
    answers.push(["the runner's log", runner.output()]);
    // The debug log is Rally's own, with its DEBUG records.
    assert.equal(keystoneResult.artifacts.debugLog, true);
    const debugLog = answers.find(([path]) => path.includes('rally-debug.log'))![1];
    assert.match(debugLog, / (RALLY)?DEBUG /);
    const entries = await readdir(runner.dataDir, { withFileTypes: true, recursive: true });
    for (const entry of entries.filter((e) => e.isFile())) {
      const file = join(entry.parentPath, entry.name);
      // Rally's own database must hold the password to work (the data directory is private, mode 0700).
      if (file.endsWith('/rally/rally.db')) continue;
      answers.push([file, await readFile(file, 'utf8')]);
    }
    const leaks = answers
      .map(([where, text]) => [where, leakedForms(text, SPECIAL_PASSWORD)] as const)
      .filter(([, forms]) => forms.length > 0);
    assert.deepEqual(leaks, []);
  });
});
