// A monitoring password made of the characters writers escape (`"` `\` `<` `&` `%` `/` `ü`), for real: a Keystone
// cycle against the local cloud as a user with that password, then every stored file, log line and API answer is
// searched for the password in each form a writer gives it (raw, JSON, HTML/XML, URL-encoded).
// The same cycle proves the credentials many operators have: the user is in a non-default domain, and the runner
// knows it only by ids (OS_PROJECT_ID, OS_USER_DOMAIN_ID) from an openrc file (RALLY_MONITOR_OPENRC). Rally runs with
// --debug (RALLY_MONITOR_RALLY_DEBUG), so its debug log is searched too.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { Cycle } from '../../src/model.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import {
  createIdOnlyAccount,
  idOnlyOpenrc,
  NO_ENVIRONMENT_CREDENTIALS,
  type IdOnlyAccount,
} from '../support/id-only-account.js';
import { cloudEnv, startRunner, testCloud, type RunnerProcess } from '../support/runner-process.js';
import { leakedForms, SPECIAL_PASSWORD } from '../support/secret-forms.js';
import { tempDir } from '../helpers.js';

describe('a monitoring password of " \\ < & % / ü', { timeout: 600_000 }, () => {
  const cloud = testCloud();
  let admin: OpenStackSession;
  let account: IdOnlyAccount | undefined;
  let runner: RunnerProcess | undefined;

  before(async () => {
    const config = loadConfig({ ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: await tempDir() });
    admin = new OpenStackSession(config.openstack);
    account = await createIdOnlyAccount(admin, SPECIAL_PASSWORD);
  });

  after(async () => {
    await runner?.stop();
    await account?.remove();
    await admin?.close();
  });

  it('runs a Keystone cycle and leaves the password in no stored file, log line or API answer, in any form', async () => {
    const openrc = join(await tempDir(), 'openrc.sh');
    await writeFile(openrc, idOnlyOpenrc(cloud, account!), { mode: 0o600 });
    runner = await startRunner({
      env: {
        ...NO_ENVIRONMENT_CREDENTIALS,
        RALLY_MONITOR_OPENRC: openrc,
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
