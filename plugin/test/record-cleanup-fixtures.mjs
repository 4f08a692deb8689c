// Records the cleanup monitor's API responses that the Cleanup page's tests replay, from the REAL runner against
// the REAL local cloud: it makes a few Rally-named Keystone resources (its own task part, so nothing of anyone
// else's is touched), lets the runner see them age past a short minimum age except one, then records GET
// /api/cleanup, a dry-run purge without and one with includeUnattributed, the confirmed purge of exactly what the
// latter listed, and the audit log. Everything it made is gone at the end. Run after building the runner, with a
// cloud up:
//   RALLY_MONITOR_TEST_CLOUD_DIR=<cloud dir> node plugin/test/record-cleanup-fixtures.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '../../runner/dist/src/config.js';
import { OpenStackSession } from '../../runner/dist/src/openstack/session.js';
import { CloudSeeder, randomTaskPrefix, rallyName } from '../../runner/dist/test/support/cloud-seed.js';
import { cloudEnv, startRunner, testCloud } from '../../runner/dist/test/support/runner-process.js';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/cleanup');
const MIN_AGE_SECONDS = 8;

function save(name, body) {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), `${JSON.stringify(body, null, 2)}\n`);
  console.log(`recorded ${name}`);
}

async function expectOk(response, what) {
  const body = await response.json();
  if (response.status !== 200) {
    throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

const cloud = testCloud();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-cleanup-record-'));
const session = new OpenStackSession(
  loadConfig({ ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: scratch }, scratch).openstack
);
const seeder = new CloudSeeder(session);
const taskPrefix = randomTaskPrefix();
let runner;
try {
  const old = [
    await seeder.project(rallyName(taskPrefix, 'c_rally_')),
    await seeder.project(rallyName(taskPrefix, 'c_rally_')),
    await seeder.user(rallyName(taskPrefix, 'c_rally_')),
  ];
  // Refreshes not rate-limited: the second scan must see the project made after the first.
  runner = await startRunner({
    env: { RALLY_MONITOR_CLEANUP_MIN_AGE: `${MIN_AGE_SECONDS}s`, RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL: '0' },
  });
  // Keystone gives no creation time: a leak's age counts from the runner's first sight of it.
  await expectOk(await runner.request('/api/cleanup?refresh=true'), 'first scan');
  console.log(`made ${old.length} old leaks with task part ${taskPrefix}; waiting past the minimum age`);
  await new Promise((r) => setTimeout(r, (MIN_AGE_SECONDS + 2) * 1000));
  const young = await seeder.project(rallyName(taskPrefix, 'c_rally_'));
  const mine = [...old, young].map((m) => m.id);

  const report = await expectOk(await runner.request('/api/cleanup?refresh=true'), 'GET /api/cleanup');
  const listed = report.leaks.filter((l) => l.taskPrefix === taskPrefix).length;
  if (listed !== mine.length) {
    throw new Error(`the scan listed ${listed} of the ${mine.length} resources made`);
  }
  save('cleanup.json', report);

  const post = (body) =>
    runner.request('/api/cleanup/purge', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  // Scoped to the ids made here: the cloud is shared and others' leaks are theirs to purge.
  // Made here, not by a Rally task, so unattributed: a purge leaves them out unless it includes them. First the dry
  // run the Cleanup page asks for by default (without includeUnattributed): every one of them is in its leftOut.
  const attributedOnly = await expectOk(await post({ ids: mine }), 'dry run without includeUnattributed');
  if (attributedOnly.candidates.length > 0 || attributedOnly.leftOut.length !== mine.length) {
    throw new Error(
      `the dry run without includeUnattributed left out ${attributedOnly.leftOut.length} of the ${mine.length} ` +
        `resources made and would delete ${attributedOnly.candidates.length}`
    );
  }
  save('cleanup-purge-dry-run-attributed-only.json', attributedOnly);
  // Then the dry run that includes them, as after the page's "Include unattributed leaks" opt-in.
  const dryRun = await expectOk(await post({ ids: mine, includeUnattributed: true }), 'dry run');
  save('cleanup-purge-dry-run.json', dryRun);
  const purge = await expectOk(
    await post({ confirm: true, includeUnattributed: true, ids: dryRun.candidates.map((l) => l.id) }),
    'purge'
  );
  save('cleanup-purge.json', purge);
  save('cleanup-audit.json', await expectOk(await runner.request('/api/cleanup/audit'), 'GET /api/cleanup/audit'));
} finally {
  await runner?.stop();
  const problems = await seeder.removeAll();
  await session.close();
  fs.rmSync(scratch, { recursive: true, force: true });
  if (problems.length) {
    console.error(`could not remove: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
}
