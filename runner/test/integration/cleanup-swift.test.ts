// Purging a Rally-named Swift container whose objects are named with `.` and `..` segments, against the real Swift
// of the test cloud: the objects go, the container goes, an object in another container that a normalised URL
// would have addressed survives, and the purge ends by its deadline. Only Swift is used (no Rally cycle): a few
// seconds under the shared lock. The cloud is shared: the containers carry a random task part, and teardown removes
// them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../../src/cleanup/audit.js';
import { kindContexts } from '../../src/cleanup/scan.js';
import { executePurge } from '../../src/cleanup/purge.js';
import { swiftUrl } from '../../src/cleanup/kinds/swift.js';
import { GONE_OR_OK } from '../../src/cleanup/kind.js';
import type { Leak } from '../../src/cleanup/leak.js';
import { loadConfig } from '../../src/config.js';
import { listAll, OpenStackSession } from '../../src/openstack/session.js';
import { randomTaskPrefix, rallyName } from '../support/cloud-seed.js';
import { cloudEnv, testCloud } from '../support/runner-process.js';
import { tempDir } from '../helpers.js';

const DEADLINE_MS = 20_000;

describe('Swift purge against the real Swift', { timeout: 120_000 }, () => {
  const cloud = testCloud();
  let session: OpenStackSession;
  let account: string | null = null;
  const taskPrefix = randomTaskPrefix();
  const rally = rallyName(taskPrefix);
  const victim = `prod-backups-${taskPrefix}`;
  // What a URL resolving the dot segments would have addressed: another container's object, and two names in the
  // Rally container that do not exist (so their DELETE "succeeds" with 404 and the listing never empties).
  const names = [`../${victim}/db.dump`, './x', 'a/../b'];

  const put = (url: string, body?: string) =>
    session.request(url, {
      method: 'PUT',
      ...(body !== undefined ? { headers: { 'content-type': 'text/plain' }, body } : {}),
    });

  before(async () => {
    const dataDir = await tempDir('rally-monitor-swift-');
    session = new OpenStackSession(loadConfig(cloudEnv(cloud), dataDir).openstack);
    const endpoint = await session.endpoint('swift');
    account = endpoint;
  });

  after(async () => {
    // Not through the code under test: whatever it left, this removes.
    for (const container of account ? [rally, victim] : []) {
      const objects = await listAll(session, swiftUrl(account!, container), { style: 'swift' }).catch(() => []);
      for (const object of objects) {
        await session.request(swiftUrl(account!, container, String(object.name)), {
          method: 'DELETE',
          accept: GONE_OR_OK,
        });
      }
      await session.request(swiftUrl(account!, container), { method: 'DELETE', accept: GONE_OR_OK });
    }
    await session?.close();
  });

  it("deletes the objects named with dot segments and their container, leaves the other container's object, and ends", async (t) => {
    if (!account) {
      t.skip('the test cloud runs no Swift (not in the catalog)');
      return;
    }
    await put(swiftUrl(account, victim));
    await put(swiftUrl(account, victim, 'db.dump'), 'production backup');
    await put(swiftUrl(account, rally));
    for (const name of names) await put(swiftUrl(account, rally, name), 'rally');
    // Swift took each name as is: split_path keeps everything after the container as the object name.
    const listed = (await listAll(session, swiftUrl(account, rally), { style: 'swift' })).map((o) => String(o.name));
    assert.deepEqual(listed.sort(), [...names].sort());

    const token = await session.currentToken();
    const leak: Leak = {
      service: 'swift',
      type: 'container',
      id: rally,
      name: rally,
      project: token.projectId ?? null,
      userId: null,
      createdAt: null,
      firstSeenAt: new Date().toISOString(),
      ageSeconds: 7200,
      taskPrefix,
      taskUuid: null,
      runId: null,
      attribution: 'run',
    };
    const audit = new AuditLog(join(await tempDir('rally-monitor-swift-audit-'), 'audit.jsonl'));
    const started = Date.now();
    const purge = executePurge(
      {
        session,
        contextOf: await kindContexts(session, token),
        audit,
        trigger: 'cli',
        secrets: [],
        waitMs: DEADLINE_MS,
      },
      [leak]
    );
    // The old purge looped forever here; bound the wait a little beyond the purge's own deadline.
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      purge.then((outcome) => ({ outcome, error: null })),
      new Promise<never>(
        (_resolve, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`the purge still runs ${DEADLINE_MS + 10_000} ms after it started`)),
            DEADLINE_MS + 10_000
          ))
      ),
    ])
      .catch((error: Error) => ({ outcome: null, error }))
      .finally(() => clearTimeout(timer));
    const elapsed = Date.now() - started;
    // The other container's object first: it must survive whatever the purge did.
    const survivor = await session.request(swiftUrl(account, victim, 'db.dump'), {
      accept: (s) => s === 404 || (s >= 200 && s < 300),
    });
    assert.equal(survivor.status, 200, 'the object in the other container survives');
    assert.equal(survivor.body, JSON.stringify('production backup')); // the session sends bodies as JSON
    if (settled.error) throw settled.error;
    const outcome = settled.outcome!;
    assert.ok(elapsed < DEADLINE_MS, `ended within its deadline (${elapsed} ms)`);

    assert.equal(outcome.stopped, null);
    assert.deepEqual(
      outcome.results.map((r) => [r.leak.id, r.outcome, r.error]),
      [[rally, 'deleted', undefined]]
    );
    const gone = await session.request(swiftUrl(account, rally), {
      method: 'HEAD',
      accept: (s) => s === 404 || (s >= 200 && s < 300),
    });
    assert.equal(gone.status, 404, 'the Rally container is gone');
    assert.deepEqual((await audit.read()).map((e) => e.outcome).reverse(), ['deleting', 'deleted']);
  });
});
