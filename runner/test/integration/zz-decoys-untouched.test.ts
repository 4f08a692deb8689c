// Runs last (zz-): every integration test ran among another tenant's resources whose names look like Rally's
// (seeded by `cloud.sh up` from test/cloud/lib/decoys.py). Not one may have been touched; the scan lists only those
// whose task part is hex, as unattributed, and even an unscoped purge leaves them out.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { CleanupMonitor } from '../../src/cleanup/monitor.js';
import { parseRallyName } from '../../src/cleanup/names.js';
import { openCleanup } from '../../src/cleanup/setup.js';
import { loadConfig, secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { REPO_DIR, tempDir } from '../helpers.js';
import { cloudEnv, testCloud } from '../support/runner-process.js';

interface Decoy {
  service: string;
  type: string;
  id: string;
  name: string;
}

describe("another tenant's Rally-lookalike resources", { timeout: 120_000 }, () => {
  const cloud = testCloud();
  let decoys: Decoy[];
  let cleanup: CleanupMonitor;

  before(async () => {
    const seeded = await readFile(join(cloud.dir, 'decoys.json'), 'utf8').catch(() => null);
    assert.ok(
      seeded,
      `${cloud.dir}/decoys.json is missing: \`CLOUD_DIR=${cloud.dir} bash test/cloud/cloud.sh up\` seeds the decoys`
    );
    decoys = (JSON.parse(seeded) as { decoys: Decoy[] }).decoys;
    const dataDir = await tempDir('rally-monitor-decoys-');
    const config = loadConfig(
      { ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: dataDir, RALLY_MONITOR_CLEANUP_MIN_AGE: '0' },
      dataDir
    );
    const logger = createLogger(
      'warn',
      secretsOf(config),
      new Writable({
        write(_chunk, _encoding, done) {
          done();
        },
      })
    );
    cleanup = await openCleanup(config, { logger, secrets: secretsOf(config), tasks: () => new Map() });
  });

  after(async () => {
    await cleanup?.stop();
  });

  it('are all still there, under their names', async () => {
    const check = await promisify(execFile)(
      '/usr/bin/python3',
      [join(REPO_DIR, 'test/cloud/lib/decoys.py'), 'check', cloud.dir],
      { timeout: 60_000 }
    ).catch((error: { stdout?: string; stderr?: string }) =>
      assert.fail(`decoys were touched:\n${error.stdout ?? ''}${error.stderr ?? ''}`)
    );
    assert.match(check.stdout, /(\d+) of \1 untouched/);
  });

  it('are listed only when their task part is hex, then as unattributed, and left out of an unscoped purge', async () => {
    const outcome = await cleanup.purge({ confirm: false, scope: {} }, 'cli');
    const report = cleanup.latest()!;
    const key = (r: { service: string; type: string; id: string }) => `${r.service}/${r.type}/${r.id}`;
    const listed = new Map(report.leaks.map((leak) => [key(leak), leak]));
    const leftOut = new Map(outcome.leftOut.map((l) => [key(l.leak), l.reason]));
    const candidates = new Set(outcome.candidates.map(key));
    // The monitor lists Swift containers of its own account only; the decoys' are in the tenant's account.
    for (const decoy of decoys.filter((d) => d.service !== 'swift')) {
      const leak = listed.get(key(decoy));
      if (!parseRallyName(decoy.name)) {
        assert.equal(leak, undefined, `${decoy.name} is not a Rally name, yet was listed`);
        continue;
      }
      assert.equal(leak?.attribution, 'unattributed', `${decoy.service} ${decoy.type} ${decoy.name}`);
      assert.ok(!candidates.has(key(decoy)), `an unscoped purge would delete ${decoy.name}`);
      assert.ok(leftOut.has(key(decoy)), `${decoy.name} left out without a reason`);
    }
    assert.ok(
      decoys.some((d) => parseRallyName(d.name)) && decoys.some((d) => !parseRallyName(d.name)),
      'both kinds of decoys seeded'
    );
  });
});
